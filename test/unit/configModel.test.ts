import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { walkConfig } from '../../server/src/service/model/configTree';
import { loadConfig, inferRootContext } from '../../server/src/service/model/loadConfig';
import { loadConfigFor } from '../../server/src/service/model/locateMainConfig';
import { ParseCache } from '../../server/src/service/model/parseCache';
import { parseConfig } from '../../server/src/service/parser/parseConfig';
import { analyzeFile } from '../../server/src/service/analyzeFile';

/** Writes a tree of files into a fresh temp dir and returns its path. */
function tree(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-model-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

function order(main: string): string[] {
  const t = loadConfig(main, { host: createNodeHost() });
  const names: string[] = [];
  walkConfig(t, (d) => {
    if (d.name === 'marker') names.push(d.args[0].value);
  });
  return names;
}

test('includes resolve against the main config directory, not the including file', (t) => {
  const dir = tree({
    'nginx.conf': 'http { include conf.d/site.conf; }',
    'conf.d/site.conf': 'include snippets/a.conf;',
    'snippets/a.conf': 'marker from-prefix;',
    'conf.d/snippets/a.conf': 'marker from-including-dir;',
  });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(order(path.join(dir, 'nginx.conf')), ['from-prefix']);
});

test('globs expand in sorted order, skip dotfiles, and may match nothing', (t) => {
  const dir = tree({
    'nginx.conf': 'http { include sites/*.conf; include none/*.conf; }',
    'sites/b.conf': 'marker b;',
    'sites/a.conf': 'marker a;',
    'sites/C.conf': 'marker C;',
    'sites/.hidden.conf': 'marker hidden;',
    'sites/x.txt': 'marker txt;',
  });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const main = path.join(dir, 'nginx.conf');
  assert.deepEqual(order(main), ['C', 'a', 'b']);
  assert.deepEqual(loadConfig(main, { host: createNodeHost() }).diagnostics, []);
});

test('a missing plain include is an error on its path; a cycle is reported once', (t) => {
  const dir = tree({
    'nginx.conf': 'http {\n  include missing.conf;\n  include a.conf;\n}\n',
    'a.conf': 'include b.conf;',
    'b.conf': 'include a.conf;',
  });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const main = path.join(dir, 'nginx.conf');
  const diags = loadConfig(main, { host: createNodeHost() }).diagnostics;
  const missing = diags.find((d) => d.code === 'include-not-found');
  assert.ok(missing);
  assert.equal(missing.severity, 'error');
  assert.equal(fs.readFileSync(main, 'utf8').slice(missing.start, missing.end), 'missing.conf');
  const cycles = diags.filter((d) => d.code === 'include-cycle');
  assert.equal(cycles.length, 1);
  assert.match(cycles[0].message, /a\.conf → b\.conf → a\.conf/);
});

test('a quoted "include" is followed too: nginx matches the name whether quoted or not', (t) => {
  const dir = tree({ 'nginx.conf': 'http { "include" site.conf; }', 'site.conf': 'marker quoted;' });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(order(path.join(dir, 'nginx.conf')), ['quoted']);
});

test('each file is parsed once per version, even when included twice', (t) => {
  const dir = tree({ 'nginx.conf': 'http { server { include s.conf; } server { include s.conf; } }', 's.conf': 'marker s;' });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cache = new ParseCache();
  const main = path.join(dir, 'nginx.conf');
  const first = loadConfig(main, { host: createNodeHost(), cache });
  assert.deepEqual(order(main), ['s', 's']);
  const second = loadConfig(main, { host: createNodeHost(), cache });
  assert.equal(first.files.get(path.join(dir, 's.conf')), second.files.get(path.join(dir, 's.conf')));
});

test('binary, oversized, unreadable-as-directory and invalid UTF-8 files: one clear diagnostic, no throw', (t) => {
  const dir = tree({
    'nginx.conf': 'http { include bin.conf; include big.conf; include dir; include latin1.conf; }',
    'bin.conf': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]),
    'big.conf': 'marker big;\n'.repeat(2000),
    'dir/x': '',
    'latin1.conf': Buffer.from('marker caf\xe9;\n', 'latin1'),
  });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const loaded = loadConfig(path.join(dir, 'nginx.conf'), { host: createNodeHost({ maxFileSize: 4096 }) });
  const codes = loaded.diagnostics.map((d) => d.code).sort();
  assert.deepEqual(codes, ['binary-file', 'file-too-large', 'file-unreadable']);
  assert.ok(loaded.diagnostics.every((d) => d.message.includes(dir)));
  const latin = loaded.files.get(path.join(dir, 'latin1.conf'));
  assert.equal(latin?.directives[0].args[0].value, 'caf\ufffd');
});

