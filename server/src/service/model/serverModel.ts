import * as path from 'node:path';
import { ownCopy } from '../textScan';
import type { Directive, Token } from '../parser/ast';
import { parentContextOf, walkConfig, type ConfigTree } from './configTree';

/** A directive as it applies to one block, and where to point at it from that block. */
export interface Placed {
  directive: Directive;
  /**
   * The line in the block's own file that brings the directive in: the directive itself, or
   * the `include` in that block through which it was reached.
   */
  anchor: Directive;
}

/**
 * Whether two Placed say the same. Successive analyses make new ones for the same directives, and
 * facts kept from an earlier analysis (ServerFactsMemo) hold that analysis's: never compare them by identity.
 */
export function samePlace(a: Placed, b: Placed): boolean {
  return a.directive === b.directive && a.anchor === b.anchor;
}

/** Whether `p` is one of the server's own settings (not inherited from `http {}`). */
export function ownsPlaced(server: HttpServer, p: Placed): boolean {
  return server.own.get(p.directive.name)?.some((q) => samePlace(q, p)) ?? false;
}

/** One `listen` of a server, normalised to the address nginx groups servers by. */
export interface Listen {
  /** The `listen` directive; the `server` block itself for the implicit `listen *:80`. */
  readonly directive: Directive;
  /** e.g. `0.0.0.0:443`, `[::]:443`, `127.0.0.1:8443`, `unix:/run/x.sock`, `udp 0.0.0.0:443`. */
  readonly socket: string;
  readonly ssl: boolean;
  readonly defaultServer: boolean;
  readonly port: number | undefined;
}

/**
 * A `server` block of `http {}` (or of `stream {}`, see `protocol`) with what it sets itself and
 * what it inherits from the enclosing block.
 */
export interface HttpServer {
  directive: Directive;
  /** `stream` servers have no names and one server per address; see ServerModel.streamServers. */
  protocol: 'http' | 'stream';
  listens: Listen[];
  names: { value: string; token: Token }[];
  own: Map<string, Placed[]>;
  inherited: Map<string, Placed[]>;
  /**
   * Whether connections reach it over TLS: one of its sockets has `ssl` on any server's `listen`
   * (nginx ORs the flag per address), or that socket's default server has `ssl on` (before nginx
   * 1.25.1; in any other server `ssl on` changes nothing, verified with nginx 1.22).
   */
  tls: boolean;
}

/** Servers sharing one listen address: the default server's SSL context handles resumption. */
export interface ListenSocket {
  socket: string;
  servers: HttpServer[];
  defaultServer: HttpServer;
  /** The `listen` of the default server for this socket. */
  defaultListen: Listen;
  /** Whether connections to this address speak TLS (some server's `listen` has `ssl`, or the default server has `ssl on`). */
  tls: boolean;
}

/** Every http server of a tree and the sockets they share; the stream servers apart. */
export interface ServerModel {
  tree: ConfigTree;
  /** The servers of `http {}`. */
  servers: HttpServer[];
  sockets: ListenSocket[];
  /** The servers of `stream {}` (each address has one server there: no default-server semantics). */
  streamServers: HttpServer[];
  /** Directives set at `stream {}` level, in order. */
  stream: Map<string, Placed[]>;
  /** Directives set at `http {}` level, in order. */
  http: Map<string, Placed[]>;
  /** The `http` block, when the tree has one (a site file analysed alone has none). */
  httpBlock: Directive | undefined;
}

/** The value in effect for a server: its own directives, else those inherited from `http {}`. */
export function effective(server: HttpServer, name: string): { placed: Placed[]; inherited: boolean } | undefined {
  const own = server.own.get(name);
  if (own?.length) return { placed: own, inherited: false };
  const up = server.inherited.get(name);
  if (up?.length) return { placed: up, inherited: true };
  return undefined;
}

/** The last value of a single-valued directive in effect (nginx keeps the last one it read). */
export function effectiveValue(server: HttpServer, name: string): { value: string; placed: Placed; inherited: boolean } | undefined {
  const e = effective(server, name);
  if (!e) return undefined;
  const placed = e.placed[e.placed.length - 1];
  return { value: placed.directive.args.map((a) => a.value).join(' '), placed, inherited: e.inherited };
}

/** Whether a flag directive (`on`/`off`) is on for a server, with nginx's default when unset. */
export function isOn(server: HttpServer, name: string, defaultOn: boolean): boolean {
  const v = effectiveValue(server, name);
  return v ? v.value.toLowerCase() === 'on' : defaultOn;
}

const DEFAULT_PORT = 80;

function normaliseHost(host: string): string {
  if (host === '*' || host === '' || host === '0.0.0.0') return '0.0.0.0';
  // nginx resolves a name in `listen` at startup; verified: `localhost:P` and `127.0.0.1:P` collide
  // as "a duplicate default server for 127.0.0.1:P".
  if (host.toLowerCase() === 'localhost') return '127.0.0.1';
  return canonicalIpv4(host) ?? host.toLowerCase();
}

