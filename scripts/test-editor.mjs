// Runs the editor tests (real VS Code extension host via code-server, then the packaged-.vsix UI smoke).
// They need Debian's chromium, libkrb5-dev and ripgrep: where those are missing they are skipped with a
// message, except under CI=true, where a missing piece is a failure (.ci/run installs them).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const missing = [
  ['chromium', existsSync('/usr/bin/chromium') || !!process.env.CHROMIUM],
  ['libkrb5-dev', existsSync('/usr/include/gssapi/gssapi.h')],
  ['ripgrep', spawnSync('sh', ['-c', 'command -v rg'], { stdio: 'ignore' }).status === 0],
].filter(([, ok]) => !ok).map(([name]) => name);

if (missing.length) {
  const message = `editor tests need the Debian packages: ${missing.join(' ')} (apt-get install -y ${missing.join(' ')})`;
  if (ci) {
    console.error(`FAIL: ${message}`);
    process.exit(1);
  }
  console.log(`SKIPPED: ${message}`);
  process.exit(0);
}

for (const script of ['e2e:install', 'test:e2e', 'test:ui']) {
  const r = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
