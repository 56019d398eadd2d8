import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, hasCode, rangeText, resetEditors, waitForDiagnostics } from './helpers';

/** A dump of a server that is not this machine (its paths exist only in the dump), with the nginx -V line of its nginx. */
function dumpText(site: string): string {
  return [
    'nginx version: nginx/1.25.3',
    '# configuration file /srv/elsewhere/nginx.conf:',
    'events {}',
    'http {',
    '    include /srv/elsewhere/sites-enabled/*;',
    '}',
    '',
    `# configuration file /srv/elsewhere/sites-enabled/${site}:`,
    'server {',
    '    listen 443 ssl;',
    '    server_name shop.test;',
    '    ssl on;',
    '}',
    '',
    '',
  ].join('\n');
}

describe('Open nginx -T Dump', () => {
  afterEach(resetEditors);

  it('opens the dump, links its files, and analyses each in the dump\'s tree', async () => {
    const main = await vscode.commands.executeCommand<vscode.Uri | undefined>('nginxTls.openDump', dumpText('shop'));
    assert.ok(main, 'the dump was opened');
    assert.equal(main.scheme, 'nginx-dump');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), main.toString());

    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', main);
    const target = links.find((l) => l.target?.path.endsWith('/srv/elsewhere/sites-enabled/shop'))?.target;
    assert.ok(target, `a link to the dumped site; links: ${links.map((l) => l.target?.toString()).join(', ')}`);
    assert.equal(target.scheme, 'nginx-dump');

    const analysed = waitForDiagnostics(target, hasCode('directive-removed'));
    const site = await vscode.workspace.openTextDocument(target);
    await vscode.window.showTextDocument(site);
    const removed = (await analysed).filter((d) => codeOf(d) === 'directive-removed');
    assert.deepEqual(removed.map((d) => [rangeText(d.range), vscode.DiagnosticSeverity[d.severity]]), [['4:5-4:11', 'Error']]);

    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', main);
    assert.deepEqual(symbols.map((s) => s.name), ['events', 'http']);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', target, new vscode.Position(3, 5));
    assert.ok(hovers.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('ssl'))), 'hover on ssl');
  });
});
