import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  codeActionsAt, codeOf, deleteAt, diskText, FIX_ALL_KIND, insertAt, openAnalyzed, quickFixesAt, resetEditors, summarize,
  tlsOnly, waitForDiagnostics, wsUri,
} from './helpers';
import { expectedOf, freshSeedCopy, prepareSeeds, SEEDS } from './seeds';

/**
 * One quick-fix expectation: the fixture to open and the diagnostic code to act on; then either no quick-fix at all, or
 * the title of the fix to apply, every quick-fix title the light bulb lists at that diagnostic's range (default: just
 * that one), the file the edit changes (default: the fixture) and the workspace file holding its exact text after it.
 */
interface QuickFixCase {
  name: string;
  file: string;
  code: string;
  title?: string;
  offered?: string[];
  edits?: string;
  fixed?: string;
  /** TLS codes left on the file after the fix, on purpose (default: none). */
  remaining?: string[];
}

const TICKETS_FIX = 'Use this server\'s ssl_session_cache, ssl_session_timeout, ssl_session_tickets in the default server of 0.0.0.0:443 (the server in sites-enabled/default)';

/** Add a rule's quick-fix test here: a fixture, the code, the fix's title and the expected result file. */
const CASES: QuickFixCase[] = [
  { name: 'offers no quick-fix for a syntax error', file: 'broken/nginx/missing-semicolon.conf', code: 'syntax-error' },
  {
    name: 'must-staple-without-stapling: turns stapling on in the server',
    file: SEEDS.mustStaple,
    code: 'must-staple-without-stapling',
    title: 'Enable OCSP stapling (ssl_stapling on)',
    fixed: expectedOf(SEEDS.mustStaple),
    // Stapled lazily now: the first handshakes after each start still lack it (its own warning).
    remaining: ['must-staple-cold-start'],
  },
  {
    name: 'stapling-without-resolver: adds a resolver to the server',
    file: SEEDS.resolver,
    code: 'stapling-without-resolver',
    title: 'Add "resolver 8.8.8.8 1.1.1.1" to this server',
    fixed: expectedOf(SEEDS.resolver),
  },
  {
    name: 'session-tickets-mismatch: gives the default server (another file) the site\'s session settings',
    file: SEEDS.ticketsSite,
    code: 'session-tickets-mismatch',
    title: TICKETS_FIX,
    // The two session-settings-from-default-server notes on the same include line carry the same
    // fix: the light bulb lists it once.
    offered: [TICKETS_FIX],
    edits: SEEDS.ticketsDefault,
    fixed: expectedOf(SEEDS.ticketsDefault),
  },
];

/** The open document of a workspace file (a workspace edit opens the files it changes). */
function openDocument(relative: string): vscode.TextDocument {
  const uri = wsUri(relative).toString();
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  assert.ok(doc, `${relative} is open`);
  return doc;
}

/** The case on a fresh copy of its seed (a case on another fixture edits nothing and is kept as it is). */
function onFreshCopy(c: QuickFixCase): QuickFixCase {
  if (!c.file.startsWith('tls/') || c.fixed === undefined) return c;
  const { map } = freshSeedCopy(c.file);
  return { ...c, file: map(c.file), edits: c.edits && map(c.edits), fixed: map(c.fixed) };
}

/** Opens the case's fixture, runs the code-action provider on its diagnostic, applies the quick-fix and checks the outcome. */
async function checkQuickFix(original: QuickFixCase): Promise<void> {
  const c = onFreshCopy(original);
  const { doc, diagnostics } = await openAnalyzed(c.file);
  const target = diagnostics.find((d) => codeOf(d) === c.code);
  assert.ok(target, `${c.file} has a ${c.code} diagnostic: ${JSON.stringify(summarize(diagnostics))}`);
  // vscode.executeCodeActionProvider does not say which diagnostic an action fixes: the range picks it.
  const fixes = await quickFixesAt(doc.uri, target.range);
  const before = doc.getText();
  if (c.fixed === undefined) {
    assert.deepEqual(fixes.map((a) => a.title), []);
    assert.equal(doc.getText(), before);
    return;
  }
  assert.deepEqual(fixes.map((a) => a.title), c.offered ?? [c.title]);
  const fix = fixes.find((a) => a.title === c.title)!;
  assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
  assert.equal(fix.isPreferred, true);
  assert.ok(fix.edit, 'the quick-fix carries its edit');
  assert.deepEqual(fix.edit.entries().map(([uri]) => vscode.workspace.asRelativePath(uri)), [c.edits ?? c.file]);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), `quick-fix "${fix.title}" applied`);
  const edited = openDocument(c.edits ?? c.file);
  assert.equal(edited.getText(), diskText(wsUri(c.fixed)));
  if (c.edits) assert.equal(doc.getText(), before, 'the diagnostic\'s own file is unchanged');
  assert.equal(edited.isDirty, true, 'the fix is not saved');
  const after = await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === c.code));
  assert.deepEqual(tlsOnly(after).map(codeOf), c.remaining ?? [], 'the fix leaves no other TLS diagnostic on the file');
}