test('the main config of an opened file: the nearest nginx.conf that includes it, else the file alone', (t) => {
  const dir = tree({
    'etc/nginx/nginx.conf': 'http { include sites-enabled/*; }',
    'etc/nginx/sites-enabled/shop': 'server { listen 80; include snippets/x.conf; }',
    'etc/nginx/snippets/x.conf': 'marker x;',
    'etc/nginx/sites-available/old': 'server { listen 80; include snippets/x.conf; include snippets/gone.conf; }',
  });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = createNodeHost();
  const nginxDir = path.join(dir, 'etc/nginx');
  const enabled = loadConfigFor(path.join(nginxDir, 'sites-enabled/shop'), { host });
  assert.equal(enabled.mainFile, path.join(nginxDir, 'nginx.conf'));
  const alone = loadConfigFor(path.join(nginxDir, 'sites-available/old'), { host });
  assert.equal(alone.mainFile, path.join(nginxDir, 'sites-available/old'));
  assert.deepEqual(alone.rootContext, ['http']);
  assert.equal(alone.prefix, nginxDir, 'relative includes of a lone site file resolve like the nginx.conf beside it');
  const missing = alone.diagnostics.filter((d) => d.code === 'include-not-found');
  assert.equal(missing.length, 1);
  assert.equal(missing[0].severity, 'warning', 'the prefix is a guess for a file nothing includes');
  const explicit = loadConfigFor(path.join(nginxDir, 'sites-enabled/shop'), { host, mainConfig: path.join(nginxDir, 'nginx.conf') });
  assert.equal(explicit.mainFile, path.join(nginxDir, 'nginx.conf'));
});

test('a site opened where it lives (sites-available) is analysed in the tree that includes it through a link (sites-enabled)', (t) => {
  const site = (name: string, tickets: string): string =>
    `server {\n    listen 443 ssl${name === 'a' ? ' default_server' : ''};\n    server_name ${name}.test;\n    ssl_certificate /nonexistent/${name}.crt;\n    ssl_certificate_key /nonexistent/${name}.key;\n    ssl_session_tickets ${tickets};\n    ssl_stapling on;\n}\n`;
  const dir = tree({
    'etc/nginx/nginx.conf': 'events {}\nhttp {\n    resolver 127.0.0.53 valid=300s;\n    resolver_timeout 5s;\n    include sites-enabled/*;\n}\n',
    'etc/nginx/sites-available/a': site('a', 'on'),
    'etc/nginx/sites-available/b': site('b', 'off'),
    'etc/nginx/sites-available/c': site('c', 'off'),
    'etc/nginx/sites-available/elsewhere/b': site('b', 'off'),
  });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const nginxDir = path.join(dir, 'etc/nginx');
  fs.mkdirSync(path.join(nginxDir, 'sites-enabled'));
  fs.symlinkSync('../sites-available/a', path.join(nginxDir, 'sites-enabled/a'));
  fs.symlinkSync('../sites-available/b', path.join(nginxDir, 'sites-enabled/b'));
  const opened = path.join(nginxDir, 'sites-available/b');
  // The certificates do not exist: certificate-unreadable is beside the point here.
  const relevant = (diagnostics: { code: string }[]): string[] => diagnostics.map((d) => d.code).filter((c) => c !== 'certificate-unreadable');
  const codes = (file: string, host = createNodeHost()): string[] => relevant(analyzeFile(file, { host, settings: {} }).diagnostics);

  const result = analyzeFile(opened, { host: createNodeHost(), settings: {} });
  assert.equal(result.tree.mainFile, path.join(nginxDir, 'nginx.conf'), 'found through the link');
  assert.ok(result.tree.files.has(opened), 'named as opened, so that editor features find the document in the tree');
  assert.ok(!result.tree.files.has(path.join(nginxDir, 'sites-enabled/b')));
  assert.deepEqual(relevant(result.diagnostics), ['session-tickets-mismatch'], 'the default server is seen, and the resolver of http {}');
  assert.ok(result.diagnostics.every((d) => d.file === opened));
  assert.deepEqual(codes(path.join(nginxDir, 'sites-enabled/b')), ['session-tickets-mismatch'], 'the link itself, as before');

  // Unsaved contents of the opened document are what the tree reads.
  const edited = createNodeHost({ overlay: (f) => (f === opened ? { text: site('b', 'on'), version: 2 } : undefined) });
  assert.deepEqual(codes(opened, edited), []);

  // Near misses: a site that no link enables, and a file of the same name elsewhere, stay alone.
  assert.deepEqual(codes(path.join(nginxDir, 'sites-available/c')), ['stapling-without-resolver']);
  assert.equal(analyzeFile(path.join(nginxDir, 'sites-available/elsewhere/b'), { host: createNodeHost(), settings: {} }).tree.mainFile, path.join(nginxDir, 'sites-available/elsewhere/b'));
});

