// Reads one TLS `server {}` of a loaded config into a ProbeExpectation, from the same
// effective-settings and listen-socket model the rules use (tls/serverModel.ts).
import type { Directive } from '../parser/ast';
import type { ConfigTree } from '../model/configTree';
import { directiveSpan } from '../model/locations';
import { resolveConfigPath } from '../model/serverCertificates';
import { buildServerModel, effective, effectiveValue, type HttpServer, type Listen, type ServerModel } from '../model/serverModel';
import type { ConfigLocation, ProbeExpectation, ProbeExpectationLocations } from './types';

/** Which server block to read: by name (as nginx matches server_name) and, optionally, ssl port. */
export interface ServerSelection {
  serverName?: string;
  port?: number;
}

/** The expectation, or why no TLS server block could be chosen. */
export type ExpectationResult = { ok: true; expectation: ProbeExpectation } | { ok: false; reason: string };

/** Reads the effective TLS settings of the selected `server` (default: the first TLS server with a plain name). */
export function expectationFromConfig(tree: ConfigTree, selection: ServerSelection = {}): ExpectationResult {
  const model = buildServerModel(tree);
  const tlsServers = model.servers.filter((server) => server.listens.some((listen) => listen.ssl && listen.port !== undefined));
  if (tlsServers.length === 0) return { ok: false, reason: 'the config has no server block with an ssl listen' };

  const chosen = chooseServer(tlsServers, selection);
  if (!chosen) {
    const name = selection.serverName ?? 'a plain name';
    return { ok: false, reason: `no server block with an ssl listen has server_name ${name}${selection.port ? ` on port ${selection.port}` : ''}` };
  }
  const { server, serverName } = chosen;
  const sslListens = server.listens.filter((listen) => listen.ssl && listen.port !== undefined);
  const listen = sslListens.find((candidate) => candidate.port === selection.port) ?? sslListens[0];

  const setting = (name: string): Directive | undefined => effectiveValue(server, name)?.placed.directive;
  // Paths with variables are loaded per handshake (and never stapled): nothing to read ahead.
  const readable = (effective(server, 'ssl_certificate')?.placed ?? []).map((p) => p.directive).filter((directive) => {
    const value = directive.args[0]?.value;
    return value !== undefined && !value.includes('$') && !value.startsWith('data:');
  });
  const stapling = setting('ssl_stapling');
  const staplingVerify = setting('ssl_stapling_verify');
  const protocols = setting('ssl_protocols');
  const tickets = setting('ssl_session_tickets');
  const cache = setting('ssl_session_cache');
  const defaultServer = defaultServerOf(model, listen);

  const locations: ProbeExpectationLocations = {
    server: nameLocation(server.directive),
    listen: locationOf(listen.directive),
    ...(stapling ? { stapling: locationOf(stapling) } : {}),
    ...(staplingVerify ? { staplingVerify: locationOf(staplingVerify) } : {}),
    ...(readable.length > 0 ? { certificateFiles: readable.map(locationOf) } : {}),
    ...(protocols ? { protocols: locationOf(protocols) } : {}),
    ...(tickets ? { sessionTickets: locationOf(tickets) } : {}),
    ...(cache ? { sessionCache: locationOf(cache) } : {}),
    ...(defaultServer && defaultServer !== server ? { defaultServer: nameLocation(defaultServer.directive) } : {}),
  };
  const defaultServerName = defaultServer && defaultServer !== server ? (defaultServer.names[0]?.value ?? '') : undefined;
  return {
    ok: true,
    expectation: {
      serverName,
      port: listen.port as number,
      staplingOn: flag(stapling),
      staplingVerify: flag(staplingVerify),
      certificateFiles: readable.map((directive) => resolveConfigPath(tree, directive.args[0].value)),
      protocols: protocols ? protocols.args.map((arg) => arg.value) : undefined,
      sessionTickets: flag(tickets),
      // `off` and `none` (nginx's default) keep no sessions; `builtin` and `shared:` do.
      sessionCache: cache ? cache.args.some((arg) => arg.value.startsWith('builtin') || arg.value.startsWith('shared:')) : false,
      ...(defaultServerName !== undefined ? { defaultServerName } : {}),
      locations,
    },
  };
}

function chooseServer(servers: HttpServer[], selection: ServerSelection): { server: HttpServer; serverName: string } | undefined {
  const onPort = (server: HttpServer): boolean => selection.port === undefined || server.listens.some((listen) => listen.ssl && listen.port === selection.port);
  const candidates = servers.filter(onPort);
  const wanted = selection.serverName?.toLowerCase().replace(/\.$/, '');
  if (wanted === undefined) {
    for (const server of candidates) {
      const plain = server.names.map((n) => n.value).find(isProbeableName);
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
    const server = candidates.find((candidate) => candidate.names.some((n) => matches(n.value)));
    if (server) return { server, serverName: selection.serverName as string };
  }
  return undefined;
}

function defaultServerOf(model: ServerModel, listen: Listen): HttpServer | undefined {
  return model.sockets.find((socket) => socket.socket === listen.socket)?.defaultServer;
}

/** Whether a server_name can be connected to: a literal host name, not a wildcard, regex, variable or catch-all. */
export function isProbeableName(name: string): boolean {
  return name !== '' && name !== '_' && !name.includes('*') && !name.startsWith('.') && !name.startsWith('~') && !name.includes('$');
}

function argument(directive: Directive | undefined): string | undefined {
  return directive?.args[0]?.value;
}

function flag(directive: Directive | undefined): boolean | undefined {
  const value = argument(directive);
  return value === undefined ? undefined : value === 'on';
}

function locationOf(directive: Directive): ConfigLocation {
  return directiveSpan(directive);
}

function nameLocation(directive: Directive): ConfigLocation {
  return { file: directive.file, start: directive.nameToken.start, end: directive.nameToken.end };
}
