import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeOf, DEFAULT_TIMEOUT_MS, insertAt, lastOffsetOf, openAnalyzed, rangeText, resetEditors, setWorkspaceSettings, workspaceRoot } from './helpers';

const NGINX = '/usr/sbin/nginx';
let projects = 0;

/** A fresh main config and site under the workspace (nginx -t binds the site's unix socket there, no TCP port). */
function freshProject(): { site: string } {
  const name = `nginx-t-${++projects}`;
  const dir = path.join(workspaceRoot(), name);
  fs.mkdirSync(path.join(dir, 'conf.d'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `events {}\nhttp {\n    access_log off;\n    error_log ${dir}/error.log;\n    include conf.d/*.conf;\n}\n`);
  fs.writeFileSync(path.join(dir, 'conf.d', 'site.conf'), `server {\n    listen unix:${dir}/s.sock;\n    server_name a.test;\n}\n`);
  return { site: path.join(name, 'conf.d', 'site.conf') };
}

/** The findings nginx -t gave for a URI. */
function nginxT(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nginx -t');
}

/** Resolves with nginx -t's findings on `uri` once `predicate` holds, checking now and on each diagnostics change. */
function waitForNginxT(uri: vscode.Uri, predicate: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      if (!predicate(nginxT(uri))) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(nginxT(uri));
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => { if (e.uris.some((u) => u.toString() === uri.toString())) check(); });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`nginx -t findings on ${uri.fsPath} not as expected within ${DEFAULT_TIMEOUT_MS} ms: ${JSON.stringify(nginxT(uri).map((d) => `${rangeText(d.range)} ${d.message}`))}`));
    }, DEFAULT_TIMEOUT_MS);
    check();
  });
}

describe('nginx -t on save (nginxTls.nginxTest)', () => {
  before(function () {
    if (!fs.existsSync(NGINX)) this.skip();
  });
  afterEach(async () => {
    await resetEditors();
    await setWorkspaceSettings('nginxTls', { nginxTest: undefined, nginxTestCommand: undefined });
  });

  it('shows the real nginx error on the line it names after a save, and drops it after the next save', async () => {
    await setWorkspaceSettings('nginxTls', { nginxTest: 'onSave', nginxTestCommand: [NGINX] });
    const { site } = freshProject();
    const { doc } = await openAnalyzed(site);
    await insertAt(doc, lastOffsetOf(doc, '}'), '    foo_bar 1;\n');
    assert.ok(await doc.save(), 'saved');
    const [found, ...more] = await waitForNginxT(doc.uri, (d) => d.length > 0);
    assert.deepEqual(more, []);
    assert.deepEqual([codeOf(found), rangeText(found.range), vscode.DiagnosticSeverity[found.severity], found.message],
      ['nginx-t', '4:5-4:15', 'Error', 'unknown directive "foo_bar"']);
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, doc.lineAt(3).rangeIncludingLineBreak);
    assert.ok(await vscode.workspace.applyEdit(edit), 'line removed');
    assert.ok(await doc.save(), 'saved again');
    await waitForNginxT(doc.uri, (d) => d.length === 0);
  });
});
