// How this machine resolves names, for configs of this very machine: the quick-fixes then give
// nginx the resolvers the machine itself uses, and the rules know which names only /etc/hosts has.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { readRegularFile } from '../service';

/** Bound for /etc/resolv.conf and /etc/hosts (hosts files with block lists run to megabytes). */
const MAX_SYSTEM_FILE_BYTES = 8 * 1024 * 1024;

/** Where a live nginx keeps its configuration on the systems the product targets. */
const SYSTEM_CONFIG_DIRS = ['/etc/nginx/'];

/** Whether a config file is the configuration of the nginx on this machine (by its real path). */
export function isThisMachinesConfig(file: string): boolean {
  try {
    const real = fs.realpathSync(file);
    return SYSTEM_CONFIG_DIRS.some((dir) => real === dir.slice(0, -1) || real.startsWith(dir));
  } catch {
    return false;
  }
}

/** A system file's text ('' when it is missing, not a regular file, or over the bound). */
function readSmall(file: string): string {
  const read = readRegularFile(file, MAX_SYSTEM_FILE_BYTES);
  return read.kind === 'ok' ? read.bytes.toString('utf8') : '';
}

/**
 * The `nameserver`s of /etc/resolv.conf as nginx's `resolver` takes them (IPv6 in brackets; a
 * loopback stub such as 127.0.0.53 works for nginx too); undefined when there are none.
 */
export function systemNameservers(text = readSmall('/etc/resolv.conf')): string | undefined {
  const servers = text.split('\n').flatMap((line) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m || m[1].includes('%')) return [];
    if (net.isIPv4(m[1])) return [m[1]];
    return net.isIPv6(m[1]) ? [`[${m[1]}]`] : [];
  });
  return servers.length ? [...new Set(servers)].join(' ') : undefined;
}

/** The host names /etc/hosts gives addresses to (lower-cased). */
export function hostsFileNames(text = readSmall('/etc/hosts')): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const [address, ...rest] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || !net.isIP(address)) continue;
    for (const name of rest) names.add(name.toLowerCase());
  }
  return names;
}

/** What the analysis of one of this machine's configs learns from the machine (see AnalysisSettings). */
export interface LocalResolution {
  resolvers: string | undefined;
  localHostNames: Set<string>;
}

/** Reads /etc/resolv.conf and /etc/hosts once. */
export function readLocalResolution(): LocalResolution {
  return { resolvers: systemNameservers(), localHostNames: hostsFileNames() };
}
