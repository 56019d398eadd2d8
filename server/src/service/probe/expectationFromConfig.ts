// A small, self-contained reading of one TLS `server {}` of a loaded config into a
// ProbeExpectation: effective ssl_* settings with http {} inheritance, across included files.
import * as path from 'node:path';
import type { Directive } from '../parser/ast';
import type { ConfigTree } from '../model/configTree';
import { contextOf, walkConfig } from '../model/configTree';
import type { ConfigLocation, ProbeExpectation, ProbeExpectationLocations } from './types';

/** Which server block to read: by name (as nginx matches server_name) and, optionally, ssl port. */
export interface ServerSelection {
  serverName?: string;
  port?: number;
}

/** The expectation, or why no TLS server block could be chosen. */
export type ExpectationResult = { ok: true; expectation: ProbeExpectation } | { ok: false; reason: string };

// The ssl_* directives the probe compares, all allowed in http and server (they inherit down).
const INHERITED = ['ssl_stapling', 'ssl_stapling_verify', 'ssl_certificate', 'ssl_protocols', 'ssl_session_tickets', 'ssl_session_cache', 'ssl'] as const;
type InheritedName = (typeof INHERITED)[number];
const DEFAULT_LISTEN_PORT = 80;

interface ListenInfo {
  directive: Directive;
  /** Address part as written (`*` when only a port was given). */
  address: string;
  port: number;
  ssl: boolean;
  isDefault: boolean;
}

interface ServerBlock {
  directive: Directive | undefined;
  names: string[];
  listens: ListenInfo[];
  settings: Map<InheritedName, Directive[]>;
}

/** Reads the effective TLS settings of the selected `server` (default: the first TLS server with a plain name). */
export function expectationFromConfig(tree: ConfigTree, selection: ServerSelection = {}): ExpectationResult {
  const { http, servers } = collectServers(tree);
  for (const server of servers) {
    const sslOn = argument(effective(server, http, 'ssl')) === 'on';
    for (const listen of server.listens) listen.ssl ||= sslOn;
  }
  const tlsServers = servers.filter((server) => server.listens.some((listen) => listen.ssl));
  if (tlsServers.length === 0) return { ok: false, reason: 'the config has no server block with an ssl listen' };

  const chosen = chooseServer(tlsServers, selection);
  if (!chosen) {
    const name = selection.serverName ?? 'a plain name';
    return { ok: false, reason: `no server block with an ssl listen has server_name ${name}${selection.port ? ` on port ${selection.port}` : ''}` };
  }
  const { server, serverName } = chosen;
  const sslListens = server.listens.filter((listen) => listen.ssl);
  const listen = sslListens.find((candidate) => candidate.port === selection.port) ?? sslListens[0]!;

  const setting = (name: InheritedName): Directive | undefined => effective(server, http, name);
  const certificates = server.settings.get('ssl_certificate') ?? http.get('ssl_certificate') ?? [];
  // Paths with variables are loaded per handshake (and never stapled): nothing to read ahead.
  const readable = certificates.filter((directive) => {
    const value = directive.args[0]?.value;
    return value !== undefined && !value.includes('$') && !value.startsWith('data:');
  });
  const stapling = setting('ssl_stapling');
  const staplingVerify = setting('ssl_stapling_verify');
  const protocols = setting('ssl_protocols');
  const tickets = setting('ssl_session_tickets');
  const cache = setting('ssl_session_cache');
  const defaultServer = defaultServerOf(listen, servers);

  const locations: ProbeExpectationLocations = {
    ...(server.directive ? { server: nameLocation(server.directive) } : {}),
    listen: locationOf(listen.directive),
    ...(stapling ? { stapling: locationOf(stapling) } : {}),
    ...(staplingVerify ? { staplingVerify: locationOf(staplingVerify) } : {}),
    ...(readable.length > 0 ? { certificateFiles: readable.map(locationOf) } : {}),
    ...(protocols ? { protocols: locationOf(protocols) } : {}),
    ...(tickets ? { sessionTickets: locationOf(tickets) } : {}),
    ...(cache ? { sessionCache: locationOf(cache) } : {}),
    ...(defaultServer && defaultServer !== server && defaultServer.directive ? { defaultServer: nameLocation(defaultServer.directive) } : {}),
  };
  const defaultServerName = defaultServer && defaultServer !== server ? (defaultServer.names[0] ?? '') : undefined;
  return {
    ok: true,
    expectation: {
      serverName,
      port: listen.port,
      staplingOn: flag(stapling),
      staplingVerify: flag(staplingVerify),
      certificateFiles: readable.map((directive) => resolvePath(tree, directive.args[0]!.value)),
      protocols: protocols ? protocols.args.map((arg) => arg.value) : undefined,
      sessionTickets: flag(tickets),
      // `off` and `none` (nginx's default) keep no sessions; `builtin` and `shared:` do.
      sessionCache: cache ? cache.args.some((arg) => arg.value.startsWith('builtin') || arg.value.startsWith('shared:')) : false,
      ...(defaultServerName !== undefined ? { defaultServerName } : {}),
      locations,
    },
  };
}