/**
 * An IPv4 address as nginx reads it (ngx_inet_addr: four decimal parts, leading zeros allowed),
 * written the usual way: `127.000.000.001` is 127.0.0.1 (measured: nginx -t reports "a duplicate
 * default server for 127.0.0.1:P" for the two). Undefined for anything else.
 */
function canonicalIpv4(host: string): string | undefined {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)?.slice(1).map(Number);
  return parts && parts.every((n) => n <= 255) ? parts.join('.') : undefined;
}

/**
 * An IPv6 address in its one canonical form (RFC 5952, as the WHATWG URL parser writes it):
 * `[0::0]` is `[::]` and `[0:0:0:0:0:0:0:1]` is `[::1]` (measured: nginx -t reports a duplicate
 * default server for each pair). An address it cannot read (a zone index) is kept as written.
 */
function canonicalIpv6(bracketed: string): string {
  try {
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return bracketed;
  }
}

/** Listens already read, by directive: an unchanged file keeps its directives, and a tree of 200 sites reads 200 of them on every edit. */
const listens = new WeakMap<Directive, Listen>();

/** What a `listen` directive says (see readListen), read once per directive object. */
export function parseListen(directive: Directive): Listen {
  let listen = listens.get(directive);
  if (!listen) listens.set(directive, (listen = readListen(directive)));
  return listen;
}

/**
 * The address nginx groups a `listen` by. `listen 443`, `*:443` and `0.0.0.0:443` are the same
 * socket (verified: nginx -t reports "a duplicate default server for 0.0.0.0:443" when two of
 * them are both default_server); `[::]:443` and specific addresses are separate ones.
 */
function readListen(directive: Directive): Listen {
  const [first, ...params] = directive.args.map((a) => a.value);
  const flags = new Set(params.map((p) => p.toLowerCase()));
  const ssl = flags.has('ssl');
  const defaultServer = flags.has('default_server') || flags.has('default');
  const udp = flags.has('quic');
  const prefix = udp ? 'udp ' : '';
  if (first === undefined) return { directive, socket: `${prefix}0.0.0.0:${DEFAULT_PORT}`, ssl, defaultServer, port: DEFAULT_PORT };
  if (first.startsWith('unix:')) return { directive, socket: first, ssl, defaultServer, port: undefined };
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(first);
  if (v6) {
    host = canonicalIpv6(`[${v6[1].toLowerCase()}]`);
    portText = v6[2];
  } else if (/^\d+$/.test(first)) {
    host = '*';
    portText = first;
  } else {
    const colon = first.lastIndexOf(':');
    host = colon >= 0 ? first.slice(0, colon) : first;
    portText = colon >= 0 ? first.slice(colon + 1) : undefined;
  }
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : DEFAULT_PORT;
  return { directive, socket: `${prefix}${normaliseHost(host)}:${port}`, ssl, defaultServer, port };
}

function push(map: Map<string, Placed[]>, name: string, placed: Placed): void {
  const list = map.get(name);
  if (list) list.push(placed);
  else map.set(name, [placed]);
}

/** What a server block says itself: its settings, listens and names. */
type ServerBody = Pick<HttpServer, 'own' | 'listens' | 'names'>;

/** One directive of a server's own, placed at `anchor` (itself, or the include it came through). */
function addOwn(body: ServerBody, d: Directive, anchor: Directive): void {
  push(body.own, d.name, { directive: d, anchor });
  if (d.name === 'listen') body.listens.push(parseListen(d));
  if (d.name === 'server_name') for (const token of d.args) body.names.push({ value: token.value, token });
}

/** Bodies already read, by block: a parsed block is never changed (an edit makes new objects, see reparse.ts). */
const serverBodies = new WeakMap<Directive, ServerBody>();

/**
 * A server block's own settings, listens and names, read from its children once per block object;
 * undefined when it includes a file, whose settings then come through the walk (their anchors are
 * the include). Shared by the models of every analysis that sees the block: never changed.
 */
function serverBody(server: Directive): ServerBody | undefined {
  const known = serverBodies.get(server);
  if (known) return known;
  const children = server.block?.children ?? [];
  if (children.some((d) => d.name === 'include')) return undefined;
  const body: ServerBody = { own: new Map(), listens: [], names: [] };
  for (const d of children) addOwn(body, d, d);
  serverBodies.set(server, body);
  return body;
}

/**
 * Collects the http servers of a tree with their own and inherited settings (across includes)
 * and groups them by listen socket, finding each socket's default server as nginx does.
 */
