import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ConfigHost } from '../../server/src/service/model/configHost';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import type { ConfigTree } from '../../server/src/service/model/configTree';
import { completeAt, definitionAt, documentLinks, documentSymbols, hoverAt, workspaceSymbols } from '../../server/src/service/features';
import { createMemoryHost } from '../support/memoryHost';

interface Memory { tree: ConfigTree; host: ConfigHost; reads: string[] }

/** A tree over in-memory files; `reads` records every file the service opened. */
function memory(files: Record<string, string>, main = '/etc/nginx/nginx.conf', rootContext?: string[]): Memory {
  const reads: string[] = [];
  const host = createMemoryHost(files, (f) => reads.push(f));
  return { tree: loadConfig(main, { host, rootContext }), host, reads };
}

const MAIN = [
  'events {}',
  'http {',
  '    ssl_stapling on;',
  '    resolver 127.0.0.1;',
  '    include sites/*.conf;',
  '    upstream backend { server 127.0.0.1:8080; }',
  '}',
  '',
].join('\n');
const SITE_A = [
  'server {',
  '    listen 443 ssl;',
  '    server_name a.example www.a.example;',
  '    ssl_certificate certs/a.pem;',
  '    ssl_certificate_key certs/a.key;',
  '    ssl_stapling off;',
  '    location / { proxy_pass http://backend/; }',
  '    location ~ \\.php$ { }',
  '}',
  '',
].join('\n');
const SITE_B = 'server {\n    listen 8443 ssl;\n    ssl_certificate /abs/b.pem;\n    resolver 10.0.0.1;\n}\n';
const FILES = {
  '/etc/nginx/nginx.conf': MAIN,
  '/etc/nginx/sites/a.conf': SITE_A,
  '/etc/nginx/sites/b.conf': SITE_B,
  '/etc/nginx/certs/a.pem': 'PEM',
  '/etc/nginx/certs/a.key': 'SECRET',
};
const A = '/etc/nginx/sites/a.conf';
const B = '/etc/nginx/sites/b.conf';

