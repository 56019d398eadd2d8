#!/usr/bin/env node
// UI smoke test as a user sees it: installs the packaged VSIX into a fresh code-server with --install-extension,
// opens a config with a missing ";" in headless Debian chromium, reads the diagnostic from the Problems panel and
// saves a screenshot of the editor (squiggle) and the Problems panel.
// usage: node scripts/ui-smoke.mjs [nginx-tls.vsix] [test-artifacts/problems.png]
// Env: CODE_SERVER, CHROMIUM (executables), CS_VERBOSE=1 (code-server output), KEEP_TMP=1 (keep the temp dir).
import { spawn, execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const codeServer = process.env.CODE_SERVER || path.join(root, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
const vsix = path.resolve(process.argv[2] || path.join(root, 'nginx-tls.vsix'));
const shot = path.resolve(process.argv[3] || path.join(root, 'test-artifacts', 'problems.png'));
const FILE = 'missing-semicolon.conf';
const MESSAGE = 'unexpected "}": expected ";" after "ssl_protocols TLSv1.2 TLSv1.3"';
const t0 = Date.now();
const log = (...a) => console.log(`[ui-smoke ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

for (const [what, file, hint] of [['VSIX', vsix, 'npm run package'], ['code-server', codeServer, 'bash scripts/install-code-server.sh']]) {
  if (!fs.existsSync(file)) {
    console.error(`ui-smoke: ${what} not found at ${file}: run  ${hint}`);
    process.exit(2);
  }
}

// code-server leaves vscode-*.sock files in TMPDIR: keep them inside the git-ignored .vscode-test/.
const tmpRoot = path.join(root, '.vscode-test', 'tmp');
fs.mkdirSync(tmpRoot, { recursive: true });
const sockets = () => fs.readdirSync(tmpRoot).filter((f) => f.startsWith('vscode-') && f.endsWith('.sock'));
const socketsBefore = new Set(sockets());
const tmp = fs.mkdtempSync(path.join(tmpRoot, 'cs-ui-'));
const userData = path.join(tmp, 'user-data');
const extensions = path.join(tmp, 'extensions');
// code-server's non-recursive mkdir of these fails when a parent is missing, and the extension then silently does not load.
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
fs.mkdirSync(extensions, { recursive: true });
fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.hover.above': false,
  'workbench.reduceMotion': 'on',
}, null, 2));
const env = {
  EXTENSIONS_GALLERY: '{}',
  ...process.env,
  TMPDIR: tmpRoot,
  XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
  XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
};
const dirs = ['--user-data-dir', userData, '--extensions-dir', extensions];
execFileSync(codeServer, [...dirs, '--install-extension', vsix], { env, stdio: 'inherit' });
log(`installed ${path.relative(root, vsix)}`);

// A folder named nginx, so its *.conf files are language nginx (filenamePattern **/nginx/**/*.conf).
const ws = path.join(tmp, 'nginx');
fs.cpSync(path.join(root, 'test', 'e2e', 'fixtures', 'workspace', 'broken', 'nginx'), ws, { recursive: true });

const cs = spawn(codeServer, ['--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check',
  '--disable-workspace-trust', '--disable-getting-started-override', '--config', path.join(tmp, 'config.yaml'), ...dirs, ws],
{ env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let out = '';
const exited = new Promise((resolve) => cs.on('exit', resolve));
const port = await new Promise((resolve, reject) => {
  const on = (d) => {
    out += d;
    if (process.env.CS_VERBOSE) process.stdout.write(`[code-server] ${d}`);
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  };
  cs.stdout.on('data', on);
  cs.stderr.on('data', on);
  void exited.then((c) => reject(new Error(`code-server exited (${c}): ${out}`)));
  setTimeout(() => reject(new Error(`code-server did not start in 60s: ${out}`)), 60000).unref();
}).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
log('code-server on port', port);

/** Ends code-server's whole process group (server, extension host, language server), forcibly after 10 s. */
async function stopCodeServer() {
  const signal = (sig) => { try { process.kill(-cs.pid, sig); } catch { /* already gone */ } };
  signal('SIGTERM');
  let force;
  await Promise.race([exited, new Promise((r) => { force = setTimeout(r, 10000); })]);
  clearTimeout(force);
  signal('SIGKILL');
}

const profile = fs.mkdtempSync(path.join(tmpRoot, 'chromium-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let rc = 1;
const page = context.pages()[0] ?? await context.newPage();
try {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).first();
  await row.waitFor({ timeout: 60000 });
  await row.click();
  await page.locator('.monaco-editor .view-lines', { hasText: 'ssl_protocols' }).first().waitFor({ timeout: 30000 });
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60000 });
  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: MESSAGE }).first();
  await problem.waitFor({ timeout: 60000 });
  const text = await problem.innerText();
  log('Problems panel row:', JSON.stringify(text));
  const language = await page.locator('#status\\.editor\\.mode').innerText().catch(() => '?');
  log('language mode:', language);
  await problem.click();
  await page.locator('.monaco-editor .squiggly-error').first().hover({ force: true, timeout: 10000 })
    .then(() => page.locator('.monaco-hover', { hasText: MESSAGE }).first().waitFor({ timeout: 10000 }))
    .catch(() => log('no hover over the squiggle: the screenshot shows the editor without it'));
  const checks = [
    [text.includes(MESSAGE), `the row shows the message ${MESSAGE}`],
    [text.includes('syntax-error'), 'the row shows the code syntax-error'],
    [text.includes('nginx-tls'), 'the row shows the source nginx-tls'],
    [language.trim().toLowerCase() === 'nginx', `the language mode is nginx (got ${language})`],
  ];
  for (const [ok, what] of checks) log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  rc = checks.every(([ok]) => ok) ? 0 : 1;
} catch (e) {
  log('FAILED:', e.message);
} finally {
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot }).then(() => log('screenshot', shot)).catch((e) => log('no screenshot:', e.message));
  await context.close().catch(() => {});
  await stopCodeServer();
  for (const f of sockets().filter((f) => !socketsBefore.has(f))) fs.rmSync(path.join(tmpRoot, f), { force: true });
  fs.rmSync(profile, { recursive: true, force: true });
  if (rc === 0 && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}
console.log(`ui-smoke: ${rc === 0 ? 'passed' : 'FAILED'}`);
process.exit(rc);
