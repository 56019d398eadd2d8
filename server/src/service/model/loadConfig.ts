import * as path from 'node:path';
import type { Directive, ParsedFile } from '../parser/ast';
import type { ConfigDiagnostic, Severity } from '../diagnostics';
import type { ConfigHost, ReadResult } from './configHost';
import type { ConfigTree, ContextName } from './configTree';
import { expandGlob, isGlobPattern } from './expandGlob';
import { ParseCache } from './parseCache';

/** How deep includes may nest before the tree stops following them. */
export const MAX_INCLUDE_DEPTH = 64;

/** Options of {@link loadConfig}. */
export interface LoadOptions {
  host: ConfigHost;
  cache?: ParseCache;
  /** The conf prefix; defaults to the main file's directory, as `nginx -c FILE` does. */
  prefix?: string;
  /** Context of the main file's top level; inferred from its content when absent. */
  rootContext?: ContextName[];
  /** True when the prefix is a guess (a file analysed alone): missing includes are then warnings. */
  prefixIsGuess?: boolean;
}

const MAIN_ONLY = new Set(['http', 'events', 'stream', 'mail', 'worker_processes', 'worker_rlimit_nofile', 'user', 'pid', 'load_module', 'daemon', 'master_process', 'env', 'thread_pool', 'pcre_jit', 'worker_cpu_affinity', 'worker_priority', 'lock_file']);
const HTTP_LEVEL = new Set(['server', 'upstream', 'map', 'geo', 'split_clients', 'limit_req_zone', 'limit_conn_zone', 'proxy_cache_path', 'log_format', 'fastcgi_cache_path']);
const SERVER_LEVEL = new Set(['location', 'listen', 'server_name']);

/**
 * The context a file's top level implies when it is analysed alone: a real main config, the
 * `http` body of a site file (top-level `server {}`), or the body of a `server` block.
 */
export function inferRootContext(parsed: ParsedFile): ContextName[] {
  const names = parsed.directives.map((d) => d.name);
  if (names.some((n) => MAIN_ONLY.has(n))) return [];
  const inStream = /(^|[\\/])stream[^\\/]*[\\/]/.test(parsed.path);
  const servers = parsed.directives.filter((d) => d.name === 'server');
  if (servers.length > 0 && servers.every((d) => !d.block) && names.every((n) => n === 'server' || n === 'include' || n.startsWith('keepalive') || !HTTP_LEVEL.has(n))) {
    return [inStream ? 'stream' : 'http', 'upstream'];
  }
  if (names.some((n) => HTTP_LEVEL.has(n))) return [inStream ? 'stream' : 'http'];
  if (names.some((n) => SERVER_LEVEL.has(n))) return [inStream ? 'stream' : 'http', 'server'];
  return [inStream ? 'stream' : 'http'];
}

function fileProblem(file: string, result: Exclude<ReadResult, { kind: 'text' }>, severity: Severity): ConfigDiagnostic {
  const code = result.reason === 'too-large' ? 'file-too-large' : result.reason === 'binary' ? 'binary-file' : 'file-unreadable';
  return { file, start: 0, end: 0, severity, code, message: result.message, fixes: [], related: [] };
}

function syntaxDiagnostics(parsed: ParsedFile): ConfigDiagnostic[] {
  return parsed.problems.map((p) => ({
    file: parsed.path,
    start: p.start,
    end: p.end,
    severity: 'error' as const,
    code: 'syntax-error',
    message: p.message,
    fixes: p.fix ? [{ title: p.fix.title, edits: [{ file: parsed.path, start: p.fix.start, end: p.fix.end, newText: p.fix.newText }] }] : [],
    related: (p.related ?? []).map((r) => ({ file: parsed.path, ...r })),
  }));
}

/** Every `include` directive of a parsed file, in order, at any depth. */
function includeDirectives(parsed: ParsedFile): Directive[] {
  const out: Directive[] = [];
  const visit = (list: readonly Directive[]): void => {
    for (const d of list) {
      if (d.name === 'include') out.push(d);
      if (d.block && !d.luaBody) visit(d.block.children);
    }
  };
  visit(parsed.directives);
  return out;
}

/**
 * Loads a main config and, recursively, what it includes, resolving paths against the conf
 * prefix and expanding globs in sorted order as nginx does; never throws.
 */