test('hover on a directive: signature, contexts, description, documentation link', () => {
  const { tree } = memory(FILES);
  const offset = SITE_A.indexOf('listen') + 2;
  const h = hoverAt(tree, A, offset)!;
  assert.equal(h.start, SITE_A.indexOf('listen'));
  assert.match(h.markdown, /listen value \.\.\.;/);
  assert.match(h.markdown, /\*\*Context:\*\* server/);
  assert.match(h.markdown, /Opens a socket/);
  assert.match(h.markdown, /\(https:\/\/nginx\.org\/en\/docs\/http\/ngx_http_core_module\.html#listen\)/);
  assert.equal(hoverAt(tree, A, SITE_A.indexOf('443')), undefined, 'no hover on arguments');
});

test('hover on a TLS directive shows the value in effect: own, or inherited from http with its file', () => {
  const { tree } = memory(FILES);
  const own = hoverAt(tree, A, SITE_A.indexOf('ssl_stapling'))!;
  assert.match(own.markdown, /In effect for this server\*\* \(set in this server\): `off` \(sites\/a\.conf:6\)/);
  const resolverInB = hoverAt(tree, B, SITE_B.indexOf('resolver'))!;
  assert.match(resolverInB.markdown, /`10\.0\.0\.1` \(sites\/b\.conf:4\)/);
  const atHttp = hoverAt(tree, '/etc/nginx/nginx.conf', MAIN.indexOf('ssl_stapling'))!;
  assert.match(atHttp.markdown, /Overridden by\*\* 1 server\(s\): `a\.example`/);
  const resolverAtHttp = hoverAt(tree, '/etc/nginx/nginx.conf', MAIN.indexOf('resolver'))!;
  assert.match(resolverAtHttp.markdown, /Overridden by\*\* 1 server/);
});

test('hover shows what a server inherits from http, and what its own value overrides', () => {
  const { tree } = memory(FILES);
  const summary = hoverAt(tree, B, 1)!;
  assert.match(summary.markdown, /`ssl_stapling`: `on` — inherited from `http` \(nginx\.conf:3\)/);
  assert.match(summary.markdown, /`resolver`: `10\.0\.0\.1` — own \(sites\/b\.conf:4\)/);
  assert.match(summary.markdown, /`ssl_protocols`: not set \(default\)/);
  const own = hoverAt(tree, A, SITE_A.indexOf('ssl_stapling'))!;
  assert.match(own.markdown, /it overrides `on` from `http` \(nginx\.conf:3\)/);
});

test('completion of directive names valid in the context', () => {
  const text = 'events {}\nhttp {\n    server {\n        ssl_sta\n        listen 443;\n        location / {\n            \n        }\n    }\n}\n';
  const { tree } = memory({ '/etc/nginx/nginx.conf': text });
  const inServer = completeAt(tree, '/etc/nginx/nginx.conf', text.indexOf('ssl_sta') + 7);
  const labels = inServer.items.map((i) => i.label);
  assert.equal(inServer.start, text.indexOf('ssl_sta'));
  assert.ok(labels.includes('ssl_stapling') && labels.includes('listen'));
  assert.ok(!labels.includes('worker_processes') && !labels.includes('proxy_cache_path'));
  assert.ok(inServer.items.some((i) => i.kind === 'snippet' && i.insertText.includes('resolver_timeout')));
  const inLocation = completeAt(tree, '/etc/nginx/nginx.conf', text.indexOf('{\n            \n') + 14).items.map((i) => i.label);
  assert.ok(inLocation.includes('proxy_pass') && !inLocation.includes('ssl_stapling') && !inLocation.includes('listen'));
});

test('completion of enumerated argument values', () => {
  const text = 'http {\n    server {\n        ssl_session_tickets \n        ssl_protocols TLSv1.2 \n        ssl_verify_client o\n        listen 443 \n    }\n}\n';
  const { tree } = memory({ '/etc/nginx/nginx.conf': text });
  const at = (needle: string) => completeAt(tree, '/etc/nginx/nginx.conf', text.indexOf(needle) + needle.length).items.map((i) => i.label);
  assert.deepEqual(at('ssl_session_tickets '), ['on', 'off']);
  const protocols = at('ssl_protocols TLSv1.2 ');
  assert.ok(protocols.includes('TLSv1.3') && !protocols.includes('TLSv1.2'));
  assert.deepEqual(at('ssl_verify_client o'), ['off', 'on', 'optional', 'optional_no_ca']);
  assert.ok(at('listen 443 ').includes('ssl'));
});

test('completion snippets use the configured resolvers', () => {
  const text = 'http {\n    server {\n        \n    }\n}\n';
  const { tree } = memory({ '/etc/nginx/nginx.conf': text });
  const items = completeAt(tree, '/etc/nginx/nginx.conf', text.indexOf('        \n') + 8, { resolvers: '9.9.9.9' }).items;
  const stapling = items.find((i) => i.kind === 'snippet' && i.insertText.startsWith('ssl_stapling on;'))!;
  assert.equal(stapling.isSnippet, true);
  assert.match(stapling.insertText, /resolver \$\{1:9\.9\.9\.9\} valid=300s;\nresolver_timeout \$\{2:5s\};/);
});

test('document symbols: servers named by server_name and listen, locations and upstreams, nested', () => {
  const { tree } = memory(FILES);
  const a = documentSymbols(tree.files.get(A)!);
  assert.equal(a.length, 1);
  assert.equal(a[0].name, 'server a.example www.a.example');
  assert.equal(a[0].detail, 'listen 443 ssl');
  assert.equal(a[0].start, 0);
  assert.equal(a[0].end, SITE_A.lastIndexOf('}') + 1);
  assert.deepEqual(a[0].children.map((c) => c.name), ['location /', 'location ~ \\.php$']);
  const main = documentSymbols(tree.files.get('/etc/nginx/nginx.conf')!);
  assert.deepEqual(main.map((s) => s.name), ['events', 'http']);
  assert.deepEqual(main[1].children.map((s) => `${s.kind}:${s.name}`), ['upstream:upstream backend']);
  assert.equal(documentSymbols(tree.files.get(B)!)[0].name, 'server 8443 ssl');
});

test('workspace symbols across the config tree, filtered by query', () => {
  const { tree } = memory(FILES);
  const all = workspaceSymbols([tree], '');
  assert.deepEqual(all.map((s) => `${path.basename(s.file)}:${s.name}`).sort(), [
    'a.conf:location /', 'a.conf:location ~ \\.php$', 'a.conf:server a.example www.a.example', 'b.conf:server 8443 ssl', 'nginx.conf:upstream backend',
  ]);
  assert.deepEqual(workspaceSymbols([tree], 'aexam').map((s) => s.name), ['server a.example www.a.example']);
  assert.equal(workspaceSymbols([tree], 'location /').find((s) => s.name === 'location /')?.containerName, 'server a.example www.a.example');
});

test('document links for include globs and certificate paths, resolved against the prefix; keys never read', () => {
  const { tree, host, reads } = memory(FILES);
  const before = reads.length;
  const mainLinks = documentLinks(tree, '/etc/nginx/nginx.conf', host);
  assert.equal(mainLinks.length, 1);
  assert.deepEqual(mainLinks[0].targets, [A, B]);
  assert.equal(mainLinks[0].start, MAIN.indexOf('sites/*.conf'));
  assert.match(mainLinks[0].tooltip, /2 files: sites\/a\.conf, sites\/b\.conf/);
  const aLinks = documentLinks(tree, A, host);
  assert.deepEqual(aLinks.map((l) => l.target), ['/etc/nginx/certs/a.pem', '/etc/nginx/certs/a.key']);
  assert.deepEqual(documentLinks(tree, B, host), [], 'a missing file gets no link');
  assert.deepEqual(documentLinks(tree, B).map((l) => l.target), ['/abs/b.pem'], 'without a host, paths are linked unchecked');
  assert.equal(reads.length, before, 'links never open a file');
  assert.ok(!reads.includes('/etc/nginx/certs/a.key'));
});

test('go to definition: include matches, certificate files, upstream blocks', () => {
  const { tree, host } = memory(FILES);
  assert.deepEqual(definitionAt(tree, '/etc/nginx/nginx.conf', MAIN.indexOf('sites/*.conf') + 3, host).map((t) => t.file), [A, B]);
  assert.deepEqual(definitionAt(tree, A, SITE_A.indexOf('certs/a.key') + 2, host).map((t) => t.file), ['/etc/nginx/certs/a.key']);
  const upstream = definitionAt(tree, A, SITE_A.indexOf('http://backend') + 9, host);
  assert.deepEqual(upstream.map((t) => [t.file, t.start]), [['/etc/nginx/nginx.conf', MAIN.indexOf('upstream backend')]]);
  assert.deepEqual(definitionAt(tree, A, SITE_A.indexOf('listen') + 1, host), []);
});

test('paths with variables or data: values get no link', () => {
  const text = 'http {\n server {\n  ssl_certificate $ssl_server_name.pem;\n  ssl_certificate_key data:secret;\n }\n}\n';
  const { tree, host } = memory({ '/etc/nginx/nginx.conf': text });
  assert.deepEqual(documentLinks(tree, '/etc/nginx/nginx.conf', host), []);
});
