#!/usr/bin/env node
// UI smoke test as a user sees it: installs the packaged VSIX into a fresh code-server with --install-extension and,
// in headless Debian chromium:
//  1. opens a config with a missing ";", reads the diagnostic from the Problems panel, saves test-artifacts/problems.png;
//  2. opens a site with a Must-Staple certificate and no stapling (served by a real nginx on 127.0.0.1, the probe lab of
//     test/e2e/support/probeLab.ts, bundled here with esbuild), hovers its TLS diagnostic and saves diagnostic.png;
//  3. runs the live probe from its CodeLens, waits for the report view and the probe finding in the Problems panel,
//     and saves probe-side-by-side.png (config and report as they open) and probe-report.png (the report maximised).
// Step 2-3 are skipped with a message where nginx or openssl are missing, except under CI=true, where that fails.
// usage: node scripts/ui-smoke.mjs [nginx-tls.vsix] [test-artifacts/problems.png]  (the other PNGs go beside it)
// Env: CODE_SERVER, CHROMIUM (executables), CS_VERBOSE=1 (code-server output), KEEP_TMP=1 (keep the temp dir).
import { spawn, execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { launchHeadlessChromium } from './headless-chromium.mjs';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const codeServer = process.env.CODE_SERVER || path.join(root, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
const vsix = path.resolve(process.argv[2] || path.join(root, 'nginx-tls.vsix'));
const shot = path.resolve(process.argv[3] || path.join(root, 'test-artifacts', 'problems.png'));
const diagnosticShot = path.join(path.dirname(shot), 'diagnostic.png');
const reportShot = path.join(path.dirname(shot), 'probe-report.png');
const sideBySideShot = path.join(path.dirname(shot), 'probe-side-by-side.png');
const FILE = 'missing-semicolon.conf';
const MESSAGE = 'unexpected "}": expected ";" after "ssl_protocols TLSv1.2 TLSv1.3"';
const SITE = 'must-staple.conf';
const TLS_MESSAGE = 'requires a stapled OCSP response (Must-Staple) but ssl_stapling is not enabled for "must-staple.test"';
const ci = process.env.CI === 'true' || process.env.CI === '1';
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

// The probe lab, started before code-server so the site files hold their port when the editor opens them.
const labDir = path.join(ws, 'probe');
fs.cpSync(path.join(root, 'test', 'e2e', 'fixtures', 'workspace', 'probe'), labDir, { recursive: true });
const labModule = path.join(tmp, 'probe-lab.cjs');
await build({ entryPoints: [path.join(root, 'test', 'e2e', 'support', 'probeLab.ts')], outfile: labModule, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
const { labUnavailable, startProbeLab } = createRequire(import.meta.url)(labModule);
const unavailable = labUnavailable();
if (unavailable && ci) {
  console.error(`ui-smoke: ${unavailable}: CI runs the probe part against a real nginx`);
  process.exit(1);
}
if (unavailable) log(`probe part skipped: ${unavailable}`);
const lab = unavailable ? undefined : await startProbeLab(labDir);
if (lab) log(`lab nginx on 127.0.0.1:${lab.port}, OCSP responder ${lab.responder.url}`);

fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.hover.above': false,
  'workbench.reduceMotion': 'on',
  ...(lab ? {
    // No DNS: the probe connects to the lab nginx and trusts the lab's root; stapling is off, so a short warm-up.
    'nginxTls.probe.connect': `127.0.0.1:${lab.port}`,
    'nginxTls.probe.caFile': lab.pki.root.crt,
    'nginxTls.probe.warmupMs': 400,
  } : {}),
}, null, 2));

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
}).catch(async (e) => {
  console.error(e.message);
  await lab?.stop();
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
let rc = 1;
let context;
let page;
const checks = [];
const check = (ok, what) => {
  checks.push([ok, what]);
  log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};
/** The Problems panel row holding `text`, once it shows. */
async function problemRow(text) {
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
  await problem.waitFor({ timeout: 60000 });
  return problem;
}
/** Opens a workspace file by name with Quick Open, as a user would. */
async function quickOpen(name, shows) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines', { hasText: shows }).first().waitFor({ timeout: 30000 });
}
try {
  context = await launchHeadlessChromium(profile);
  page = context.pages()[0] ?? await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).first();
  await row.waitFor({ timeout: 60000 });
  await row.click();
  await page.locator('.monaco-editor .view-lines', { hasText: 'ssl_protocols' }).first().waitFor({ timeout: 30000 });
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60000 });
  await page.keyboard.press('Control+Shift+M');
  const problem = await problemRow(MESSAGE);
  const text = await problem.innerText();
  log('Problems panel row:', JSON.stringify(text));
  const language = await page.locator('#status\\.editor\\.mode').innerText().catch(() => '?');
  log('language mode:', language);
  await problem.click();
  await page.locator('.monaco-editor .squiggly-error').first().hover({ force: true, timeout: 10000 })
    .then(() => page.locator('.monaco-hover', { hasText: MESSAGE }).first().waitFor({ timeout: 10000 }))
    .catch(() => log('no hover over the squiggle: the screenshot shows the editor without it'));
  check(text.includes(MESSAGE), `the row shows the message ${MESSAGE}`);
  check(text.includes('syntax-error'), 'the row shows the code syntax-error');
  check(text.includes('nginx-tls'), 'the row shows the source nginx-tls');
  check(language.trim().toLowerCase() === 'nginx', `the language mode is nginx (got ${language})`);
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot });
  log('screenshot', shot);

  if (lab) {
    const title = `Probe: must-staple.test:${lab.port}`;
    // The TLS diagnostic: squiggle on the certificate path, its hover, its Problems row.
    await page.keyboard.press('Escape');
    await quickOpen(SITE, 'must-staple.test');
    const tlsRow = await problemRow('must-staple-without-stapling');
    const tlsText = await tlsRow.innerText();
    log('Problems panel row:', JSON.stringify(tlsText));
    check(tlsText.includes(TLS_MESSAGE), 'the Problems panel shows must-staple-without-stapling with its message');
    const editor = page.locator('.editor-instance .monaco-editor', { hasText: 'must-staple.test' }).first();
    const squiggle = editor.locator('.squiggly-error').first();
    await squiggle.waitFor({ timeout: 60000 });
    await squiggle.hover({ force: true, timeout: 10000 });
    const hover = page.locator('.monaco-hover', { hasText: 'Must-Staple' }).first();
    const hovered = await hover.waitFor({ timeout: 10000 }).then(() => true, () => false);
    check(hovered && (await hover.innerText()).includes(TLS_MESSAGE), 'hovering the squiggle shows the Must-Staple diagnostic');
    await page.screenshot({ path: diagnosticShot });
    log('screenshot', diagnosticShot);

    // The live probe, from the CodeLens over the server block.
    await page.keyboard.press('Escape');
    const lens = editor.locator('.codelens-decoration a', { hasText: 'Probe live' }).first();
    await lens.waitFor({ timeout: 30000 });
    check((await lens.innerText()).includes(`must-staple.test:${lab.port}`), `the CodeLens offers "Probe live must-staple.test:${lab.port}"`);
    await lens.click();
    const tab = page.locator('.tabs-container .tab', { hasText: title }).first();
    const opened = await tab.waitFor({ timeout: 60000 }).then(() => true, () => false);
    check(opened, `the report view "${title}" opens`);
    // Whichever webview frame holds the report (other webviews may exist in a fresh profile): each
    // frame is asked in turn until one shows the finding, within one overall bound.
    const rendered = await reportShows(page, 'probe-must-staple-violated', 60000);
    check(rendered, 'the report view lists probe-must-staple-violated');
    const liveRow = await problemRow('probe-must-staple-violated').catch(() => undefined);
    const liveText = (await liveRow?.innerText()) ?? '';
    log('Problems panel row:', JSON.stringify(liveText));
    check(liveText.includes(`live probe of must-staple.test:${lab.port}`), 'the Problems panel shows the live finding probe-must-staple-violated');
    // Let the notification that summarises the probe settle before the picture.
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'nginx TLS probe of must-staple.test' }).first().waitFor({ timeout: 10000 }).catch(() => {});
    await page.screenshot({ path: sideBySideShot });
    log('screenshot', sideBySideShot);
    // The report on its own, as a user reading it would arrange it: sidebar and panel hidden, its editor group maximised.
    await tab.click();
    await page.keyboard.press('Control+B');
    await page.keyboard.press('Control+J');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+M');
    await page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => log('the Problems panel stays open'));
    await page.locator('.explorer-folders-view').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => log('the sidebar stays open'));
    await page.locator('.editor-group-container', { hasText: 'must-staple.conf' }).waitFor({ state: 'hidden', timeout: 10000 }).catch(() => log('the config editor stays beside the report'));
    await page.screenshot({ path: reportShot });
    log('screenshot', reportShot);
  }
  rc = checks.length > 0 && checks.every(([ok]) => ok) ? 0 : 1;
} catch (e) {
  log('FAILED:', e.message);
  await page?.screenshot({ path: path.join(path.dirname(shot), 'ui-smoke-failure.png') }).catch(() => {});
} finally {
  await context?.close().catch(() => {});
  await stopCodeServer();
  await lab?.stop();
  for (const f of sockets().filter((f) => !socketsBefore.has(f))) fs.rmSync(path.join(tmpRoot, f), { force: true });
  fs.rmSync(profile, { recursive: true, force: true });
  if (rc === 0 && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}
const passedChecks = checks.filter(([ok]) => ok).length;
console.log(`ui-smoke: ${passedChecks} passed, ${checks.length - passedChecks + (rc === 0 ? 0 : checks.every(([ok]) => ok) ? 1 : 0)} failed`);
process.exit(rc);

/** Whether some frame of the page shows `text` in its body before the deadline (checked on each frame event and every 250 ms). */
async function reportShows(page, text, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const found = await frame.locator('body', { hasText: text }).count().catch(() => 0);
      if (found > 0) return true;
    }
    await page.waitForEvent('framenavigated', { timeout: 250 }).catch(() => {});
  }
  return false;
}
