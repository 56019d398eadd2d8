import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openAnalyzed, resetEditors, wsUri } from './helpers';

const SITE = 'etc/nginx/sites-enabled/example.conf';
const MAIN = 'etc/nginx/nginx.conf';

function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const offset = doc.getText().indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" is in ${doc.uri.fsPath}`);
  return doc.positionAt(offset + delta);
}

function markdownOf(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('editor features from the directive table', () => {
  afterEach(resetEditors);

  it('hover on a TLS directive shows its name and its nginx.org documentation link', async () => {
    const { doc } = await openAnalyzed(MAIN);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'ssl_protocols', 2));
    const text = markdownOf(hovers);
    assert.match(text, /ssl_protocols/);
    assert.match(text, /https:\/\/nginx\.org\/en\/docs\/http\/ngx_http_ssl_module\.html#ssl_protocols/);
  });

  it('completion offers directives valid in the context, and the stapling snippet in a server', async () => {
    const { doc } = await openAnalyzed(SITE);
    const at = positionOf(doc, '    root /var/www/example;');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('ssl_stapling'), 'ssl_stapling is valid in server');
    assert.ok(!labels.includes('worker_processes'), 'worker_processes is main-only');
    assert.ok(list.items.some((i) => i.kind === vscode.CompletionItemKind.Snippet && /stapling/i.test(typeof i.label === 'string' ? i.label : i.label.label)));
  });

  it('the outline names server blocks by server_name and listen, with their locations', async () => {
    const { doc } = await openAnalyzed(SITE);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.equal(symbols.length, 2);
    assert.match(symbols[1].name, /example\.com/);
    assert.match(`${symbols[1].name} ${symbols[1].detail}`, /443/);
    assert.ok(symbols[1].children.some((c) => /location/.test(c.name) || c.kind === vscode.SymbolKind.Method));
  });

  it('include paths are links to the files nginx reads', async () => {
    const { doc } = await openAnalyzed(SITE);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
    const targets = links.map((l) => l.target?.fsPath);
    assert.ok(targets.includes(wsUri('etc/nginx/snippets/ssl-example.conf').fsPath), JSON.stringify(targets));
  });
});
