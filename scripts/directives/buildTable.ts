import { classifyFlags, extractFile, type ExtractedFile } from './extractCommands';
import type { DirectiveTableFile, ModuleBuild, TableDirective, TableModule } from '../../server/src/service/directives/tableFormat';

/** One unpacked Debian source package, as text (the generator reads it from disk). */
export interface SourceTree {
  /** Debian source package name, e.g. `nginx`, `libnginx-mod-http-lua`. */
  package: string;
  /** From the top line of debian/changelog. */
  debianVersion: string;
  /** NGINX_VERSION of src/core/nginx.h (nginx itself only). */
  nginxVersion?: string;
  /** The C files that define modules, with paths relative to the tree. */
  files: { path: string; text: string }[];
  /** debian/rules: its configure flags say which modules Debian builds. */
  debianRules?: string;
  /** auto/options: which modules are on by default. */
  autoOptions?: string;
}

/** Problems the generator prints (flags it does not understand, directives with no context). */
export interface BuildReport {
  table: DirectiveTableFile;
  warnings: string[];
}

const MODULE_TYPES: Readonly<Record<string, string>> = {
  NGX_CORE_MODULE: 'core',
  NGX_EVENT_MODULE: 'event',
  NGX_HTTP_MODULE: 'http',
  NGX_STREAM_MODULE: 'stream',
  NGX_MAIL_MODULE: 'mail',
  NGX_CONF_MODULE: 'conf',
};

/** Event modules of other operating systems: never in a Linux build. */
const OTHER_OS_MODULES = new Set(['ngx_kqueue_module', 'ngx_devpoll_module', 'ngx_eventport_module', 'ngx_iocp_module', 'ngx_win32_select_module', 'ngx_win32_poll_module']);

/** Modules whose directives nginx.org documents on another module's page. */
const DOC_PAGE_OVERRIDES: Readonly<Record<string, string>> = {
  ngx_http_upstream_hash_module: 'http/ngx_http_upstream_module.html',
  ngx_http_upstream_ip_hash_module: 'http/ngx_http_upstream_module.html',
  ngx_http_upstream_least_conn_module: 'http/ngx_http_upstream_module.html',
  ngx_http_upstream_random_module: 'http/ngx_http_upstream_module.html',
  ngx_http_upstream_keepalive_module: 'http/ngx_http_upstream_module.html',
  ngx_http_upstream_zone_module: 'http/ngx_http_upstream_module.html',
  ngx_stream_upstream_hash_module: 'stream/ngx_stream_upstream_module.html',
  ngx_stream_upstream_least_conn_module: 'stream/ngx_stream_upstream_module.html',
  ngx_stream_upstream_random_module: 'stream/ngx_stream_upstream_module.html',
  ngx_stream_upstream_zone_module: 'stream/ngx_stream_upstream_module.html',
  ngx_http_copy_filter_module: 'http/ngx_http_core_module.html',
  ngx_http_try_files_module: 'http/ngx_http_core_module.html',
  ngx_http_not_modified_filter_module: 'http/ngx_http_core_module.html',
  ngx_http_headers_filter_module: 'http/ngx_http_headers_module.html',
  ngx_http_quic_module: 'http/ngx_http_v3_module.html',
};

/**
 * The nginx.org documentation page of a module (relative to https://nginx.org/en/docs/):
 * core, event and conf modules share ngx_core_module.html; `*_filter_module` pages drop `_filter`.
 */
export function docPathForModule(name: string, type: string): string | undefined {
  const override = DOC_PAGE_OVERRIDES[name];
  if (override) return override;
  if (type === 'core' || type === 'event' || type === 'conf') {
    return name === 'ngx_google_perftools_module' ? 'ngx_google_perftools_module.html' : 'ngx_core_module.html';
  }
  if (type !== 'http' && type !== 'stream' && type !== 'mail') return undefined;
  return `${type}/${name.replace(/_filter_module$/, '_module')}.html`;
}

/** configure's options: option → whether giving it turns the module on (`--with-`) or off. */
function parseOptions(autoOptions: string): Map<string, 'with' | 'without'> {
  const out = new Map<string, 'with' | 'without'>();
  for (const m of autoOptions.matchAll(/^\s+--(with|without)-(\w+)(?:=dynamic)?\)/gm)) {
    if (!out.has(m[2])) out.set(m[2], m[1] as 'with' | 'without');
  }
  return out;
}

/** The configure flags Debian passes: option → 'static' | 'dynamic' | 'no'. */
function parseDebianFlags(rules: string): Map<string, ModuleBuild> {
  const out = new Map<string, ModuleBuild>();
  for (const m of rules.matchAll(/--(with|without)-(\w+)(=dynamic)?/g)) {
    out.set(m[2], m[1] === 'without' ? 'no' : m[3] ? 'dynamic' : 'static');
  }
  return out;
}

const BUILD_ORDER: Record<ModuleBuild, number> = { static: 0, dynamic: 1, no: 2, 'separate-package': 3 };

/** Whether Debian's configure line builds a module of nginx's own tree. */
function moduleBuild(name: string, type: string, options: Map<string, 'with' | 'without'>, flags: Map<string, ModuleBuild>): ModuleBuild {
  if (OTHER_OS_MODULES.has(name)) return 'no';
  const short = name.replace(/^ngx_/, '');
  const own = (): ModuleBuild => {
    for (const option of [short, short.replace(/_filter_module$/, '_module')]) {
      const given = flags.get(option);
      if (given) return given;
      const kind = options.get(option);
      if (kind === 'with') return 'no';
      if (kind === 'without') return 'static';
    }
    return 'static';
  };
  let build = own();
  const family = type === 'stream' || type === 'mail' ? flags.get(type) ?? (options.get(type) === 'with' ? 'no' : 'static') : 'static';
  if (BUILD_ORDER[family] > BUILD_ORDER[build]) build = family;
  return build;
}

