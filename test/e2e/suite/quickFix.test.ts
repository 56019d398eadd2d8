import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  applyFirstQuickFix, codeActionsAt, codeOf, diskText, FIX_ALL_KIND, hasCode, openAnalyzed, quickFixesAt, resetEditors, waitForDiagnostics, wsUri,
} from './helpers';

/**
 * One quick-fix expectation: the fixture to open, the diagnostic code to act on, and the workspace file holding the
 * expected text after the first quick-fix (absent: the provider must offer no quick-fix).
 */
interface QuickFixCase {
  name: string;
  file: string;
  code: string;
  fixed?: string;
}

/** Add a rule's quick-fix test here: a fixture, the code, and the expected result file. */
const CASES: QuickFixCase[] = [
  { name: 'offers no quick-fix for a syntax error', file: 'broken/nginx/missing-semicolon.conf', code: 'syntax-error' },
];

/** Opens the case's fixture, applies the first quick-fix on its diagnostic and checks the outcome. */
async function checkQuickFix(c: QuickFixCase): Promise<void> {
  const { doc } = await openAnalyzed(c.file);
  const withCode = (diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] => diagnostics.filter((d) => codeOf(d) === c.code);
  const found = withCode(await waitForDiagnostics(doc.uri, hasCode(c.code)));
  const target = found[0];
  const before = doc.getText();
  if (c.fixed === undefined) {
    assert.deepEqual((await quickFixesAt(doc.uri, target.range)).map((a) => a.title), []);
    assert.equal(await applyFirstQuickFix(doc.uri, target.range), undefined);
    assert.equal(doc.getText(), before);
    return;
  }
  const title = await applyFirstQuickFix(doc.uri, target.range);
  assert.ok(title, `a quick-fix is offered for ${c.code}`);
  assert.equal(doc.getText(), diskText(wsUri(c.fixed)));
  await waitForDiagnostics(doc.uri, (d) => withCode(d).length < found.length);
}

describe('quick-fixes', () => {
  afterEach(resetEditors);

  for (const c of CASES) it(c.name, () => checkQuickFix(c));

  it('offers no "fix all" action while no diagnostic carries a fix', async () => {
    const { doc } = await openAnalyzed('broken/nginx/several-errors.conf');
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    assert.deepEqual((await codeActionsAt(doc.uri, whole, FIX_ALL_KIND)).map((a) => a.title), []);
  });
});
