import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { labUnavailable, startProbeLab, startRogueServer, type ProbeLab, type RogueServer } from '../support/probeLab';
import {
  allTabs, codeOf, insertAt, openAnalyzed, probeOnly, rangeText, resetEditors, setWorkspaceSettings, summarize, waitForDiagnostics, waitForTab,
  withDeadline, workspaceRoot, wsUri,
} from './helpers';
import { uiDriver } from './uiDriver';

/** The lab's site files, as the editor opens them (test/e2e/fixtures/workspace/probe). */
const SITES = {
  mustStaple: 'probe/sites-enabled/must-staple.conf',
  staging: 'probe/sites-enabled/staging.conf',
  hanging: 'probe/sites-enabled/hanging.conf',
};

/** The probe settings this suite writes (workspace level), all removed afterwards. */
const PROBE_SETTING_KEYS = ['probe.connect', 'probe.caFile', 'probe.warmupMs', 'probe.timeoutMs'];

/** Stapling can never come (ssl_stapling is off): a short warm-up keeps the probe fast. */
const WARMUP_MS = 400;

/** The smallest whole-probe bound the setting allows. */
const SMALL_TIMEOUT_MS = 1000;

/** The report panels the probe command opened (their tab label is "Probe: NAME:PORT"). */
function reportTabs(): string[] {
  return allTabs().filter((t) => t.label.startsWith('Probe:')).map((t) => t.label);
}

/** Offset of the `server` block in a site file: the probe command's second argument, so that no QuickPick shows. */
function serverOffset(doc: vscode.TextDocument): number {
  const offset = doc.getText().indexOf('server {');
  assert.ok(offset >= 0, 'the site has a server block');
  return offset;
}

/** The 1-based range of the directive on the first line holding `needle`: from its name to its last argument (the `;` left out, as rule diagnostics do). */
function directiveRange(doc: vscode.TextDocument, needle: string): string {
  const line = doc.getText().split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `"${needle}" is in ${vscode.workspace.asRelativePath(doc.uri)}`);
  const text = doc.lineAt(line).text;
  return rangeText(new vscode.Range(line, text.search(/\S/), line, text.lastIndexOf(';')));
}

/** The 1-based range of the first occurrence of `text`. */
function textRange(doc: vscode.TextDocument, text: string): string {
  const offset = doc.getText().indexOf(text);
  assert.ok(offset >= 0, `"${text}" is in ${vscode.workspace.asRelativePath(doc.uri)}`);
  return rangeText(new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + text.length)));
}