export function loadConfig(mainFile: string, options: LoadOptions): ConfigTree {
  const host = options.host;
  const cache = options.cache ?? new ParseCache();
  const main = path.resolve(mainFile);
  const prefix = options.prefix ?? path.dirname(main);
  const files = new Map<string, ParsedFile>();
  const includes = new Map<Directive, string[]>();
  const diagnostics: ConfigDiagnostic[] = [];
  const processed = new Set<string>();
  const includedPaths = new Set<string>();
  const missingSeverity: Severity = options.prefixIsGuess ? 'warning' : 'error';

  const parseFile = (file: string, result: Extract<ReadResult, { kind: 'text' }>): ParsedFile => {
    const parsed = cache.parse(file, result.text, result.version);
    files.set(file, parsed);
    diagnostics.push(...syntaxDiagnostics(parsed));
    return parsed;
  };

  const followIncludes = (parsed: ParsedFile, stack: string[]): void => {
    if (processed.has(parsed.path)) return;
    processed.add(parsed.path);
    for (const inc of includeDirectives(parsed)) {
      const targets = resolveInclude(inc, parsed, stack);
      includes.set(inc, targets);
    }
  };

  const resolveInclude = (inc: Directive, from: ParsedFile, stack: string[]): string[] => {
    const report = (severity: Severity, code: string, message: string, related: ConfigDiagnostic['related'] = []): void => {
      const at = inc.args[0] ?? inc.nameToken;
      diagnostics.push({ file: from.path, start: at.start, end: at.end, severity, code, message, fixes: [], related });
    };
    if (inc.args.length !== 1) {
      report('error', 'invalid-argument-count', `"include" takes exactly one path, got ${inc.args.length}`);
      return [];
    }
    const arg = inc.args[0].value;
    const target = path.isAbsolute(arg) ? path.normalize(arg) : path.join(prefix, arg);
    let candidates: string[];
    if (isGlobPattern(arg)) {
      candidates = expandGlob(target, host);
    } else {
      candidates = [target];
    }
    const loaded: string[] = [];
    for (const file of candidates) {
      includedPaths.add(file);
      if (stack.includes(file)) {
        const chain = [...stack.slice(stack.indexOf(file)), file].map((f) => path.relative(prefix, f) || f).join(' → ');
        report('error', 'include-cycle', `include cycle: ${chain}; nginx would include these files forever`);
        continue;
      }
      if (stack.length >= MAX_INCLUDE_DEPTH) {
        report('error', 'include-cycle', `includes nested deeper than ${MAX_INCLUDE_DEPTH} levels: "${file}" is not followed`);
        continue;
      }
      let parsed = files.get(file);
      if (!parsed) {
        const result = host.readFile(file);
        if (result.kind === 'error') {
          if (result.reason === 'not-found') {
            const hint = options.prefixIsGuess ? ` (resolved against ${prefix}; set nginxTls.mainConfig if the main config lives elsewhere)` : '';
            report(missingSeverity, 'include-not-found', `included file "${file}" does not exist: nginx fails with open() "${file}" failed (2: No such file or directory)${hint}`);
          } else if (result.reason === 'too-large') {
            report('warning', 'file-too-large', result.message);
          } else {
            report('error', result.reason === 'binary' ? 'binary-file' : 'file-unreadable', result.message);
          }
          continue;
        }
        parsed = parseFile(file, result);
      }
      loaded.push(file);
      followIncludes(parsed, [...stack, file]);
    }
    return loaded;
  };

  const result = host.readFile(main);
  let rootContext: ContextName[] = options.rootContext ?? [];
  if (result.kind === 'error') {
    diagnostics.push(fileProblem(main, result, result.reason === 'too-large' || result.reason === 'binary' ? 'warning' : 'error'));
  } else {
    const parsed = parseFile(main, result);
    rootContext = options.rootContext ?? inferRootContext(parsed);
    followIncludes(parsed, [main]);
  }
  const tree: ConfigTree = { mainFile: main, prefix, rootContext, files, includes, diagnostics, includedPaths };
  if (host.localPath) tree.localPath = (file) => host.localPath?.(file) ?? file;
  return tree;
}
