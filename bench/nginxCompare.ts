// Shared by the benchmarks that time the CLI against `nginx -t` on the same file.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAX_ATTEMPTS = 1000;

/**
 * A copy of the config that a stock Debian nginx reads to the end: each line nginx -t stops at
 * (load_module of absent modules, missing users) is commented out, and so is every line of a
 * directive nginx does not know, until it passes, so that nginx's own parse of the whole file is what gets timed.
 */
export function neutraliseForNginx(nginx: string, source: string, dir: string): { file: string; commented: number; ok: boolean; last?: string } {
  const file = path.join(dir, 'nginx.conf');
  const lines = fs.readFileSync(source, 'utf8').split('\n');
  let commented = 0;
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    fs.writeFileSync(file, lines.join('\n'));
    const r = spawnSync(nginx, ['-t', '-q', '-p', dir, '-c', file, '-e', path.join(dir, 'error.log')], { encoding: 'utf8' });
    if (r.status === 0) return { file, commented, ok: true };
    const m = /\[emerg\] (.*) in (\S+):(\d+)/.exec(r.stderr);
    if (!m || m[2] !== file) return { file, commented, ok: false, last: r.stderr };
    const unknown = /^unknown directive "([^"]+)"/.exec(m[1])?.[1];
    const hits = unknown ? lines.flatMap((l, n) => (l.trim().split(/[\s;{]+/)[0] === unknown ? [n] : [])) : [Number(m[3]) - 1];
    for (const n of hits) lines[n] = `#${lines[n]}`;
    commented += hits.length;
  }
  return { file, commented, ok: false };
}
