import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allCodes, analyzeTree, createNodeHost, docsPathOf, loadConfig, sortAndDedupe, type ConfigDiagnostic } from '../../server/src/service';

const ROOT = path.join(__dirname, '..', '..');

function treeOf(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-report-'));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), text);
  return { tree: loadConfig(path.join(dir, 'nginx.conf'), { host: createNodeHost() }), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('a severity setting reaches problems found while loading the tree', () => {
  const { tree, done } = treeOf('events {}\nhttp {\n    include a b;\n}\n');
  try {
    assert.deepEqual(analyzeTree(tree).map((d) => d.code), ['invalid-argument-count']);
    assert.deepEqual(analyzeTree(tree, { severities: { 'invalid-argument-count': 'off' } }), []);
    assert.deepEqual(analyzeTree(tree, { severities: { 'invalid-argument-count': 'hint' } }).map((d) => d.severity), ['hint']);
  } finally {
    done();
  }
});

test('a severity setting reaches syntax errors and the block structure check alike', () => {
  const { tree, done } = treeOf('events {}\nhttp {\n    server {\n');
  try {
    assert.ok(analyzeTree(tree).some((d) => d.code === 'syntax-error'));
    assert.deepEqual(analyzeTree(tree, { severities: { 'syntax-error': 'off' } }).filter((d) => d.code === 'syntax-error'), []);
  } finally {
    done();
  }
});

test('every registered code with a docs page has that page', () => {
  const missing = [...allCodes().values()].filter((c) => c.docsPath !== undefined && !fs.existsSync(path.join(ROOT, c.docsPath))).map((c) => c.id);
  assert.deepEqual(missing, []);
  assert.equal(docsPathOf('stapling-missing'), 'docs/rules/stapling-missing.md');
  assert.equal(docsPathOf('unknown-directive'), 'docs/directives.md');
});

test('every code the service emits is registered', () => {
  const emitted = new Set<string>();
  for (const file of walk(path.join(ROOT, 'server', 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:code|id): '([a-z0-9-]+)'/g)) emitted.add(m[1]);
  }
  const unregistered = [...emitted].filter((code) => !allCodes().has(code));
  assert.deepEqual(unregistered, []);
});

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

test('sortAndDedupe drops exact repeats (a file included twice), keeps the first, and orders by file, place and severity', () => {
  const at = (file: string, start: number, end: number, code: string, message: string, severity: ConfigDiagnostic['severity'] = 'warning'): ConfigDiagnostic =>
    ({ file, start, end, code, message, severity, fixes: [], related: [] });
  const first = at('/b.conf', 5, 9, 'x', 'same');
  const input = [
    first,
    at('/a.conf', 7, 8, 'x', 'same'),
    at('/b.conf', 5, 9, 'x', 'same', 'error'), // a repeat but for its severity: dropped, the first is kept
    at('/b.conf', 5, 9, 'x', 'other'),
    at('/b.conf', 5, 10, 'x', 'same'),
    at('/b.conf', 5, 9, 'y', 'same', 'error'),
    at('/b.conf', 1, 2, 'x', 'same'),
    at('/a.conf', 7, 8, 'x', 'same'),
  ];
  const out = sortAndDedupe(input);
  assert.deepEqual(out.map((d) => `${d.file}:${d.start}-${d.end} ${d.code} ${d.message} ${d.severity}`), [
    '/a.conf:7-8 x same warning',
    '/b.conf:1-2 x same warning',
    '/b.conf:5-9 y same error',
    '/b.conf:5-9 x same warning',
    '/b.conf:5-9 x other warning',
    '/b.conf:5-10 x same warning',
  ]);
  assert.equal(out[3], first);
});
