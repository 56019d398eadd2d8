import * as path from 'node:path';
import type { Directive, ParsedFile } from '../parser/ast';
import type { ConfigDiagnostic, Severity } from '../diagnostics';
import type { ConfigHost, ReadResult } from './configHost';
import { forEachDirective, type ConfigTree, type ContextName } from './configTree';
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
  /**
   * The path an included file is opened under when that is another path than the one the config
   * includes it by (Debian's sites-enabled/x is a link to sites-available/x, which is the one
   * opened): the file is then read and named by that path, so that it is the opened document.
   */
  openedAs?: (included: string) => string | undefined;
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

const includesOfFile = new WeakMap<ParsedFile, Directive[]>();

/** Every `include` directive of a parsed file, in order, at any depth (kept per parse). */
function includeDirectives(parsed: ParsedFile): Directive[] {
  let out = includesOfFile.get(parsed);
  if (!out) {
    // nginx's escapes in words give only quotes, backslashes and white space: a file whose text does not
    // spell "include" has no include directive, and a large one is not walked on every analysis.
    out = parsed.text.includes('include') ? findIncludeDirectives(parsed) : [];
    includesOfFile.set(parsed, out);
  }
  return out;
}

const directiveCounts = new WeakMap<ParsedFile, number>();

/** How many directives a parsed file holds, at any depth (kept per parse: a tree of 200 sites is counted again on every edit). */
function directiveCount(parsed: ParsedFile): number {
  let count = directiveCounts.get(parsed);
  if (count === undefined) {
    let n = 0;
    forEachDirective(parsed.directives, () => n++);
    directiveCounts.set(parsed, (count = n));
  }
  return count;
}

function findIncludeDirectives(parsed: ParsedFile): Directive[] {
  const out: Directive[] = [];
  forEachDirective(parsed.directives, (d) => {
    if (d.name === 'include') out.push(d);
  });
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

  // Include edges that close a cycle, in the order found: reported once per group of files that include each other.
  const cycleEdges: { inc: Directive; from: ParsedFile; target: string; chain: string[] }[] = [];
  const onStack = new Set<string>();

  const followIncludes = (parsed: ParsedFile, stack: string[]): void => {
    if (processed.has(parsed.path)) return;
    processed.add(parsed.path);
    onStack.add(parsed.path);
    for (const inc of includeDirectives(parsed)) {
      const targets = resolveInclude(inc, parsed, stack);
      includes.set(inc, targets);
    }
    onStack.delete(parsed.path);
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
    const openedAs = options.openedAs;
    if (openedAs) candidates = candidates.map((file) => openedAs(file) ?? file);
    const loaded: string[] = [];
    for (const file of candidates) {
      includedPaths.add(file);
      if (onStack.has(file)) {
        cycleEdges.push({ inc, from, target: file, chain: [...stack.slice(stack.lastIndexOf(file)), file] });
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
  const cyclicFiles = reportCycles(cycleEdges, includes, files, prefix, diagnostics);
  const tree: ConfigTree = { mainFile: main, prefix, rootContext, files, includes, diagnostics, includedPaths, cyclicFiles };
  if (host.localPath) tree.localPath = (file) => host.localPath?.(file) ?? file;
  reportExpansion(tree);
  return tree;
}

/** The most directives a walk of the tree visits before it stops following includes. */
export const MAX_EXPANDED_DIRECTIVES = 1_000_000;

const MAX_CHAIN_FILES = 6;

/**
 * Groups the files that include each other (strongly connected components, Tarjan, linear in the
 * include edges) and reports each group once, at the first include found to close a cycle in it.
 */
function reportCycles(
  cycleEdges: readonly { inc: Directive; from: ParsedFile; target: string; chain: string[] }[],
  includes: ReadonlyMap<Directive, string[]>,
  files: ReadonlyMap<string, ParsedFile>,
  prefix: string,
  diagnostics: ConfigDiagnostic[],
): Set<string> {
  const cyclic = new Set<string>();
  if (cycleEdges.length === 0) return cyclic;
  const edges = new Map<string, string[]>();
  const addEdge = (from: string, to: string): void => {
    const list = edges.get(from);
    if (list) list.push(to);
    else edges.set(from, [to]);
  };
  for (const [inc, targets] of includes) for (const t of targets) addEdge(inc.file, t);
  for (const e of cycleEdges) addEdge(e.from.path, e.target);
  const component = stronglyConnectedComponents([...files.keys()], (f) => edges.get(f) ?? []);
  const sizes = new Map<number, number>();
  for (const id of component.values()) sizes.set(id, (sizes.get(id) ?? 0) + 1);
  const reported = new Set<number>();
  const show = (f: string): string => path.relative(prefix, f) || f;
  for (const e of cycleEdges) {
    const id = component.get(e.target);
    if (id === undefined) continue;
    if (reported.has(id)) continue;
    reported.add(id);
    const members = sizes.get(id) ?? 0;
    const chain = e.chain.length > MAX_CHAIN_FILES
      ? [...e.chain.slice(0, MAX_CHAIN_FILES - 1).map(show), `… (${e.chain.length - MAX_CHAIN_FILES} more)`, show(e.target)]
      : e.chain.map(show);
    const more = members > e.chain.length - 1 ? ` (${members} files include each other)` : '';
    const at = e.inc.args[0] ?? e.inc.nameToken;
    diagnostics.push({ file: e.from.path, start: at.start, end: at.end, severity: 'error', code: 'include-cycle', message: `include cycle: ${chain.join(' → ')}${more}; nginx would include these files forever`, fixes: [], related: [] });
  }
  for (const [f, id] of component) if (reported.has(id)) cyclic.add(f);
  return cyclic;
}

/** Tarjan's strongly connected components, iterative; maps each node to its component number. */
function stronglyConnectedComponents(nodes: readonly string[], next: (node: string) => readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const out = next(top.node);
      if (top.edge < out.length) {
        const to = out[top.edge++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node) as number, index.get(to) as number));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent) as number, low.get(top.node) as number));
      }
      if (low.get(top.node) === index.get(top.node)) {
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.set(member, components);
        } while (member !== top.node);
        components++;
      }
    }
  }
  return component;
}

/**
 * Reports a tree whose includes expand past {@link MAX_EXPANDED_DIRECTIVES} (files included
 * many times over, e.g. each including the next twice): walks stop following includes there.
 */
function reportExpansion(tree: ConfigTree): void {
  if (tree.includes.size === 0) return;
  const size = new Map<string, number>();
  const sizeOf = (file: string, depth: number): number => {
    const known = size.get(file);
    if (known !== undefined) return known;
    const parsed = tree.files.get(file);
    if (!parsed) return 0;
    size.set(file, 0);
    let total = directiveCount(parsed);
    for (const include of includeDirectives(parsed)) {
      for (const t of tree.includes.get(include) ?? []) {
        if (total > MAX_EXPANDED_DIRECTIVES) break;
        total += tree.cyclicFiles?.has(t) || depth > MAX_INCLUDE_DEPTH ? 0 : sizeOf(t, depth + 1);
      }
    }
    size.set(file, total);
    return total;
  };
  if (sizeOf(tree.mainFile, 0) > MAX_EXPANDED_DIRECTIVES) {
    tree.expansionLimited = true;
    tree.diagnostics.push({ file: tree.mainFile, start: 0, end: 0, severity: 'error', code: 'include-cycle', message: `the includes expand to more than ${MAX_EXPANDED_DIRECTIVES.toLocaleString('en-US')} directives (files included many times over): the analysis stops following includes there`, fixes: [], related: [] });
  }
}
