import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_TIMEOUT_MS, diskText, openAnalyzed, repoRoot, resetEditors, workspaceRoot } from './helpers';

/** The formatter's fixtures, shared with the unit tests: X.conf formats to X.formatted.conf (4 spaces). */
function formatFixture(name: string): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'format', name);
}

let copies = 0;

/** A fresh copy of a formatter fixture in the workspace, named so the extension treats it as nginx. */
function freshCopy(fixture: string): string {
  const relative = path.join('format', `${path.basename(fixture, '.conf')}-${++copies}.nginx`);
  const file = path.join(workspaceRoot(), relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(formatFixture(fixture), file);
  return relative;
}

/** Resolves once the document's text is `expected`, checking now and on each change; rejects after the deadline. */
function waitForText(doc: vscode.TextDocument, expected: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (result: () => void): void => {
      clearTimeout(timer);
      subscription.dispose();
      result();
    };
    const subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && doc.getText() === expected) finish(resolve);
    });
    const timer = setTimeout(() => finish(() => reject(new Error(`text not formatted within ${timeoutMs} ms; now:\n${doc.getText()}`))), timeoutMs);
    if (doc.getText() === expected) finish(resolve);
  });
}

/** Resolves when the document has been saved. */
function nextSave(doc: vscode.TextDocument, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscription = vscode.workspace.onDidSaveTextDocument((saved) => {
      if (saved === doc) {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`${doc.uri.fsPath} not saved within ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

/** Opens a fresh copy of a fixture with four-space indentation set on its editor (no detection from the content). */
async function openFormattable(fixture: string): Promise<vscode.TextDocument> {
  const { doc } = await openAnalyzed(freshCopy(fixture));
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor && editor.document === doc, 'the copy is in the active editor');
  editor.options = { tabSize: 4, insertSpaces: true };
  return doc;
}

describe('format', () => {
  afterEach(resetEditors);

  it('"Format Document" gives the expected text, comments and quoted strings untouched', async () => {
    const doc = await openFormattable('messy.conf');
    const expected = fs.readFileSync(formatFixture('messy.formatted.conf'), 'utf8');
    await vscode.commands.executeCommand('editor.action.formatDocument');
    await waitForText(doc, expected);
    assert.equal(doc.isDirty, true);
  });

  it('"Format Document" keeps certbot\'s "} # managed by Certbot" on its line', async () => {
    const doc = await openFormattable('certbot-managed.conf');
    await vscode.commands.executeCommand('editor.action.formatDocument');
    await waitForText(doc, fs.readFileSync(formatFixture('certbot-managed.formatted.conf'), 'utf8'));
  });

  it('formats on save when editor.formatOnSave is on', async () => {
    const settings = vscode.workspace.getConfiguration('editor', { languageId: 'nginx' });
    await settings.update('formatOnSave', true, vscode.ConfigurationTarget.Workspace, true);
    try {
      const doc = await openFormattable('json-log-format.conf');
      const saved = nextSave(doc);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(0, 0), '# saved\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      // Saved as the user saves (the command runs the save participants, format on save among them).
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.save');
      await saved;
      const expected = `# saved\n${fs.readFileSync(formatFixture('json-log-format.formatted.conf'), 'utf8')}`;
      assert.equal(diskText(doc.uri), expected);
    } finally {
      await settings.update('formatOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
    }
  });
});
