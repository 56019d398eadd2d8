// Reads one TLS `server {}` of a loaded config into a ProbeExpectation, from the same
// effective-settings and listen-socket model the rules use (tls/serverModel.ts).
import { isIP } from 'node:net';
import type { Directive } from '../parser/ast';
import { directiveSpan } from '../model/locations';
import { resolveConfigPath } from '../model/serverCertificates';
import { effective, effectiveValue, type HttpServer, type Listen, type ServerModel } from '../model/serverModel';
import type { Span, ProbeExpectation, ProbeExpectationLocations } from './types';

/** Which server block to probe: by name (as nginx matches server_name), ssl port and listen address. */
export interface ServerSelection {
  serverName?: string;
  port?: number;
  /**
   * The address connected to (an IP literal, e.g. from `--connect`), or a `listen` socket
   * (`ADDR:PORT`, as written in the config): among blocks with the name, the one listening there.
   */
  address?: string;
}

/** A TLS server block chosen once (by the CLI's selection or the editor's offset), with the name probed and its ssl listen. */
export interface ChosenServer {
  server: HttpServer;
  /** The name sent as SNI and compared with the certificate. */
  serverName: string;
  listen: Listen;
}

/** The chosen block, or why none could be chosen. */
export type ServerChoice = { ok: true; chosen: ChosenServer } | { ok: false; reason: string };

/** Chooses the TLS server block a probe compares with (default: the first TLS server with a plain name). */
export function chooseProbeServer(model: ServerModel, selection: ServerSelection = {}): ServerChoice {
  const tlsServers = model.servers.filter((server) => sslListensOf(server).length > 0);
  if (tlsServers.length === 0) return { ok: false, reason: 'the config has no server block with an ssl listen' };
  const chosen = chooseServer(tlsServers, selection);
  if (!chosen) {
    const name = selection.serverName ?? 'a plain name';
    const where = `${selection.port ? ` on port ${selection.port}` : ''}${selection.address ? ` listening on ${selection.address}` : ''}`;
    return { ok: false, reason: `no server block with an ssl listen has server_name ${name}${where}` };
  }
  return { ok: true, chosen: { ...chosen, listen: listenFor(chosen.server, selection) } };
}

/** The block whose `server` directive starts at `offset` in `file` (the editor knows it), probed as `serverName`. */
export function probeServerAt(model: ServerModel, file: string, offset: number, serverName: string, port?: number): ChosenServer | undefined {
  const server = model.servers.find((candidate) => candidate.directive.file === file && candidate.directive.start === offset);
  if (!server || sslListensOf(server).length === 0) return undefined;
  return { server, serverName, listen: listenFor(server, { ...(port !== undefined ? { port } : {}) }) };
}

/** Reads the effective TLS settings of the chosen `server` block (it is never chosen again here). */
export function expectationFromConfig(model: ServerModel, chosen: ChosenServer): ProbeExpectation {
  const tree = model.tree;
  const { server, serverName, listen } = chosen;
  const setting = (name: string): Directive | undefined => effectiveValue(server, name)?.placed.directive;
  // Paths with variables are loaded per handshake (and never stapled): nothing to read ahead.
  const readable = (effective(server, 'ssl_certificate')?.placed ?? []).map((p) => p.directive).filter((directive) => {
    const value = directive.args[0]?.value;
    return value !== undefined && !value.includes('$') && !value.startsWith('data:');
  });
  const paths = ['ssl_certificate', 'ssl_certificate_key'].flatMap((name) => (effective(server, name)?.placed ?? []).map((p) => p.directive.args[0]?.value ?? ''));
  const responder = argument(setting('ssl_stapling_responder'));
  const verifyClient = argument(setting('ssl_verify_client'));
  const issuerFiles = [
    argument(setting('ssl_trusted_certificate')),
    verifyClient === 'on' || verifyClient === 'optional' ? argument(setting('ssl_client_certificate')) : undefined,
  ].flatMap((file) => (file !== undefined && !file.includes('$') ? [resolveConfigPath(tree, file)] : []));
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
      serverName,
      port: listen.port as number,
      staplingOn: flag(stapling),
      staplingVerify: flag(staplingVerify),
      certificateFiles: readable.map((directive) => resolveConfigPath(tree, directive.args[0].value)),
      ...(responder !== undefined ? { staplingResponder: responder } : {}),
      ...(setting('ssl_stapling_file') ? { staplingFile: true } : {}),
      ...(paths.some((value) => value.includes('$')) ? { certificatePathHasVariables: true } : {}),
      ...(issuerFiles.length > 0 ? { issuerFiles } : {}),
      protocols: protocols ? protocols.args.map((arg) => arg.value) : undefined,
      sessionTickets: flag(tickets),
      // `off` and `none` (nginx's default) keep no sessions; `builtin` and `shared:` do.
      sessionCache: cache ? cache.args.some((arg) => arg.value.startsWith('builtin') || arg.value.startsWith('shared:')) : false,
      ...(defaultServerName !== undefined ? { defaultServerName } : {}),
      locations,
  };
}

