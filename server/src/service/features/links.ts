import * as path from 'node:path';
import type { Directive } from '../parser/ast';
import type { ConfigHost } from '../model/configHost';
import { forEachDirective, walkConfig, type ConfigTree } from '../model/configTree';
import { expandGlob, isGlobPattern } from '../model/expandGlob';
import { locateDirective } from './locate';

/** A clickable path in a file: the range of the argument and the file(s) it names. */
export interface DocumentLink {
  start: number;
  end: number;
  /** The first (or only) file; a glob's other matches are in `targets`. */
  target: string;
  targets: string[];
  tooltip: string;
}

/** A place a definition request leads to. */
export interface DefinitionTarget {
  file: string;
  start: number;
  end: number;
}

/**
 * Directives whose first argument is a file nginx resolves against the conf prefix. Only their
 * paths are computed: the files are never opened here (key files above all).
 */
export const PATH_DIRECTIVES: ReadonlySet<string> = new Set([
  'include', 'ssl_certificate', 'ssl_certificate_key', 'ssl_trusted_certificate', 'ssl_client_certificate',
  'ssl_dhparam', 'ssl_stapling_file', 'ssl_crl', 'ssl_password_file', 'ssl_session_ticket_key',
]);

/** Directives that name an upstream block (`proxy_pass http://NAME`, `fastcgi_pass NAME`, ...). */
const PASS_DIRECTIVES: ReadonlySet<string> = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']);

/** The file(s) a path argument names, as nginx resolves it; none for variables or data: values. */
export function resolvePathArgument(tree: ConfigTree, d: Directive, host?: ConfigHost): string[] {
  const arg = d.args[0];
  if (!arg || (d.name === 'include' && d.args.length !== 1)) return [];
  const value = arg.value;
  if (value.includes('$') || /^(data|engine|store):/.test(value)) return [];
  if (d.name === 'include') {
    const loaded = tree.includes.get(d);
    if (loaded) return loaded;
  }
  const target = path.isAbsolute(value) ? path.normalize(value) : path.join(tree.prefix, value);
  if (d.name === 'include' && isGlobPattern(value)) return host ? expandGlob(target, host) : [];
  if (host && !host.exists(target)) return [];
  return [target];
}

/** Links for the path arguments of `include` and the ssl_* file directives of one file. */
export function documentLinks(tree: ConfigTree, file: string, host?: ConfigHost): DocumentLink[] {
  const parsed = tree.files.get(file);
  if (!parsed) return [];
  const out: DocumentLink[] = [];
  forEachDirective(parsed.directives, (d) => {
    if (!PATH_DIRECTIVES.has(d.name) || d.args.length === 0) return;
    const targets = resolvePathArgument(tree, d, host);
    if (targets.length === 0) return;
    const arg = d.args[0];
    const rel = (t: string): string => path.relative(tree.prefix, t) || t;
    const tooltip = targets.length === 1 ? `Open ${rel(targets[0])}` : `${targets.length} files: ${targets.map(rel).join(', ')}`;
    out.push({ start: arg.start, end: arg.end, target: targets[0], targets, tooltip });
  });
  return out;
}

/** The upstream name a *_pass argument refers to, if it is a bare name (no port, no variable). */
function upstreamName(d: Directive): string | undefined {
  const value = d.args[0]?.value;
  if (!value || value.includes('$')) return undefined;
  const m = /^(?:[a-z0-9]+:\/\/)?([^/:\s]+)(?:\/.*)?$/i.exec(value);
  return m?.[1];
}

/**
 * Go to definition: the file(s) of an include or ssl_* path argument (a glob gives all its
 * matches), or the `upstream` block a proxy_pass/fastcgi_pass/... names.
 */
export function definitionAt(tree: ConfigTree, file: string, offset: number, host?: ConfigHost): DefinitionTarget[] {
  const at = locateDirective(tree, file, offset);
  if (!at || at.tokenIndex === undefined || at.tokenIndex < 0) return [];
  const d = at.directive;
  if (PATH_DIRECTIVES.has(d.name) && at.tokenIndex === 0) {
    return resolvePathArgument(tree, d, host).map((f) => ({ file: f, start: 0, end: 0 }));
  }
  if ((PASS_DIRECTIVES.has(d.name) || (d.name === 'proxy_pass' && at.ancestors.some((a) => a.name === 'stream'))) && at.tokenIndex === 0) {
    const name = upstreamName(d);
    if (!name) return [];
    const out: DefinitionTarget[] = [];
    walkConfig(tree, (u) => {
      if (u.name === 'upstream' && u.block && u.args[0]?.value === name) out.push({ file: u.file, start: u.nameToken.start, end: u.args[0].end });
      return true;
    });
    return out;
  }
  return [];
}
