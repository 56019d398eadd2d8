import type { Fix, TextEdit } from '../../diagnostics';
import type { RuleContext } from '../rule';
import { insertIntoBlock, replaceArguments } from '../../fixes/directiveEdits';
import { resolveConfigPath } from '../../model/serverCertificates';
import { describeServer, effective, type HttpServer, type ListenSocket, type Placed } from '../../model/serverModel';

/**
 * The session settings OpenSSL takes from the default server of a listen socket (resumption runs
 * in its SSL context before SNI picks a virtual server), with nginx's defaults.
 */
const SESSION_DEFAULTS: Readonly<Record<string, string | undefined>> = {
  ssl_session_cache: 'none',
  ssl_session_timeout: '5m',
  ssl_session_ticket_key: undefined,
  ssl_session_tickets: 'on',
};

/** The session directives, in the order the fix writes them. */
const SESSION_DIRECTIVES = Object.keys(SESSION_DEFAULTS);

const TIME_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };
const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };

/** An nginx time (`1440m`, `1d`, `1h 30m`, `300`) in milliseconds, as ngx_parse_time reads it. */
export function parseNginxTime(text: string): number | undefined {
  const parts = text.trim().split(/\s+/).join('');
  if (parts === '') return undefined;
  let total = 0;
  const re = /(\d+)(ms|[smhdwMy])?/y;
  let at = 0;
  while (at < parts.length) {
    re.lastIndex = at;
    const m = re.exec(parts);
    if (!m) return undefined;
    total += Number(m[1]) * TIME_UNITS_MS[m[2] ?? 's'];
    at = re.lastIndex;
  }
  return total;
}

/** The built-in cache's size when none is given (ngx_http_ssl_module: NGX_SSL_DFLT_BUILTIN_SCACHE). */
const BUILTIN_CACHE_SESSIONS = 20480;

function normaliseCache(args: string[]): string {
  return args.map((a) => {
    const shared = /^shared:([^:]+):(\d+)([kKmMgG]?)$/.exec(a);
    if (shared) return `shared:${shared[1]}:${Number(shared[2]) * SIZE_UNITS[shared[3].toLowerCase()]}`;
    const lower = a.toLowerCase();
    return lower === 'builtin' ? `builtin:${BUILTIN_CACHE_SESSIONS}` : lower;
  }).sort().join(' ');
}

/** One session setting of a server as it takes effect: for comparing, and for messages. */
export interface SessionValue {
  /** Equal for settings nginx treats alike (`1440m` and `1d`). */
  key: string;
  /** As written (or nginx's default). */
  text: string;
  placed: Placed[] | undefined;
}

/** Per-model memos, so that rules over thousands of servers on one socket stay linear. */
interface Memo {
  values: Map<HttpServer, Map<string, SessionValue>>;
  /** socketsByDefaultServer's answers for every server, made in one pass when first asked. */
  byDefaultServer: Map<HttpServer, DefaultServerGroup[]> | undefined;
  shared: Map<ListenSocket, Map<string, string | null>>;
}

/** Sockets of a server that share one default server (not the server itself). */
export interface DefaultServerGroup {
  defaultServer: HttpServer;
  sockets: ListenSocket[];
}

const memos = new WeakMap<object, Memo>();

function memoOf(context: RuleContext): Memo {
  let memo = memos.get(context.model);
  if (!memo) {
    memo = { values: new Map(), byDefaultServer: undefined, shared: new Map() };
    memos.set(context.model, memo);
  }
  return memo;
}

/** The map under `key` of a map of maps, created when missing. */
function inner<K, V>(outer: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let map = outer.get(key);
  if (!map) {
    map = new Map();
    outer.set(key, map);
  }
  return map;
}

/** The value in effect for one session directive of a server (computed once per model). */
export function sessionValue(server: HttpServer, name: string, context: RuleContext): SessionValue {
  const perServer = inner(memoOf(context).values, server);
  let value = perServer.get(name);
  if (!value) {
    value = computeSessionValue(server, name, context);
    perServer.set(name, value);
  }
  return value;
}

/**
 * The key every server of `socket` other than its default server has for `what` (e.g. a session
 * directive), or null when they differ; computed once per socket and model.
 */
export function sharedKeyOfOthers(context: RuleContext, socket: ListenSocket, what: string, keyOf: (server: HttpServer) => string): string | null {
  const perSocket = inner(memoOf(context).shared, socket);
  let shared = perSocket.get(what);
  if (shared === undefined) {
    const keys = new Set(others(socket).map(keyOf));
    shared = keys.size === 1 ? ([...keys][0] as string) : null;
    perSocket.set(what, shared);
  }
  return shared;
}

function computeSessionValue(server: HttpServer, name: string, context: RuleContext): SessionValue {
  const e = effective(server, name);
  if (!e) {
    const text = SESSION_DEFAULTS[name] ?? '(none)';
    return { key: name === 'ssl_session_timeout' ? String(parseNginxTime(text)) : text, text, placed: undefined };
  }
  const lists = e.placed.map((p) => p.directive.args.map((a) => a.value));
  const text = lists.map((l) => l.join(' ')).join('; ');
  const last = lists[lists.length - 1];
  let key: string;
  switch (name) {
    case 'ssl_session_timeout':
      key = String(parseNginxTime(last.join(' ')) ?? last.join(' '));
      break;
    case 'ssl_session_cache':
      key = normaliseCache(last);
      break;
    case 'ssl_session_tickets':
      key = last.join(' ').toLowerCase();
      break;
    default:
      key = lists.map((l) => resolveConfigPath(context.model.tree, l[0] ?? '')).join('\n');
  }
  return { key, text, placed: e.placed };
}