export function buildServerModel(tree: ConfigTree, exclude: (server: HttpServer) => boolean = () => false): ServerModel {
  const http = new Map<string, Placed[]>();
  const stream = new Map<string, Placed[]>();
  let httpBlock: Directive | undefined;
  const servers: HttpServer[] = [];
  const streamServers: HttpServer[] = [];
  const serverEntry = new Map<Directive, { server: HttpServer; includeDepth: number }>();
  walkConfig(tree, (d, ancestors, includedVia) => {
    // The context's depth and innermost name, without making the context (an array per directive).
    const depth = tree.rootContext.length + ancestors.length;
    const parentName = parentContextOf(tree, ancestors);
    if (d.name === 'http' && d.block && depth === 0) httpBlock ??= d;
    if (parentName === 'http' || (parentName === 'stream' && depth === 1)) {
      const protocol = parentName;
      if (d.name === 'server' && d.block) {
        const inherited = protocol === 'http' ? http : stream;
        // Past the expansion limit the walk's budget decides what is read: the body is walked then.
        const body = tree.expansionLimited ? undefined : serverBody(d);
        const server: HttpServer = body
          ? { directive: d, protocol, listens: body.listens, names: body.names, own: body.own, inherited, tls: false }
          : { directive: d, protocol, listens: [], names: [], own: new Map(), inherited, tls: false };
        (protocol === 'http' ? servers : streamServers).push(server);
        if (body) return false;
        serverEntry.set(d, { server, includeDepth: includedVia.length });
        return true;
      }
      push(protocol === 'http' ? http : stream, d.name, { directive: d, anchor: d });
      return d.name === 'include';
    }
    const parent = ancestors[ancestors.length - 1];
    const entry = parent ? serverEntry.get(parent) : undefined;
    if (entry && parentName === 'server') {
      addOwn(entry.server, d, includedVia.length > entry.includeDepth ? includedVia[entry.includeDepth] : d);
      return d.name === 'include';
    }
    return true;
  });
  // A new array: a block's listens may be shared with other analyses (see serverBody).
  for (const s of servers) if (s.listens.length === 0) s.listens = [implicitListen(s.directive)];
  const kept = servers.filter((s) => !exclude(s));
  const sockets = groupSockets(kept);
  // ngx_http_add_addresses ORs `ssl` over every listen of an address:port, so a server whose own
  // `listen` lacks it still speaks TLS there (verified: nginx -t then demands its ssl_certificate);
  // ngx_http_init_connection reads `ssl on` from the default server only.
  for (const k of sockets) {
    k.tls = k.servers.some((s) => s.listens.some((l) => l.socket === k.socket && l.ssl)) || effectiveValue(k.defaultServer, 'ssl')?.value.toLowerCase() === 'on';
  }
  const tlsSockets = new Set(sockets.filter((k) => k.tls).map((k) => k.socket));
  for (const s of kept) s.tls = s.listens.some((l) => tlsSockets.has(l.socket));
  // A stream server speaks TLS on the addresses it listens on with `ssl`.
  const keptStream = streamServers.filter((s) => !exclude(s));
  for (const s of keptStream) s.tls = s.listens.some((l) => l.ssl);
  return { tree, servers: kept, sockets, streamServers: keptStream, stream, http, httpBlock };
}

/** Every server of the model, http's then stream's: for the checks that concern certificates alone. */
export function allServers(model: ServerModel): HttpServer[] {
  return model.streamServers.length ? [...model.servers, ...model.streamServers] : model.servers;
}

/** A server without `listen` listens on *:80 (nginx's default when the master runs as root). */
function implicitListen(server: Directive): Listen {
  return { directive: server, socket: `0.0.0.0:${DEFAULT_PORT}`, ssl: false, defaultServer: false, port: DEFAULT_PORT };
}

/**
 * Whether a server hands out its certificates: it speaks TLS and does not have
 * `ssl_reject_handshake on` (then nginx aborts every handshake that selects it).
 */
export function servesCertificates(server: HttpServer): boolean {
  return server.tls && !isOn(server, 'ssl_reject_handshake', false);
}

function groupSockets(servers: HttpServer[]): ListenSocket[] {
  const bySocket = new Map<string, { server: HttpServer; listen: Listen }[]>();
  for (const server of servers) {
    const seen = new Set<string>();
    for (const listen of server.listens) {
      if (seen.has(listen.socket)) continue;
      seen.add(listen.socket);
      const list = bySocket.get(listen.socket) ?? [];
      list.push({ server, listen });
      bySocket.set(listen.socket, list);
    }
  }
  const sockets: ListenSocket[] = [];
  for (const [socket, entries] of bySocket) {
    const chosen = entries.find((e) => e.listen.defaultServer) ?? entries[0];
    sockets.push({ socket, servers: entries.map((e) => e.server), defaultServer: chosen.server, defaultListen: chosen.listen, tls: false });
  }
  return sockets;
}

/** A readable label for a server in messages: its first name and the file it is in. */
export function describeServer(server: HttpServer, tree: ConfigTree): string {
  const name = server.names.find((n) => n.value !== '' && n.value !== '_')?.value;
  const file = relativeToPrefix(tree.prefix, server.directive.file);
  return name ? `"${name}" (${file})` : `the server in ${file}`;
}

const relativeNames = new Map<string, string>();

/** A file's path relative to the prefix, for messages (remembered: thousands of findings name the same file). */
function relativeToPrefix(prefix: string, file: string): string {
  const key = `${prefix}\0${file}`;
  let name = relativeNames.get(key);
  if (name === undefined) {
    if (relativeNames.size > 10_000) relativeNames.clear();
    name = path.relative(prefix, file) || path.basename(file);
    name = ownCopy(name);
    relativeNames.set(ownCopy(key), name);
  }
  return name;
}