test('unsaved editor contents win over the disk for included files', (t) => {
  const dir = tree({ 'nginx.conf': 'http { include site.conf; }', 'site.conf': 'marker disk;' });
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const site = path.join(dir, 'site.conf');
  const host = createNodeHost({ overlay: (f) => (f === site ? { text: 'marker editor', version: 3 } : undefined) });
  const result = analyzeFile(site, { host, settings: {} });
  assert.deepEqual(result.diagnostics.filter((d) => d.code === 'syntax-error').map((d) => d.message), ['unexpected end of file, expecting ";" or "}" after "marker editor"']);
});

test('the context a lone file implies', () => {
  const ctx = (text: string, file = '/x/site.conf'): string[] => inferRootContext(parseConfig(text, file));
  assert.deepEqual(ctx('events {} http {}'), []);
  assert.deepEqual(ctx('server { listen 443 ssl; }'), ['http']);
  assert.deepEqual(ctx('location / { }'), ['http', 'server']);
  assert.deepEqual(ctx('server 10.0.0.1:8080; server 10.0.0.2:8080;'), ['http', 'upstream']);
  assert.deepEqual(ctx('ssl_protocols TLSv1.2;'), ['http']);
  assert.deepEqual(ctx('server { listen 53 udp; }', '/etc/nginx/stream.d/dns.conf'), ['stream']);
});

test('includes that expand past a million directives are reported once, and the near miss below it is not', (t) => {
  // Each file includes the next twice: file k expands to 3·2^(n-k) - 2 directives, nginx.conf to about 3·2^n.
  const chain = (n: number): Record<string, string> => {
    const files: Record<string, string> = { 'nginx.conf': 'events {}\nhttp {\n  include f0.conf;\n}\n', [`f${n}.conf`]: 'marker last;\n' };
    for (let k = 0; k < n; k++) files[`f${k}.conf`] = `include f${k + 1}.conf;\ninclude f${k + 1}.conf;\n`;
    return files;
  };
  for (const [n, reported] of [[18, false], [19, true]] as const) {
    const dir = tree(chain(n));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const loaded = loadConfig(path.join(dir, 'nginx.conf'), { host: createNodeHost() });
    const limit = loaded.diagnostics.filter((d) => /expand to more than 1,000,000 directives/.test(d.message));
    assert.equal(limit.length, reported ? 1 : 0, `${n} levels: ${JSON.stringify(limit)}`);
    assert.equal(loaded.expansionLimited ?? false, reported);
    assert.equal(loaded.files.size, n + 2);
  }
});