/** The servers of a socket other than its default one. */
function others(socket: ListenSocket): HttpServer[] {
  return socket.servers.filter((s) => s !== socket.defaultServer);
}

/**
 * The fix giving the default server of `sockets` (which all share it) the session settings of
 * `source`, in the default server's block: its own in-file directives are rewritten, missing ones
 * inserted. Offered only when every other server of every socket it is default for has the same
 * settings as `source` (else aligning with one would break another), and never through an
 * included file.
 */
export function alignSessionFix(sockets: ListenSocket[], source: HttpServer, context: RuleContext): Fix | undefined {
  const target = sockets[0].defaultServer;
  const differing = SESSION_DIRECTIVES.filter((name) => sessionValue(source, name, context).key !== sessionValue(target, name, context).key);
  if (differing.length === 0) return undefined;
  // Never trade a value the default server sets on purpose for one this server only has by
  // nginx's default: write down in this server what its clients already get instead.
  if (differing.some((name) => !effective(source, name) && effective(target, name))) return adoptDefaultServerFix(source, target, differing, context);
  for (const socket of socketsDefaultedBy(context, target)) {
    for (const name of differing) {
      if (sharedKeyOfOthers(context, socket, name, (other) => sessionValue(other, name, context).key) !== sessionValue(source, name, context).key) return undefined;
    }
  }
  const tree = context.model.tree;
  const edits = copySessionSettings(source, target, differing, context);
  if (!edits) return undefined;
  const names = differing.join(', ');
  return { title: `Use this server's ${names} in the default server of ${sockets.map((k) => k.socket).join(', ')} (${describeServer(target, tree)})`, edits };
}

/**
 * The edits that give `into` the session settings `names` of `from` (nginx's default where
 * `from` sets none): own in-file directives rewritten, missing ones inserted; undefined when a
 * setting comes through an include or repeats.
 */
function copySessionSettings(from: HttpServer, into: HttpServer, names: string[], context: RuleContext): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  const lines: string[] = [];
  for (const name of names) {
    const wanted = effective(from, name)?.placed.map((p) => p.directive.args.map((a) => a.raw).join(' ')) ?? (SESSION_DEFAULTS[name] ? [SESSION_DEFAULTS[name]] : undefined);
    if (!wanted) return undefined;
    const own = into.own.get(name);
    if (!own?.length) {
      lines.push(...wanted.map((w) => `${name} ${w};`));
      continue;
    }
    if (own.length !== 1 || wanted.length !== 1 || own[0].anchor !== own[0].directive) return undefined;
    const edit = replaceArguments(own[0].directive, wanted[0]);
    if (!edit) return undefined;
    edits.push(edit);
  }
  if (lines.length) {
    const edit = insertIntoBlock(context.model.tree, into.directive, lines);
    if (!edit) return undefined;
    edits.push(edit);
  }
  return edits;
}

/** The fix giving `server` the session settings of its default server `target`, which its clients get anyway. */
function adoptDefaultServerFix(server: HttpServer, target: HttpServer, names: string[], context: RuleContext): Fix | undefined {
  const edits = copySessionSettings(target, server, names, context);
  return edits ? { title: `Use the default server's ${names.join(', ')} in this server (${describeServer(target, context.model.tree)}'s, which its clients get anyway)`, edits } : undefined;
}

/**
 * Every TLS socket whose default server is `server`: a setting written into it changes them all,
 * not only the sockets where another server asked for it.
 */
export function socketsDefaultedBy(context: RuleContext, server: HttpServer): ListenSocket[] {
  return context.model.sockets.filter((socket) => socket.tls && socket.defaultServer === server);
}

/**
 * The TLS sockets where a server is not the default server, grouped by that default server (a
 * plain-HTTP address never matters to TLS settings, even when its servers also listen with ssl).
 */
export function socketsByDefaultServer(context: RuleContext, server: HttpServer): readonly DefaultServerGroup[] {
  const memo = memoOf(context);
  if (!memo.byDefaultServer) {
    const byDefaultServer = new Map<HttpServer, DefaultServerGroup[]>();
    for (const socket of context.model.sockets) {
      // A plain-HTTP address never matters to TLS settings, even when its servers also listen with ssl.
      if (!socket.tls) continue;
      for (const member of new Set(socket.servers)) {
        if (member === socket.defaultServer) continue;
        let groups = byDefaultServer.get(member);
        if (!groups) byDefaultServer.set(member, (groups = []));
        const group = groups.find((g) => g.defaultServer === socket.defaultServer);
        if (group) group.sockets.push(socket);
        else groups.push({ defaultServer: socket.defaultServer, sockets: [socket] });
      }
    }
    memo.byDefaultServer = byDefaultServer;
  }
  return memo.byDefaultServer.get(server) ?? [];
}
