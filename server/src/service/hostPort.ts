import { isIP } from 'node:net';

/** A host with an optional port, as given on a command line or in a setting. */
export interface HostPort {
  host: string;
  port?: number;
}

/**
 * The one parser of `host`, `host:port`, `[v6]`, `[v6]:port` and bare IPv6 literals (the CLI's
 * HOST[:PORT] and --connect, the editor's nginxTls.probe.connect); the reason when it is none.
 */
export function parseHostPort(text: string): HostPort | { error: string } {
  let host = text.trim();
  let portText: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return { error: `missing "]" in "${text}"` };
    const rest = host.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return { error: `unexpected "${rest}" after "]"` };
    portText = rest === '' ? undefined : rest.slice(1);
    host = host.slice(1, close);
  } else if (host.indexOf(':') === host.lastIndexOf(':') && host.includes(':')) {
    portText = host.slice(host.indexOf(':') + 1);
    host = host.slice(0, host.indexOf(':'));
  }
  if (host === '') return { error: `empty host in "${text}"` };
  // "::1:8443": an IPv6 address with a port written without brackets (not itself an address).
  const lastColon = host.lastIndexOf(':');
  if (portText === undefined && lastColon > 0 && isIP(host) === 0 && isIP(host.slice(0, lastColon)) === 6 && /^\d+$/.test(host.slice(lastColon + 1))) {
    return { error: `"${text}" is not an address: write an IPv6 address with a port as [${host.slice(0, lastColon)}]:${host.slice(lastColon + 1)}` };
  }
  if (portText === undefined) return { host };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return { error: `"${portText}" is not a port (1-65535)` };
  return { host, port };
}