describe('quick-fixes', () => {
  before(prepareSeeds);
  // Every case edits a copy of its own, so no later test sees its edits.
  afterEach(resetEditors);

  for (const c of CASES) it(c.name, () => checkQuickFix(c));

  it('offers no "fix all" action while no diagnostic carries a fix', async () => {
    const { doc } = await openAnalyzed('broken/nginx/several-errors.conf');
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    assert.deepEqual((await codeActionsAt(doc.uri, whole, FIX_ALL_KIND)).map((a) => a.title), []);
  });

  describe('fix all on save (editor.codeActionsOnSave)', () => {
    const original = (): string => diskText(wsUri(SEEDS.fixAll));
    let restore: string | undefined;

    before(async () => {
      restore = original();
      await vscode.workspace.getConfiguration('editor', { languageId: 'nginx' })
        .update('codeActionsOnSave', { 'source.fixAll.nginxTls': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
    });

    after(async () => {
      await vscode.workspace.getConfiguration('editor', { languageId: 'nginx' })
        .update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
      if (restore !== undefined) fs.writeFileSync(wsUri(SEEDS.fixAll).fsPath, restore);
    });

    it('applies every fix of the file when the user saves, and the diagnostics go away', async () => {
      const { doc, diagnostics } = await openAnalyzed(SEEDS.fixAll);
      assert.deepEqual(summarize(diagnostics).map((d) => `${d.code} ${d.range}`).sort(), ['must-staple-cold-start 11:25-11:52', 'must-staple-without-stapling 11:25-11:52', 'stapling-without-resolver 22:9-22:24']);
      const whole = new vscode.Range(0, 0, doc.lineCount, 0);
      assert.deepEqual((await codeActionsAt(doc.uri, whole, FIX_ALL_KIND)).map((a) => a.title), ['Fix all nginx TLS problems (2)']);
      // Dirty, with the text unchanged: a save is then what changes it.
      const text = doc.getText();
      await insertAt(doc, 0, ' ');
      await deleteAt(doc, 0, 1);
      assert.equal(doc.isDirty, true);
      assert.equal(doc.getText(), text);
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.save');
      const expected = diskText(wsUri(expectedOf(SEEDS.fixAll)));
      assert.equal(doc.getText(), expected);
      assert.equal(doc.isDirty, false);
      assert.equal(diskText(doc.uri), expected);
      // What remains is the lazily fetched staple of the Must-Staple server (its own warning, there before the fixes too).
      const after = await waitForDiagnostics(doc.uri, (d) => tlsOnly(d).every((x) => codeOf(x) === 'must-staple-cold-start'));
      assert.deepEqual(summarize(after).map((d) => d.code), ['must-staple-cold-start']);
    });

    it('one save applies the fixes that become possible only after others, and the next save changes nothing', async () => {
      const { map } = freshSeedCopy(SEEDS.fixRounds);
      const { doc, diagnostics } = await openAnalyzed(map(SEEDS.fixRounds));
      assert.deepEqual(summarize(diagnostics).map((d) => `${d.code} ${d.range}`), ['session-settings-from-default-server 23:9-23:48', 'session-settings-from-default-server 32:9-32:38', 'session-settings-from-default-server 33:9-33:48']);
      const whole = new vscode.Range(0, 0, doc.lineCount, 0);
      // One fix now (b.test's), one more once it is in (c.test's).
      assert.deepEqual((await codeActionsAt(doc.uri, whole, FIX_ALL_KIND)).map((a) => a.title), ['Fix all nginx TLS problems (2)']);
      const text = doc.getText();
      await insertAt(doc, 0, ' ');
      await deleteAt(doc, 0, 1);
      assert.equal(doc.getText(), text);
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.save');
      const expected = diskText(wsUri(map(expectedOf(SEEDS.fixRounds))));
      assert.equal(doc.getText(), expected);
      assert.equal(diskText(doc.uri), expected);
      const after = await waitForDiagnostics(doc.uri, (d) => tlsOnly(d).length === 0);
      assert.deepEqual(summarize(after), []);
      assert.deepEqual((await codeActionsAt(doc.uri, whole, FIX_ALL_KIND)).map((a) => a.title), []);
    });
  });
});
