// "Open nginx -T Dump" in the server: the files of a dump as nginx-dump: documents, analysed in
// the dump's tree (its paths, not this machine's), with links between them and no fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentLinks, documentSymbols } from '../../server/src/service';
import { DumpDocuments } from '../../server/src/lsp/dumpDocuments';

const DUMP = [
  'nginx: the configuration file /srv/dumped/nginx.conf syntax is ok',
  'nginx: configuration file /srv/dumped/nginx.conf test is successful',
  '# configuration file /srv/dumped/nginx.conf:',
  'events {}',
  'http {',
  '    include "/srv/dumped/sites enabled/*.conf";',
  '}',
  '',
  '# configuration file /srv/dumped/sites enabled/shop.conf:',
  'server {',
  '    listen 443 ssl;',
  '    server_name shop.test;',
  '    ssl on;',
  '}',
  '',
  '',
].join('\n');

test('a dump opens as nginx-dump: documents, each analysed in the dump\'s tree, without fixes', () => {
  const dumps = new DumpDocuments(() => 8 * 1024 * 1024);
  const opened = dumps.open({ text: DUMP });
  assert.ok(!('error' in opened));
  const [main, site] = opened.files;
  assert.match(opened.mainUri, /^nginx-dump:\/[0-9a-f]{12}\/srv\/dumped\/nginx\.conf$/);
  assert.equal(main.uri, opened.mainUri);
  assert.match(site.uri, /^nginx-dump:\/[0-9a-f]{12}\/srv\/dumped\/sites%20enabled\/shop\.conf$/);
  assert.equal(site.text, 'server {\n    listen 443 ssl;\n    server_name shop.test;\n    ssl on;\n}\n');
  assert.deepEqual(dumps.open({ text: DUMP }), opened, 'the same dump is one');

  const diagnostics = dumps.diagnostics(site.uri, { nginxVersion: '1.25.1', readCertificates: false }, () => undefined) ?? [];
  const removed = diagnostics.find((d) => d.code === 'directive-removed');
  assert.deepEqual(removed?.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 10 } });
  assert.ok(diagnostics.every((d) => (d.data as { fixes: unknown[] }).fixes.length === 0), 'read-only documents get no fixes');
  assert.ok(diagnostics.some((d) => d.code === 'certificate-missing'), 'the site is analysed as part of the dumped http block');
  // A VS Code-encoded URI of the same file is the same document.
  assert.deepEqual(dumps.diagnostics(site.uri.replace('nginx-dump:/', 'nginx-dump:///'), { nginxVersion: '1.25.1', readCertificates: false }, () => undefined), diagnostics);
  assert.equal(dumps.diagnostics('nginx-dump:/000000000000/srv/dumped/nginx.conf', {}, () => undefined), undefined);

  const at = dumps.currentTree(main.uri);
  assert.ok(at);
  const links = documentLinks(at.tree, at.file, at.host).map((l) => at.uriOf!(l.target));
  assert.deepEqual(links, [site.uri]);
  assert.deepEqual(documentSymbols(at.tree.files.get(at.file)!).map((s) => s.name), ['events', 'http']);
});

test('a text that is not a dump is refused with the dump parser\'s message', () => {
  const result = new DumpDocuments(() => 1024).open({ text: 'events {}\n' });
  assert.ok('error' in result && /no "# configuration file PATH:" line/.test(result.error));
});