interface TreeResult {
  modules: Map<string, TableModule>;
  directives: TableDirective[];
}

/** Extracts the modules and directives of one source tree. */
function readTree(tree: SourceTree, thirdParty: boolean, warnings: string[]): TreeResult {
  const extracted: { path: string; file: ExtractedFile }[] = tree.files.map((f) => ({ path: f.path, file: extractFile(f.text) }));
  const handlers = new Map<string, boolean>();
  const valueLists = new Map<string, string[]>();
  const deprecations = new Map<string, string>();
  for (const { file } of extracted) {
    for (const [k, v] of file.handlers) handlers.set(k, (handlers.get(k) ?? false) || v);
    for (const [k, v] of file.valueLists) valueLists.set(k, v);
    for (const [k, v] of file.deprecations) deprecations.set(k, v);
  }
  const options = parseOptions(tree.autoOptions ?? '');
  const flags = parseDebianFlags(tree.debianRules ?? '');
  const modules = new Map<string, TableModule>();
  const directives: TableDirective[] = [];
  for (const { path, file } of extracted) {
    for (const mod of file.modules) {
      const type = MODULE_TYPES[mod.type];
      if (!type) { warnings.push(`${tree.package} ${path}: module ${mod.name} has unknown type ${mod.type}`); continue; }
      if (mod.commands.length === 0) continue;
      const entry: TableModule = thirdParty
        ? { type, source: path, package: tree.package, build: 'separate-package', thirdParty: true }
        : { type, source: path, package: tree.package, build: moduleBuild(mod.name, type, options, flags) };
      const doc = thirdParty ? undefined : docPathForModule(mod.name, type);
      if (doc) entry.doc = doc;
      modules.set(mod.name, entry);
      for (const cmd of mod.commands) {
        const { contexts, args, block, unknown } = classifyFlags(cmd.flags);
        if (unknown.length) warnings.push(`${tree.package} ${mod.name} "${cmd.name}": flags not understood: ${unknown.join(', ')}`);
        if (contexts.length === 0) { warnings.push(`${tree.package} ${mod.name} "${cmd.name}": no context flag, left out`); continue; }
        const d: TableDirective = { name: cmd.name, module: mod.name, contexts, args, handler: cmd.handler };
        if (block) d.block = true;
        if (handlers.get(cmd.handler)) d.single = true;
        if (cmd.handler === 'ngx_conf_set_enum_slot' || cmd.handler === 'ngx_conf_set_bitmask_slot') {
          const values = valueLists.get(cmd.post);
          if (values?.length) d.values = values;
        }
        const replacement = deprecations.get(cmd.post);
        if (replacement) d.deprecated = replacement;
        if (thirdParty) d.thirdParty = true;
        directives.push(d);
      }
    }
  }
  return { modules, directives };
}

const key = (d: TableDirective): string => `${d.name}\0${d.module}`;

/**
 * Builds the table from nginx's source (the base), newer nginx sources (their extra directives
 * are marked `from`, the base's missing ones `goneIn`), and Debian's third-party module packages.
 */
export function buildTable(base: SourceTree, newer: SourceTree[], thirdParty: SourceTree[], generatedBy: string): BuildReport {
  const warnings: string[] = [];
  if (!base.nginxVersion) throw new Error(`${base.package}: no NGINX_VERSION found`);
  const baseResult = readTree(base, false, warnings);
  const modules = new Map(baseResult.modules);
  const directives = new Map<string, TableDirective>();
  for (const d of baseResult.directives) directives.set(key(d), d);
  for (const tree of newer) {
    const result = readTree(tree, false, warnings);
    const seen = new Set(result.directives.map(key));
    for (const d of directives.values()) if (!seen.has(key(d)) && !d.goneIn) d.goneIn = tree.nginxVersion;
    for (const d of result.directives) {
      if (directives.has(key(d))) continue;
      directives.set(key(d), { ...d, from: tree.nginxVersion });
      if (!modules.has(d.module)) modules.set(d.module, result.modules.get(d.module)!);
    }
  }
  for (const tree of thirdParty) {
    const result = readTree(tree, true, warnings);
    for (const [name, mod] of result.modules) if (!modules.has(name)) modules.set(name, mod);
    for (const d of result.directives) if (!directives.has(key(d))) directives.set(key(d), d);
  }
  const sorted = [...directives.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  const moduleRecord: Record<string, TableModule> = {};
  for (const name of [...modules.keys()].sort()) moduleRecord[name] = modules.get(name)!;
  return {
    table: {
      generatedBy,
      nginxVersion: base.nginxVersion,
      debianVersion: base.debianVersion,
      newer: newer.map((t) => ({ nginxVersion: t.nginxVersion ?? '', debianVersion: t.debianVersion })),
      thirdPartyPackages: thirdParty.map((t) => ({ package: t.package, debianVersion: t.debianVersion })),
      modules: moduleRecord,
      directives: sorted,
    },
    warnings,
  };
}

/** The NGINX_VERSION string of src/core/nginx.h. */
export function nginxVersionOf(nginxH: string): string | undefined {
  return /#define\s+NGINX_VERSION\s+"([^"]+)"/.exec(nginxH)?.[1];
}

/** The version on the top line of debian/changelog: `nginx (1.22.1-9+deb12u9) bookworm; ...`. */
export function debianVersionOf(changelog: string): string | undefined {
  return /^\S+ \(([^)]+)\)/.exec(changelog)?.[1];
}
