// Runs a command with its own /etc/hosts, /etc/resolv.conf and nsswitch.conf, in a private mount
// namespace (`unshare -m`, root only): names resolve from the given hosts file, and any DNS query
// goes to 127.0.0.1:53 where nothing answers. The machine's files are never touched.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A command line (program and arguments) ready for child_process.spawn/execFile. */
export interface CommandLine {
  file: string;
  args: string[];
}

// Bind mounts exist only in the new namespace (private propagation); nscd, when it runs, would
// resolve with the machine's configuration, so its socket directory is hidden too.
const SCRIPT = `set -e
mount --bind "$1" /etc/hosts
mount --bind "$2" /etc/resolv.conf
if [ -e /etc/nsswitch.conf ]; then mount --bind "$3" /etc/nsswitch.conf; fi
if [ -d /var/run/nscd ]; then mount --bind "$4" /var/run/nscd; fi
shift 4
exec "$@"`;

/** Undefined when commands can be isolated here; otherwise why not (for a test's skip message). */
export function resolverIsolationUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare -m and bind mounts of /etc/hosts and /etc/resolv.conf)';
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0 ? undefined : 'unshare -m does not work on this machine';
}

/**
 * The command line that runs `command` with `hosts` (name -> loopback address or addresses) as the only names
 * it can resolve. Writes the files it mounts into `dir`.
 */
export function withIsolatedResolver(dir: string, hosts: Record<string, string | string[]>, command: CommandLine): CommandLine {
  const entries = Object.entries(hosts).flatMap(([name, addresses]) => (Array.isArray(addresses) ? addresses : [addresses]).map((address) => `${address} ${name}`));
  const lines = ['127.0.0.1 localhost', '::1 localhost', ...entries];
  const hostsFile = path.join(dir, 'hosts');
  const resolvFile = path.join(dir, 'resolv.conf');
  const nsswitchFile = path.join(dir, 'nsswitch.conf');
  const emptyDir = path.join(dir, 'empty');
  fs.writeFileSync(hostsFile, `${lines.join('\n')}\n`);
  fs.writeFileSync(resolvFile, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  fs.writeFileSync(nsswitchFile, 'hosts: files dns\n');
  fs.mkdirSync(emptyDir, { recursive: true });
  return {
    file: 'unshare',
    args: ['-m', '--propagation', 'private', 'sh', '-c', SCRIPT, 'sh', hostsFile, resolvFile, nsswitchFile, emptyDir, command.file, ...command.args],
  };
}
