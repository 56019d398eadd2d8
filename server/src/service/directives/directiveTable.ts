import generated from './directives.json';
import { HAND_LISTED_DIRECTIVES, HAND_LISTED_MODULES } from './handListed';
import type { DirectiveTableFile, TableDirective, TableModule } from './tableFormat';

/**
 * The context a directive is read in, as one bit (nginx's cmd_type per module type). `0` means
 * "not checked": the body of an unknown block or a value-list block (map, types, geo, ...).
 */
export const enum ContextKind {
  Unchecked = 0,
  Main = 1 << 0,
  Events = 1 << 1,
  Http = 1 << 2,
  Server = 1 << 3,
  Location = 1 << 4,
  Upstream = 1 << 5,
  IfInServer = 1 << 6,
  IfInLocation = 1 << 7,
  LimitExcept = 1 << 8,
  Stream = 1 << 9,
  StreamServer = 1 << 10,
  StreamUpstream = 1 << 11,
  Mail = 1 << 12,
  MailServer = 1 << 13,
}

const ALL_CONTEXTS = (1 << 14) - 1;

/** The table's context names and their bits. */
export const CONTEXT_BY_NAME: Readonly<Record<string, number>> = {
  main: ContextKind.Main,
  events: ContextKind.Events,
  http: ContextKind.Http,
  server: ContextKind.Server,
  location: ContextKind.Location,
  upstream: ContextKind.Upstream,
  'if-in-server': ContextKind.IfInServer,
  'if-in-location': ContextKind.IfInLocation,
  limit_except: ContextKind.LimitExcept,
  stream: ContextKind.Stream,
  'stream-server': ContextKind.StreamServer,
  'stream-upstream': ContextKind.StreamUpstream,
  mail: ContextKind.Mail,
  'mail-server': ContextKind.MailServer,
  any: ALL_CONTEXTS,
};

/** How nginx's documentation writes each context ("if in location", "server" of stream, ...). */
const CONTEXT_LABELS: readonly [number, string][] = [
  [ContextKind.Main, 'main'], [ContextKind.Events, 'events'], [ContextKind.Http, 'http'], [ContextKind.Server, 'server'],
  [ContextKind.Location, 'location'], [ContextKind.Upstream, 'upstream'], [ContextKind.IfInServer, 'if in server'],
  [ContextKind.IfInLocation, 'if in location'], [ContextKind.LimitExcept, 'limit_except'], [ContextKind.Stream, 'stream'],
  [ContextKind.StreamServer, 'stream server'], [ContextKind.StreamUpstream, 'stream upstream'], [ContextKind.Mail, 'mail'],
  [ContextKind.MailServer, 'mail server'],
];

/** Readable names of the contexts in a mask, e.g. ['http', 'server']. */
export function contextLabels(mask: number): string[] {
  if (mask === ALL_CONTEXTS) return ['any'];
  return CONTEXT_LABELS.filter(([bit]) => mask & bit).map(([, label]) => label);
}

/** Blocks whose bodies are values for a handler, never directives (ngx_conf_parse with cf->handler). */
export const VALUE_LIST_BLOCKS: ReadonlySet<string> = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map']);

/** The context of the body of block directive `name` written in context `parent`. */
export function childContext(parent: number, name: string): number {
  switch (parent) {
    case ContextKind.Main:
      return name === 'events' ? ContextKind.Events : name === 'http' ? ContextKind.Http : name === 'stream' ? ContextKind.Stream : name === 'mail' ? ContextKind.Mail : ContextKind.Unchecked;
    case ContextKind.Http:
      return name === 'server' ? ContextKind.Server : name === 'upstream' ? ContextKind.Upstream : ContextKind.Unchecked;
    case ContextKind.Server:
      return name === 'location' ? ContextKind.Location : name === 'if' ? ContextKind.IfInServer : ContextKind.Unchecked;
    case ContextKind.Location:
      return name === 'location' ? ContextKind.Location : name === 'if' ? ContextKind.IfInLocation : name === 'limit_except' ? ContextKind.LimitExcept : ContextKind.Unchecked;
    case ContextKind.Stream:
      return name === 'server' ? ContextKind.StreamServer : name === 'upstream' ? ContextKind.StreamUpstream : ContextKind.Unchecked;
    case ContextKind.Mail:
      return name === 'server' ? ContextKind.MailServer : ContextKind.Unchecked;
    default:
      return ContextKind.Unchecked;
  }
}

/** The context of a file's top level given the tree's rootContext (e.g. ['http', 'server']). */
export function rootContextKind(rootContext: readonly string[]): number {
  let kind: number = ContextKind.Main;
  for (const name of rootContext) kind = childContext(kind, name);
  return kind;
}