function chooseServer(servers: HttpServer[], selection: ServerSelection): { server: HttpServer; serverName: string } | undefined {
  const onPort = (server: HttpServer): boolean => selection.port === undefined || sslListensOf(server).some((listen) => listen.port === selection.port);
  const candidates = byAddress(servers.filter(onPort), selection.address);
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

function sslListensOf(server: HttpServer): Listen[] {
  return server.listens.filter((listen) => listen.ssl && listen.port !== undefined);
}

function listenFor(server: HttpServer, selection: ServerSelection): Listen {
  const listens = sslListensOf(server);
  const onPort = listens.filter((listen) => selection.port === undefined || listen.port === selection.port);
  return (selection.address ? onPort.find((listen) => listenMatchesAddress(listen, selection.address!)) : undefined) ?? onPort[0] ?? listens[0]!;
}

// Blocks listening on the address itself first, then those on a wildcard address; a `listen
// ADDR:PORT` as written must match exactly.
function byAddress(servers: HttpServer[], address: string | undefined): HttpServer[] {
  if (address === undefined) return servers;
  const exact = servers.filter((server) => sslListensOf(server).some((listen) => listenMatchesAddress(listen, address)));
  if (!isIP(bareHost(address))) return exact;
  const wildcard = servers.filter((server) => !exact.includes(server) && sslListensOf(server).some((listen) => WILDCARD_HOSTS.has(hostOf(listen.socket))));
  return [...exact, ...wildcard];
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '*', '[::]']);

function listenMatchesAddress(listen: Listen, address: string): boolean {
  const wanted = address.toLowerCase();
  if (wanted.includes(':') && !isIP(wanted) && listen.socket === wanted.replace(/^\*:/, '0.0.0.0:')) return true;
  return bareHost(hostOf(listen.socket)) === bareHost(wanted);
}

function hostOf(socket: string): string {
  return socket.slice(0, socket.lastIndexOf(':'));
}

function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
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

function locationOf(directive: Directive): Span {
  return directiveSpan(directive);
}

function nameLocation(directive: Directive): Span {
  return { file: directive.file, start: directive.nameToken.start, end: directive.nameToken.end };
}

/** Every server name of a config's TLS blocks that `--all` probes, and the names it skips with why. */
export interface ConfigProbeTargets {
  targets: ChosenServer[];
  skipped: { name: string; reason: string; location: Span }[];
}

/** The literal server_names of every TLS server block, once per name, block and ssl port. */
export function probeTargetsOfConfig(model: ServerModel): ConfigProbeTargets {
  const result: ConfigProbeTargets = { targets: [], skipped: [] };
  for (const server of model.servers) {
    const listens = sslListensOf(server).filter((listen, index, all) => all.findIndex((other) => other.port === listen.port) === index);
    if (listens.length === 0) continue;
    const location = nameLocation(server.directive);
    for (const name of server.names) {
      if (isProbeableName(name.value)) result.targets.push(...listens.map((listen) => ({ server, serverName: name.value, listen })));
      else if (name.value !== '' && name.value !== '_') result.skipped.push({ name: name.value, reason: 'not a literal name (wildcard, regex or variable): nothing to connect to', location });
    }
    if (!server.names.some((name) => isProbeableName(name.value)) && server.names.every((name) => name.value === '' || name.value === '_')) {
      result.skipped.push({ name: server.names[0]?.value ?? '(no server_name)', reason: 'a catch-all block without a literal name', location });
    }
  }
  return result;
}
