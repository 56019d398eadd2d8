import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

/** The nginx binary of this machine, or undefined (tests then skip, saying why). */
export function findNginx(): string | undefined {
  return CANDIDATES.find((p) => fs.existsSync(p));
}

/** The first `[emerg]` of `nginx -t` on a config: message, file and 1-based line. */
export interface NginxVerdict {
  ok: boolean;
  message?: string;
  file?: string;
  line?: number;
  output: string;
}

/** Runs `nginx -t -p DIR -c FILE -e DIR/error.log` and parses its verdict. */
export function nginxTest(nginx: string, prefix: string, confFile: string): NginxVerdict {
  const r = spawnSync(nginx, ['-t', '-q', '-p', prefix, '-c', confFile, '-e', `${prefix}/error.log`], { encoding: 'utf8', timeout: 20_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const m = /\[emerg\] (.*) in (\S+):(\d+)\s*$/m.exec(output);
  if (r.status === 0) return { ok: true, output };
  return m ? { ok: false, message: m[1], file: m[2], line: Number(m[3]), output } : { ok: false, output };
}