/** Every context that can be nested (at any depth) inside `kind`, including `kind` itself. */
export function nestedContexts(kind: number): number {
  const children: Record<number, number[]> = {
    [ContextKind.Main]: [ContextKind.Events, ContextKind.Http, ContextKind.Stream, ContextKind.Mail],
    [ContextKind.Http]: [ContextKind.Server, ContextKind.Upstream],
    [ContextKind.Server]: [ContextKind.Location, ContextKind.IfInServer],
    [ContextKind.Location]: [ContextKind.IfInLocation, ContextKind.LimitExcept],
    [ContextKind.Stream]: [ContextKind.StreamServer, ContextKind.StreamUpstream],
    [ContextKind.Mail]: [ContextKind.MailServer],
  };
  let mask = kind;
  for (const child of children[kind] ?? []) mask |= nestedContexts(child);
  return mask;
}

/** A module's definition of a directive, with its contexts and argument counts precomputed. */
export interface DirectiveVariant {
  def: TableDirective;
  module: TableModule;
  /** Bit mask of ContextKind. */
  contexts: number;
  /** Bit n set: n arguments accepted (n ≤ 7). */
  countMask: number;
  /** Any count ≥ this is accepted too (1MORE, 2MORE, ANY); Infinity when none. */
  minOpenCount: number;
}

/** Everything known about one directive name. */
export interface DirectiveInfo {
  name: string;
  variants: DirectiveVariant[];
  /** Union of the variants' contexts. */
  contexts: number;
  /** Every definition comes from a third-party module. */
  thirdParty: boolean;
}

const COUNT_MASKS: Readonly<Record<string, number>> = {
  NOARGS: 1 << 0, TAKE1: 1 << 1, TAKE2: 1 << 2, TAKE3: 1 << 3, TAKE4: 1 << 4, TAKE5: 1 << 5, TAKE6: 1 << 6, TAKE7: 1 << 7,
  TAKE12: (1 << 1) | (1 << 2), TAKE13: (1 << 1) | (1 << 3), TAKE23: (1 << 2) | (1 << 3),
  TAKE123: (1 << 1) | (1 << 2) | (1 << 3), TAKE1234: (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4),
};

/** The argument counts a definition accepts, following ngx_conf_handler's checks in its order. */
function argumentCounts(args: readonly string[]): { countMask: number; minOpenCount: number } {
  if (args.includes('ANY')) return { countMask: 0xff, minOpenCount: 0 };
  if (args.includes('FLAG')) return { countMask: 1 << 1, minOpenCount: Infinity };
  if (args.includes('1MORE')) return { countMask: 0xfe, minOpenCount: 1 };
  if (args.includes('2MORE')) return { countMask: 0xfc, minOpenCount: 2 };
  let countMask = 0;
  for (const a of args) countMask |= COUNT_MASKS[a] ?? 0;
  return { countMask, minOpenCount: Infinity };
}

/** Whether a definition accepts `n` arguments. */
export function acceptsCount(variant: DirectiveVariant, n: number): boolean {
  return n >= variant.minOpenCount || (n <= 7 && (variant.countMask & (1 << n)) !== 0);
}

const TABLE = generated as DirectiveTableFile;

/** The versions the table was generated from. */
export const TABLE_VERSIONS = {
  nginxVersion: TABLE.nginxVersion,
  debianVersion: TABLE.debianVersion,
  newer: TABLE.newer,
};

function handListedModule(name: string): TableModule {
  const m = HAND_LISTED_MODULES[name];
  const doc = m.project === 'njs' ? `${m.type}/${name}.html` : undefined;
  return { type: m.type, source: '', package: m.project, build: 'separate-package', thirdParty: true, ...(doc ? { doc } : {}) };
}

/**
 * Handlers that refuse a second use although the generator does not see it: their "is duplicate"
 * is nested deeper than its test looks (ngx_http_core_root: root and alias) or lives in a file
 * without commands (ngx_file.c's path and access slots, the complex-value slots of
 * ngx_http_script.c and ngx_stream_script.c), and ssl's own handlers. Each refuses a second use in
 * one block: measured by an audit with nginx 1.22.1 (`"root" directive is duplicate`, and the same
 * for auth_basic, secure_link, proxy_method, proxy_ssl_name, proxy_ssl_certificate, limit_rate,
 * limit_rate_after, dav_access, client_body_temp_path, proxy_temp_path and ssl).
 */
const REFUSES_SECOND_USE = new Set([
  'ngx_http_core_root',
  'ngx_conf_set_path_slot',
  'ngx_conf_set_access_slot',
  'ngx_http_set_complex_value_slot',
  'ngx_http_set_complex_value_size_slot',
  'ngx_http_set_complex_value_zero_slot',
  'ngx_stream_set_complex_value_slot',
  'ngx_stream_set_complex_value_size_slot',
  'ngx_stream_set_complex_value_zero_slot',
  'ngx_http_ssl_enable',
  'ngx_mail_ssl_enable',
]);

