#!/usr/bin/env node
// Stand-in for the VS Code executable, for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// Takes the desktop CLI args runTests passes (--extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=,
// --extensions-dir=, a folder to open; Electron-only flags are ignored), starts code-server (the VS Code server,
// installed by scripts/install-code-server.sh) on 127.0.0.1, opens the workbench in headless Debian chromium with
// the test payload, and exits with the extension host's test exit code.
// Env: CODE_SERVER, CHROMIUM (executables), TEST_TIMEOUT_MS, CS_VERBOSE=1 (code-server output),
// BROWSER_CONSOLE=1 (workbench console), KEEP_TMP=1 (keep the run's temp dir, always kept on failure).
//
// UI driver: the extension host cannot touch the workbench's DOM (a notification's Cancel button, say), so this
// script serves a tiny loopback HTTP endpoint that drives the page with playwright, and hands its URL to the
// extension host as E2E_UI_DRIVER. POST /click or /waitFor with JSON { selector, hasText?, within?: { selector,
// hasText? }, state?, timeoutMs? }; 200 {"ok":true} or 500 {"error": "..."}. test/e2e/suite/uiDriver.ts is its client.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { launchHeadlessChromium } from './headless-chromium.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const codeServer = process.env.CODE_SERVER || path.join(root, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS || 300000);
const tmpRoot = path.join(root, '.vscode-test', 'tmp');
const t0 = Date.now();
// Workbench messages that are expected offline and say nothing about the tests.
const NOISE = ['Ignoring fetching additional builtin extensions from gallery'];
const log = (...a) => console.log(`[code-server-as-vscode ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

const devPaths = [];
const csArgs = [];
let testsPath;
let folder;
for (const a of process.argv.slice(2)) {
  const [k, ...rest] = a.split('=');
  const v = rest.join('=');
  if (k === '--extensionDevelopmentPath') devPaths.push(path.resolve(v));
  else if (k === '--extensionTestsPath') testsPath = path.resolve(v);
  // code-server creates these with a non-recursive mkdir: a missing parent makes the remote extension scan fail and
  // the extension under development silently NOT load.
  else if (k === '--user-data-dir' || k === '--extensions-dir') {
    csArgs.push(k, path.resolve(v));
    fs.mkdirSync(path.resolve(v), { recursive: true });
  } else if (!a.startsWith('-') && !folder) folder = path.resolve(a);
}
if (!devPaths.length || !testsPath) {
  console.error('need --extensionDevelopmentPath and --extensionTestsPath');
  process.exit(2);
}
if (fs.existsSync(testsPath) && fs.statSync(testsPath).isDirectory()) testsPath = path.join(testsPath, 'index.js');
if (!fs.existsSync(codeServer)) {
  console.error(`code-server not found at ${codeServer}: run  bash scripts/install-code-server.sh`);
  process.exit(2);
}

// code-server leaves vscode-*.sock files in TMPDIR: keep them inside the git-ignored .vscode-test/.
fs.mkdirSync(tmpRoot, { recursive: true });
const sockets = () => fs.readdirSync(tmpRoot).filter((f) => f.startsWith('vscode-') && f.endsWith('.sock'));
const socketsBefore = new Set(sockets());
const tmp = fs.mkdtempSync(path.join(tmpRoot, 'cs-test-'));

let page; // the workbench page, once chromium has opened it
/** What the UI driver understands: a locator (optionally inside another), then click or wait for a state. */
async function drive(action, { selector, hasText, within, state, timeoutMs = 10000 }) {
  if (!page) throw new Error('the workbench page is not open yet');
  if (typeof selector !== 'string') throw new Error('selector must be a string');
  const scope = within ? page.locator(within.selector, within.hasText ? { hasText: within.hasText } : {}).first() : page;
  const target = scope.locator(selector, hasText ? { hasText } : {}).first();
  if (action === 'click') await target.click({ timeout: timeoutMs });
  else if (action === 'waitFor') await target.waitFor({ state: state ?? 'visible', timeout: timeoutMs });
  else throw new Error(`unknown action ${action}`);
}
const driver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    const reply = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    let args;
    try {
      args = JSON.parse(body || '{}');
    } catch {
      return reply(400, { error: 'body is not JSON' });
    }
    drive(req.url?.replace(/^\//, ''), args).then(() => reply(200, { ok: true }), (e) => reply(500, { error: String(e?.message ?? e) }));
  });
});
await new Promise((resolve, reject) => {
  driver.once('error', reject);
  driver.listen(0, '127.0.0.1', resolve);
});
const driverUrl = `http://127.0.0.1:${driver.address().port}`;
for (const d of ['user-data', 'extensions']) fs.mkdirSync(path.join(tmp, d), { recursive: true });
const cs = spawn(codeServer, [
  '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check',
  '--disable-workspace-trust', '--disable-getting-started-override', '--config', path.join(tmp, 'config.yaml'),
  ...(csArgs.includes('--user-data-dir') ? [] : ['--user-data-dir', path.join(tmp, 'user-data')]),
  ...(csArgs.includes('--extensions-dir') ? [] : ['--extensions-dir', path.join(tmp, 'extensions')]),
  ...csArgs,
], {
  env: {
    EXTENSIONS_GALLERY: '{}',
    ...process.env,
    E2E_UI_DRIVER: driverUrl,
    TMPDIR: tmpRoot,
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
  },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let csOut = '';
let stopping = false;
let csExited;
const csExit = new Promise((resolve) => { csExited = resolve; });
cs.on('exit', (c) => csExited(c));
const port = await new Promise((resolve, reject) => {
  const onData = (d) => {
    csOut += d;
    if (process.env.CS_VERBOSE) process.stdout.write(`[code-server] ${d}`);
    const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(csOut);
    if (m) resolve(Number(m[1]));
  };
  cs.stdout.on('data', onData);
  cs.stderr.on('data', onData);
  void csExit.then((c) => reject(new Error(`code-server exited early (${c}):\n${csOut}`)));
  setTimeout(() => reject(new Error(`code-server did not start in 60s:\n${csOut}`)), 60000).unref();
}).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
log(`code-server ${codeServer} on 127.0.0.1:${port}`);
/** Ends code-server's whole process group (server, extension host, language server), forcibly after 10 s. */
async function stopCodeServer() {
  stopping = true;
  const signal = (sig) => { try { process.kill(-cs.pid, sig); } catch { /* already gone */ } };
  signal('SIGTERM');
  let force;
  await Promise.race([csExit, new Promise((r) => { force = setTimeout(r, 10000); })]);
  clearTimeout(force);
  signal('SIGKILL');
}

const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
const payload = [...devPaths.map((p) => ['extensionDevelopmentPath', remote(p)]), ['extensionTestsPath', remote(testsPath)]];
const url = `http://127.0.0.1:${port}/?${folder ? `folder=${encodeURIComponent(folder)}` : 'ew=true'}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

const profile = fs.mkdtempSync(path.join(tmpRoot, 'chromium-profile-'));
let exitCode = 1;
let context;
let timer;
try {
  context = await launchHeadlessChromium(profile);
  page = context.pages()[0] ?? await context.newPage();
  const done = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationLog', (_type, args) => {
      const parts = Array.isArray(args) ? args : [args];
      if (!NOISE.some((n) => String(parts[0]).startsWith(n))) console.log(...parts);
    });
    void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });
  if (process.env.BROWSER_CONSOLE) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log('pageerror', e.message));
  await page.goto(url);
  exitCode = await Promise.race([
    done,
    csExit.then((c) => { if (!stopping) log(`code-server exited during the run (${c})`); return 1; }),
    new Promise((r) => { timer = setTimeout(() => { log(`TIMEOUT after ${timeoutMs} ms`); r(124); }, timeoutMs); }),
  ]);
  log(`extension host test run exited with ${exitCode}`);
  if (exitCode !== 0) {
    const shot = path.join(root, 'test-artifacts', 'e2e-failure.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot }).then(() => log(`screenshot ${shot}`)).catch(() => {});
  }
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  clearTimeout(timer);
  driver.closeAllConnections();
  driver.close();
  page = undefined;
  await context?.close().catch(() => {});
  await stopCodeServer();
  for (const f of sockets().filter((f) => !socketsBefore.has(f))) fs.rmSync(path.join(tmpRoot, f), { force: true });
  fs.rmSync(profile, { recursive: true, force: true });
  if (exitCode === 0 && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp} (code-server logs in user-data/logs)`);
}
process.exit(exitCode);
