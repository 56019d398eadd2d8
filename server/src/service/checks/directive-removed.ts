import type { Fix, Severity, TextEdit } from '../diagnostics';
import type { ConfigTree } from '../model/configTree';
import type { Directive } from '../parser/ast';
import { insertIntoBlock, removeDirective } from '../fixes/directiveEdits';
import { DIRECTIVE_REMOVED, LISTEN_PARAMETER_DEPRECATED } from '../directives/versionHistory';
import type { DirectiveCheckMeta } from './check';
import { compareVersions } from '../versions';

/** The check's metadata; `directive-removed` is a diagnostic code of the CLI and settings contract. */
export const directiveRemoved: DirectiveCheckMeta = {
  id: 'directive-removed',
  defaultSeverity: 'error',
  summary: 'A directive the running nginx no longer has (`ssl on` from 1.25.1: nginx -t fails), or a `listen` parameter it deprecated (`listen ... http2` from 1.25.1).',
};

/** A finding of this check, on the directive it is reported at. */
export interface RemovedFinding {
  start: number;
  end: number;
  message: string;
  severity: Severity;
  fixes: Fix[];
}

/** The `listen` directives written directly in a server block (those a fix can edit). */
function listensOf(server: Directive | undefined): Directive[] {
  return server?.name === 'server' && server.block ? server.block.children.filter((c) => c.name === 'listen' && c.args.length > 0) : [];
}

function hasParameter(listen: Directive, name: string): boolean {
  return listen.args.slice(1).some((a) => a.value === name);
}

/** `ssl on` in a server → `ssl` on each of its listens, the directive removed; `ssl off` → removed. */
function sslFix(tree: ConfigTree, d: Directive, parent: Directive | undefined): Fix[] {
  const value = d.args[0]?.value.toLowerCase();
  if (value === 'off') return [{ title: 'Remove "ssl off;"', edits: [removeDirective(tree, d)] }];
  const listens = listensOf(parent).filter((l) => l.file === d.file);
  if (value !== 'on' || listens.length === 0) return [];
  const edits: TextEdit[] = listens.filter((l) => !hasParameter(l, 'ssl')).map((l) => {
    const last = l.args[l.args.length - 1];
    return { file: l.file, start: last.end, end: last.end, newText: ' ssl' };
  });
  return [{ title: 'Replace "ssl on;" with "listen ... ssl"', edits: [removeDirective(tree, d), ...edits] }];
}

/** `listen ... http2` → the parameter removed from the server's listens, `http2 on;` added once. */
function http2Fix(tree: ConfigTree, listen: Directive, server: Directive): Fix[] {
  const listens = listensOf(server).filter((l) => l.file === listen.file && hasParameter(l, 'http2'));
  if (!listens.includes(listen)) return [];
  const text = tree.files.get(listen.file)?.text ?? '';
  const edits: TextEdit[] = listens.map((l) => {
    const token = l.args.slice(1).find((a) => a.value === 'http2') as Directive['args'][number];
    let start = token.start;
    while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    return { file: l.file, start, end: token.end, newText: '' };
  });
  const hasDirective = server.block?.children.some((c) => c.name === 'http2');
  const insert = hasDirective ? undefined : insertIntoBlock(tree, server, ['http2 on;']);
  if (!hasDirective && !insert) return [];
  return [{ title: 'Replace "listen ... http2" with "http2 on;"', edits: insert ? [...edits, insert] : edits }];
}

/**
 * With a known nginx version: `ssl` from the version that removed it (an error: nginx -t fails
 * with unknown directive "ssl"), and `listen ... http2` from the version that deprecated it
 * (a warning: nginx warns on every start). Nothing when the version is unknown.
 */
export function checkRemoved(tree: ConfigTree, d: Directive, parent: Directive | undefined, nginxVersion: string | undefined): RemovedFinding[] {
  if (!nginxVersion || !/^\d+(\.\d+)*$/.test(nginxVersion)) return [];
  const removed = DIRECTIVE_REMOVED[d.name];
  if (removed && compareVersions(nginxVersion, removed.removedIn) >= 0) {
    return [{
      start: d.nameToken.start,
      end: (d.args[d.args.length - 1] ?? d.nameToken).end,
      severity: 'error',
      message: `"${d.name}" was removed in nginx ${removed.removedIn} (deprecated since ${removed.deprecatedSince}): nginx ${nginxVersion} fails with unknown directive "${d.name}"; use "${removed.instead}"`,
      fixes: d.name === 'ssl' ? sslFix(tree, d, parent) : [],
    }];
  }
  if (d.name !== 'listen' || !parent || parent.name !== 'server') return [];
  const out: RemovedFinding[] = [];
  for (const arg of d.args.slice(1)) {
    const deprecated = LISTEN_PARAMETER_DEPRECATED[arg.value];
    if (!deprecated || compareVersions(nginxVersion, deprecated.deprecatedIn) < 0) continue;
    out.push({
      start: arg.start,
      end: arg.end,
      severity: 'warning',
      message: `"listen ... ${arg.value}" is deprecated since nginx ${deprecated.deprecatedIn}: nginx ${nginxVersion} warns the "listen ... ${arg.value}" directive is deprecated, use the "${arg.value}" directive instead ("${deprecated.instead};" in the server)`,
      fixes: arg.value === 'http2' ? http2Fix(tree, d, parent) : [],
    });
  }
  return out;
}