function buildIndex(): Map<string, DirectiveInfo> {
  const index = new Map<string, DirectiveInfo>();
  const add = (listed: TableDirective, module: TableModule): void => {
    const def = !listed.single && listed.handler !== undefined && REFUSES_SECOND_USE.has(listed.handler) ? { ...listed, single: true as const } : listed;
    let contexts = 0;
    for (const c of def.contexts) contexts |= CONTEXT_BY_NAME[c] ?? 0;
    const variant: DirectiveVariant = { def, module, contexts, ...argumentCounts(def.args) };
    const info = index.get(def.name);
    if (info) {
      info.variants.push(variant);
      info.contexts |= contexts;
      info.thirdParty &&= !!def.thirdParty;
    } else {
      index.set(def.name, { name: def.name, variants: [variant], contexts, thirdParty: !!def.thirdParty });
    }
  };
  for (const def of TABLE.directives) add(def, TABLE.modules[def.module]);
  for (const def of HAND_LISTED_DIRECTIVES) add(def, handListedModule(def.module));
  return index;
}

const INDEX = /* @__PURE__ */ buildIndex();

/** Everything known about a directive name, or undefined for an unknown one (one Map lookup). */
export function lookupDirective(name: string): DirectiveInfo | undefined {
  return INDEX.get(name);
}

/** Every known directive name with its definitions. */
export function allDirectives(): IterableIterator<DirectiveInfo> {
  return INDEX.values();
}

/** The variants of a directive allowed in a context (nginx takes the first whose module matches). */
export function variantsIn(info: DirectiveInfo, context: number): DirectiveVariant[] {
  return info.variants.filter((v) => (v.contexts & context) !== 0);
}

/** The official documentation page and anchor of a definition, when nginx.org documents it. */
export function docUrl(variant: DirectiveVariant): string | undefined {
  return variant.module.doc ? `https://nginx.org/en/docs/${variant.module.doc}#${variant.def.name}` : undefined;
}

/** The argument shape of a definition as a short signature, e.g. `on | off`, `value [value]`. */
export function argumentShape(def: TableDirective): string {
  const a = def.args;
  let shape: string;
  if (a.includes('FLAG')) shape = 'on | off';
  else if (def.values && (a.includes('1MORE') || a.includes('2MORE'))) shape = `${def.values.join(' | ')} ...`;
  else if (def.values) shape = def.values.join(' | ');
  else if (a.includes('ANY')) shape = '[value ...]';
  else if (a.includes('1MORE')) shape = 'value ...';
  else if (a.includes('2MORE')) shape = 'value value ...';
  else {
    const counts: number[] = [];
    for (const x of a) {
      const mask = COUNT_MASKS[x] ?? 0;
      for (let n = 0; n <= 7; n++) if (mask & (1 << n) && !counts.includes(n)) counts.push(n);
    }
    counts.sort((x, y) => x - y);
    const min = counts[0] ?? 0;
    const max = counts[counts.length - 1] ?? 0;
    const words = Array.from({ length: max }, (_, i) => (i < min ? 'value' : `[value]`));
    shape = counts.length > 0 && counts.every((n, i) => n === min + i) ? words.join(' ') : `${counts.join(' or ')} values`;
  }
  return shape;
}

/** `name shape;` or `name shape { ... }` as a signature line. */
export function signature(def: TableDirective): string {
  const shape = argumentShape(def);
  const head = shape ? `${def.name} ${shape}` : def.name;
  return def.block ? `${head} { ... }` : `${head};`;
}

/** Optimal string alignment distance, capped: returns max + 1 as soon as it must exceed max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      rows[i][j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length][b.length];
}

/** How far a misspelling may be from a name to be suggested: about a third of its length. */
function suggestionBudget(name: string): number {
  return Math.max(1, Math.min(3, Math.floor(name.length / 3)));
}

/** A known name close to a misspelt one, and how far it is. */
export interface NameSuggestion {
  name: string;
  distance: number;
}

/**
 * Known directive names close to `name` (typos, a missing or extra letter, a truncated word),
 * those allowed in `context` (when given) first, then nearest first.
 */
export function suggestDirectiveNames(name: string, context = 0, limit = 3): NameSuggestion[] {
  const lower = name.toLowerCase();
  const budget = suggestionBudget(lower);
  const found: { name: string; distance: number; allowed: boolean }[] = [];
  for (const info of INDEX.values()) {
    let distance = editDistance(lower, info.name, budget);
    // A word cut short (`ssl_staple` for `ssl_stapling`) is near whatever it begins.
    if (distance > budget && lower.length >= 6 && info.name.startsWith(lower.slice(0, lower.length - 1))) distance = budget;
    if (distance <= budget) found.push({ name: info.name, distance, allowed: context === 0 || (info.contexts & context) !== 0 });
  }
  found.sort((a, b) => Number(b.allowed) - Number(a.allowed) || a.distance - b.distance || (a.name < b.name ? -1 : 1));
  return found.slice(0, limit).map((f) => ({ name: f.name, distance: f.distance }));
}
