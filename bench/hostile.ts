// Times the inputs of issue 14 that once hung or grew quadratically (a measurement, not a test).
// Run: node scripts/run-bench.mjs hostile [CASE...]   (cases: sessions, longline, selfglob, runon, glob, longglob)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { checkPaths } from '../server/src/service/checkPaths';
import { createNodeHost } from '../server/src/service/model/configHost';

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

const CASES: Record<string, () => Record<string, string>> = {
  /** 2,500 TLS servers on one socket whose session and protocol settings differ from the default server's. */
  sessions: () => {
    const servers = Array.from({ length: Number(process.env.SERVERS ?? 2500) }, (_, i) => `  server { listen 443 ssl; server_name s${i}.test; ssl_session_tickets off; ssl_protocols TLSv1.3; ssl_session_timeout 1h; }\n`);
    return { 'nginx.conf': `events {}\nhttp {\n  server { listen 443 ssl default_server; server_name d.test; }\n${servers.join('')}}\n` };
  },
  /** A 4 MB single line of directives, each set twice (duplicates) and with arguments (run-on checks). */
  longline: () => {
    const body = 'server_tokens off; server_tokens off; '.repeat(Math.ceil(4_000_000 / 38));
    return { 'nginx.conf': `events {} http { server { ${body} } }\n` };
  },
  /** Globs with many stars against a 60-character name (GLOB_STARS: 8 by default). */
  glob: () => {
    const stars = Number(process.env.GLOB_STARS ?? 8);
    return { 'nginx.conf': `events {}\nhttp { include conf.d/${'*a'.repeat(stars - 1)}*b; }\n`, [`conf.d/${'a'.repeat(60)}`]: '' };
  },
  /** A 40,000-character glob segment. */
  longglob: () => ({ 'nginx.conf': `events {}\nhttp { include conf.d/${'*a'.repeat(20_000)}; }\n`, [`conf.d/${'a'.repeat(60)}`]: '' }),
  /** 24 files that each include their own directory's glob. */
  selfglob: () => {
    const files: Record<string, string> = { 'nginx.conf': 'events {}\nhttp { include conf.d/*.conf; }\n' };
    for (let i = 0; i < 24; i++) files[`conf.d/f${i}.conf`] = `include conf.d/*.conf;\nserver { listen ${8000 + i}; }\n`;
    return files;
  },
  /** A 5 MB run-on statement (a `;` missing, then 250,000 lines of words until the `}`): its message must not quote it whole. */
  runon: () => {
    const lines = Array.from({ length: 250_000 }, (_, i) => `      word${i}\n`);
    return { 'nginx.conf': `events {}\nhttp {\n  server {\n    add_header X-Run-On\n${lines.join('')}  }\n}\n` };
  },
};

for (const name of process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CASES)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nginx-tls-bench-${name}-`));
  write(dir, CASES[name]());
  const started = performance.now();
  const result = checkPaths([path.join(dir, 'nginx.conf')], createNodeHost({ maxFileSize: 64 * 1024 * 1024 }), { readCertificates: false });
  const ms = performance.now() - started;
  const longest = result.diagnostics.reduce((m, d) => Math.max(m, d.message.length), 0);
  process.stdout.write(`${name}: ${ms.toFixed(0)} ms, ${result.diagnostics.length} diagnostics, longest message ${longest} characters\n`);
  fs.rmSync(dir, { recursive: true, force: true });
}