function collectServers(tree: ConfigTree): { http: Map<InheritedName, Directive[]>; servers: ServerBlock[] } {
  const http = new Map<InheritedName, Directive[]>();
  const byDirective = new Map<Directive | undefined, ServerBlock>();
  const serverFor = (directive: Directive | undefined): ServerBlock => {
    let server = byDirective.get(directive);
    if (!server) {
      server = { directive, names: [], listens: [], settings: new Map() };
      byDirective.set(directive, server);
    }
    return server;
  };
  walkConfig(tree, (directive, ancestors) => {
    // Returning true descends into a block or an included file; only main, http and server matter.
    const descendInto = directive.name === 'include';
    switch (contextOf(tree, ancestors).join('/')) {
      case '':
        return descendInto || directive.name === 'http';
      case 'http':
        if (directive.name === 'server' && directive.block) {
          serverFor(directive);
          return true;
        }
        if (isInherited(directive.name)) push(http, directive.name, directive);
        return descendInto;
      case 'http/server': {
        // A file analysed alone may be a server body: its directives then form one implicit server.
        const server = serverFor([...ancestors].reverse().find((ancestor) => ancestor.name === 'server'));
        if (directive.name === 'server_name') server.names.push(...directive.args.map((arg) => arg.value));
        else if (directive.name === 'listen') {
          const listen = parseListen(directive);
          if (listen) server.listens.push(listen);
        } else if (isInherited(directive.name)) push(server.settings, directive.name, directive);
        // ssl_* directives are not allowed in location {}: no need to look inside.
        return descendInto;
      }
      default:
        return false;
    }
  });
  return { http, servers: [...byDirective.values()] };
}

function parseListen(directive: Directive): ListenInfo | undefined {
  const [first, ...rest] = directive.args.map((arg) => arg.value);
  if (first === undefined || first.startsWith('unix:')) return undefined;
  let address = '*';
  let portText: string | undefined;
  if (/^\d+$/.test(first)) portText = first;
  else if (first.startsWith('[')) {
    const close = first.indexOf(']');
    address = first.slice(0, close + 1);
    portText = first.slice(close + 2) || undefined;
  } else {
    const colon = first.lastIndexOf(':');
    address = colon < 0 ? first : first.slice(0, colon);
    portText = colon < 0 ? undefined : first.slice(colon + 1);
  }
  const port = portText === undefined ? DEFAULT_LISTEN_PORT : Number(portText);
  if (!Number.isInteger(port)) return undefined;
  return { directive, address, port, ssl: rest.includes('ssl'), isDefault: rest.includes('default_server') || rest.includes('default') };
}

function chooseServer(servers: ServerBlock[], selection: ServerSelection): { server: ServerBlock; serverName: string } | undefined {
  const onPort = (server: ServerBlock): boolean => selection.port === undefined || server.listens.some((listen) => listen.ssl && listen.port === selection.port);
  const candidates = servers.filter(onPort);
  const wanted = selection.serverName?.toLowerCase().replace(/\.$/, '');
  if (wanted === undefined) {
    for (const server of candidates) {
      const plain = server.names.find(isPlainName);
      if (plain) return { server, serverName: plain };
    }
    return undefined;
  }
  // nginx's order: exact name, then leading wildcard, then trailing wildcard (regexes are not evaluated).
  const matchers: ((name: string) => boolean)[] = [
    (name) => name.toLowerCase() === wanted,
    (name) => (name.startsWith('*.') || name.startsWith('.')) && (wanted.endsWith(name.toLowerCase().replace(/^\*/, '')) || `.${wanted}` === name.toLowerCase()),
    (name) => name.endsWith('.*') && wanted.startsWith(name.toLowerCase().slice(0, -1)),
  ];
  for (const matches of matchers) {
    const server = candidates.find((candidate) => candidate.names.some(matches));
    if (server) return { server, serverName: selection.serverName! };
  }
  return undefined;
}

// nginx: the server marked default_server on that address:port, else the first one listening there.
function defaultServerOf(listen: ListenInfo, servers: ServerBlock[]): ServerBlock | undefined {
  const same = (other: ListenInfo): boolean => other.port === listen.port && other.address === listen.address;
  const sharing = servers.filter((server) => server.listens.some(same));
  return sharing.find((server) => server.listens.some((other) => same(other) && other.isDefault)) ?? sharing[0];
}

function effective(server: ServerBlock, http: Map<InheritedName, Directive[]>, name: InheritedName): Directive | undefined {
  const own = server.settings.get(name) ?? http.get(name);
  return own?.[own.length - 1];
}

function isPlainName(name: string): boolean {
  return name !== '' && name !== '_' && !name.includes('*') && !name.startsWith('.') && !name.startsWith('~');
}

function isInherited(name: string): name is InheritedName {
  return (INHERITED as readonly string[]).includes(name);
}

function push(map: Map<InheritedName, Directive[]>, name: InheritedName, directive: Directive): void {
  const list = map.get(name) ?? [];
  list.push(directive);
  map.set(name, list);
}

function argument(directive: Directive | undefined): string | undefined {
  return directive?.args[0]?.value;
}

function flag(directive: Directive | undefined): boolean | undefined {
  const value = argument(directive);
  return value === undefined ? undefined : value === 'on';
}

function resolvePath(tree: ConfigTree, value: string): string {
  // Relative paths resolve against the conf prefix, never the including file's directory.
  return path.isAbsolute(value) ? path.normalize(value) : path.join(tree.prefix, value);
}

function locationOf(directive: Directive): ConfigLocation {
  return { file: directive.file, start: directive.start, end: directive.end };
}

function nameLocation(directive: Directive): ConfigLocation {
  return { file: directive.file, start: directive.nameToken.start, end: directive.nameToken.end };
}
