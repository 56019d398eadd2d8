import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extension, foundation, openAnalyzed, resetEditors, summarize, wsUri } from './helpers';

describe('activation and language association', () => {
  afterEach(resetEditors);

  it(`loads ${EXTENSION_ID} in the extension host`, () => {
    assert.equal(extension().packageJSON.name, 'nginx-tls');
  });

  it('activates on a site file in sites-enabled/ and analyses it', async () => {
    const { doc, diagnostics } = await openAnalyzed('etc/nginx/sites-enabled/example.conf');
    assert.equal(doc.languageId, 'nginx');
    assert.equal(extension().isActive, true);
    assert.deepEqual(summarize(foundation(diagnostics)), []);
  });

  it('treats nginx.conf as nginx and analyses it', async () => {
    const { doc, diagnostics } = await openAnalyzed('etc/nginx/nginx.conf');
    assert.equal(doc.languageId, 'nginx');
    assert.equal(extension().isActive, true);
    assert.deepEqual(summarize(foundation(diagnostics)), []);
  });

  it('leaves an unrelated foo/app.conf alone', async () => {
    const doc = await vscode.workspace.openTextDocument(wsUri('foo/app.conf'));
    await vscode.window.showTextDocument(doc);
    assert.notEqual(doc.languageId, 'nginx', `foo/app.conf opened as ${doc.languageId}`);
  });
});