/** Escapes text for a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('live probe against a real nginx on loopback', () => {
  let lab: ProbeLab | undefined;
  const rogues: RogueServer[] = [];

  before(async function () {
    const unavailable = labUnavailable();
    if (unavailable) {
      if (process.env.CI === 'true') throw new Error(`${unavailable}: CI runs the probe tests against a real nginx`);
      console.log(`      skipped: ${unavailable}; the probe is only tested against a real nginx`);
      this.skip();
    }
    lab = await startProbeLab(path.join(workspaceRoot(), 'probe'));
  });

  after(async () => {
    await setWorkspaceSettings('nginxTls', Object.fromEntries(PROBE_SETTING_KEYS.map((k) => [k, undefined])));
    for (const rogue of rogues) await rogue.stop();
    await lab?.stop();
  });

  afterEach(resetEditors);

  it('reports a Must-Staple certificate served without a staple, in a report panel and on the ssl_certificate line', async () => {
    const { port, pki } = lab!;
    await setWorkspaceSettings('nginxTls', { 'probe.connect': `127.0.0.1:${port}`, 'probe.caFile': pki.root.crt, 'probe.warmupMs': WARMUP_MS, 'probe.timeoutMs': 15000 });
    const { doc, diagnostics } = await openAnalyzed(SITES.mustStaple);
    const staticFindings = summarize(diagnostics);
    const certRange = textRange(doc, pki.leaves['must-staple'].chain);
    assert.deepEqual(staticFindings.map((d) => `${d.code} ${d.severity} ${d.range}`).sort(), [`must-staple-cold-start Warning ${certRange}`, `must-staple-without-stapling Error ${certRange}`]);

    const tab = waitForTab((t) => t.label === `Probe: must-staple.test:${port}`);
    const published = waitForDiagnostics(doc.uri, (d) => probeOnly(d).length > 0);
    await vscode.commands.executeCommand('nginxTls.probe', doc.uri.toString(), serverOffset(doc));

    const report = await tab;
    assert.ok(report, `a report panel "Probe: must-staple.test:${port}" opens; tabs: ${JSON.stringify(allTabs().map((t) => t.label))}`);
    assert.ok(report.input instanceof vscode.TabInputWebview, 'the report is a webview');
    assert.match(report.input.viewType, /nginxTls\.probeReport$/);
    assert.deepEqual(reportTabs(), [`Probe: must-staple.test:${port}`]);

    const after = await published;
    const [finding, ...others] = summarize(probeOnly(after));
    assert.deepEqual(others, []);
    assert.deepEqual({ code: finding.code, severity: finding.severity, range: finding.range }, {
      code: 'probe-must-staple-violated',
      severity: 'Error',
      range: directiveRange(doc, 'ssl_certificate '),
    });
    assert.match(finding.message, new RegExp(`^${literal(`live probe of must-staple.test:${port}: The certificate is OCSP Must-Staple but the server sends no staple: `
      + 'Firefox refuses the site (MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING). (config: a stapled OCSP response on every full handshake '
      + '(the certificate\'s TLS Feature extension requires it); set ssl_stapling on; server: no staple in ')}\\d+ full handshakes over \\d+ ms(; .+)?\\)$`));
    // The static finding stays beside the live one.
    assert.deepEqual(summarize(after.filter((d) => !codeOf(d).startsWith('probe-'))), staticFindings);
  });

  it('ends with probe-connect-failed within nginxTls.probe.timeoutMs when the server accepts TCP and never answers', async () => {
    const { port } = lab!;
    const silent = await startRogueServer('silent');
    rogues.push(silent);
    await setWorkspaceSettings('nginxTls', { 'probe.connect': `127.0.0.1:${silent.port}`, 'probe.timeoutMs': SMALL_TIMEOUT_MS });
    const { doc } = await openAnalyzed(SITES.staging);
    const tab = waitForTab((t) => t.label === `Probe: staging.test:${port}`);
    const published = waitForDiagnostics(doc.uri, (d) => probeOnly(d).length > 0);
    const started = performance.now();
    await vscode.commands.executeCommand('nginxTls.probe', doc.uri.toString(), serverOffset(doc));
    const tookMs = performance.now() - started;
    assert.ok(tookMs >= SMALL_TIMEOUT_MS * 0.9 && tookMs < SMALL_TIMEOUT_MS + 2000, `the probe took ${Math.round(tookMs)} ms (bound ${SMALL_TIMEOUT_MS} ms)`);
    assert.ok(await tab, 'a report panel opens');
    const [finding, ...others] = summarize(probeOnly(await published));
    assert.deepEqual(others, []);
    assert.deepEqual({ code: finding.code, severity: finding.severity, range: finding.range }, {
      code: 'probe-connect-failed',
      severity: 'Error',
      range: directiveRange(doc, 'listen '),
    });
    const at = `127.0.0.1:${silent.port}`;
    assert.match(finding.message, new RegExp(`^${literal(`live probe of staging.test:${port}: Cannot complete a TLS handshake with staging.test at ${at}. `
      + `(config: a TLS handshake for staging.test at ${at}; server: tls failed: no answer within `)}\\d+ ms\\)$`));
  });

  it('stops when the user cancels the progress notification: no report panel, no probe diagnostics', async function () {
    const driver = uiDriver();
    if (!driver) {
      console.log('      skipped: no UI driver (E2E_UI_DRIVER) to click the notification\'s Cancel button in this host');
      this.skip();
    }
    const { port } = lab!;
    const silent = await startRogueServer('silent');
    rogues.push(silent);
    // Without a cancel, the probe would run until the 5 s step bound of its first handshake.
    await setWorkspaceSettings('nginxTls', { 'probe.connect': `127.0.0.1:${silent.port}`, 'probe.timeoutMs': 30000 });
    const { doc } = await openAnalyzed(SITES.hanging);
    assert.deepEqual(reportTabs(), []);
    const notification = { selector: '.notifications-toasts .notification-toast', hasText: `Probing hanging.test:${port}` };
    const run = vscode.commands.executeCommand('nginxTls.probe', doc.uri.toString(), serverOffset(doc));
    await withDeadline(silent.firstConnection, 10000, 'the probe connects to the silent server');
    await driver.click({ within: notification, selector: '.monaco-button', hasText: 'Cancel' });
    const cancelled = performance.now();
    await driver.waitFor({ ...notification, state: 'hidden' });
    await withDeadline(run, 3000, 'the probe command returns after Cancel');
    const tookMs = performance.now() - cancelled;
    assert.ok(tookMs < 2000, `the command returned ${Math.round(tookMs)} ms after Cancel`);
    // Nothing may follow: give a report panel or probe diagnostics a deadline to show up, and expect none.
    const panel = await waitForTab((t) => t.label.startsWith('Probe:'), 1500);
    assert.equal(panel?.label, undefined, 'no report panel opens after Cancel');
    const probeDiagnostics = await waitForDiagnostics(doc.uri, (d) => probeOnly(d).length > 0, 500).then(summarize, () => []);
    assert.deepEqual(probeDiagnostics, [], 'no probe diagnostics after Cancel');
  });

  it('Probe All Servers: one report view listing each server, findings on files not in an editor, marked stale once edited', async () => {
    const { port, pki } = lab!;
    await setWorkspaceSettings('nginxTls', { 'probe.connect': `127.0.0.1:${port}`, 'probe.caFile': pki.root.crt, 'probe.warmupMs': WARMUP_MS, 'probe.timeoutMs': 15000 });
    await openAnalyzed(SITES.staging);
    const mustStaple = wsUri(SITES.mustStaple);
    assert.ok(!vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === mustStaple.toString()), 'must-staple.conf is not in an editor');
    const tab = waitForTab((t) => t.label === 'Probe: all servers');
    const published = waitForDiagnostics(mustStaple, (d) => probeOnly(d).some((p) => codeOf(p) === 'probe-must-staple-violated'));
    await vscode.commands.executeCommand('nginxTls.probeAll');
    assert.ok(await tab, `the report view "Probe: all servers" opens; tabs: ${JSON.stringify(allTabs().map((t) => t.label))}`);
    const [finding, ...others] = summarize(probeOnly(await published));
    assert.deepEqual(others, []);
    assert.match(finding.message, new RegExp(`^${literal(`live probe of must-staple.test:${port}: The certificate is OCSP Must-Staple`)}`));

    // Opened and edited on that line: the finding stays, marked as from before the edit.
    const { doc } = await openAnalyzed(SITES.mustStaple);
    const stale = waitForDiagnostics(doc.uri, (d) => probeOnly(d).some((p) => p.message.endsWith('(before your edit)')));
    const line = doc.getText().split('\n').findIndex((l) => l.includes('ssl_certificate '));
    await insertAt(doc, doc.offsetAt(doc.lineAt(line).range.end), ' # renewed');
    const [marked] = summarize(probeOnly(await stale));
    assert.equal(marked.code, 'probe-must-staple-violated');
  });
});
