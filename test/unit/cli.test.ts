import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleCli } from '../support/cliBundle';

let work = '';
let cli = '';

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-cli-'));
  cli = await bundleCli(work);
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

function run(args: string[], cwd = work): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

test('exit status 0 for a clean config, with a summary line', () => {
  const dir = project('clean', { 'nginx.conf': 'events {}\nhttp {\n  server { listen 80; return 204; }\n}\n' });
  const r = run(['check', path.join(dir, 'nginx.conf')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '1 file checked: 0 errors, 0 warnings\n');
});

test('text lines are file:line:col: severity code message, 1-based, relative to the working directory', () => {
  const dir = project('broken', { 'nginx.conf': 'events {}\nhttp {\n  server {\n    return 204\n  }\n}\n' });
  const r = run(['check', 'nginx.conf'], dir);
  assert.equal(r.status, 1);
  assert.equal(r.stdout.split('\n')[0], 'nginx.conf:5:3: error syntax-error unexpected "}": expected ";" after "return 204"');
});

test('JSON follows the version 1 contract with 0-based positions and absolute files', () => {
  const dir = project('json', { 'nginx.conf': 'events {}\nhttp {\n  include missing.conf;\n}\n' });
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.version, 1);
  assert.deepEqual(out.diagnostics.map((d: { code: string }) => d.code), ['include-not-found']);
  const [d] = out.diagnostics;
  assert.equal(d.file, path.join(dir, 'nginx.conf'));
  assert.deepEqual(d.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 22 } });
  assert.equal(d.severity, 'error');
  assert.deepEqual(d.fixes, []);
  assert.deepEqual(Object.keys(d).sort(), ['code', 'file', 'fixes', 'message', 'range', 'severity']);
});

test('a directory checks every nginx.conf root and the .conf files no root includes', () => {
  const dir = project('tree', {
    'nginx.conf': 'events {}\nhttp { include conf.d/*.conf; }\n',
    'conf.d/ok.conf': 'server { listen 80; }\n',
    'extra/lonely.conf': 'server { listen 80 }\n',
  });
  const r = run(['check', '--format', 'json', dir]);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.diagnostics.map((d: { file: string; code: string }) => [path.relative(dir, d.file), d.code]), [['extra/lonely.conf', 'syntax-error']]);
});

test('usage and I/O errors exit with 2 and say why on stderr', () => {
  const missing = run(['check', path.join(work, 'nope.conf')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file or directory/);
  const badFormat = run(['check', '--format', 'xml', work]);
  assert.equal(badFormat.status, 2);
  assert.match(badFormat.stderr, /--format must be text, json or sarif/);
  assert.equal(run(['frobnicate']).status, 2);
  assert.equal(run(['check']).status, 2);
  assert.equal(run(['--help']).status, 0);
});

test('--fix writes the fixes atomically and the result re-checks without those findings', () => {
  const dir = project('fix', {
    'nginx.conf': 'events {}\nhttp {\n  include sites/*;\n}\n',
    'sites/default': 'server {\n    listen 443 ssl default_server;\n    ssl_certificate /nonexistent/a.pem;\n    ssl_certificate_key /nonexistent/a.key;\n    return 444;\n}\n',
    'sites/shop': 'server {\n    listen 443 ssl;\n    server_name shop.example;\n    ssl_certificate /nonexistent/b.pem;\n    ssl_certificate_key /nonexistent/b.key;\n    ssl_session_tickets off;\n}\n',
  });
  const main = path.join(dir, 'nginx.conf');
  const before = JSON.parse(run(['check', '--format', 'json', main]).stdout);
  assert.ok(before.diagnostics.some((d: { code: string }) => d.code === 'session-tickets-mismatch'));
  const r = run(['check', '--fix', main]);
  assert.notEqual(r.status, 2, r.stderr);
  assert.match(fs.readFileSync(path.join(dir, 'sites/default'), 'utf8'), /ssl_certificate_key \/nonexistent\/a\.key;\n {4}ssl_session_tickets off;\n {4}return 444;/);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'sites')).sort(), ['default', 'shop'], 'no temporary file is left behind');
  const afterFix = JSON.parse(run(['check', '--format', 'json', main]).stdout);
  assert.ok(!afterFix.diagnostics.some((d: { code: string }) => d.code === 'session-tickets-mismatch'));
});

test('symlinked sites: --fix edits the file the link points to and keeps the link; each file is checked once', () => {
  const dir = project('links', {
    'nginx.conf': 'events {}\nhttp {\n  include sites-enabled/*;\n}\n',
    'sites-available/default': 'server {\n    listen 443 ssl default_server;\n    ssl_certificate /nonexistent/a.pem;\n    ssl_certificate_key /nonexistent/a.key;\n}\n',
    'sites-available/shop': 'server {\n    listen 443 ssl;\n    server_name shop.example;\n    ssl_certificate /nonexistent/b.pem;\n    ssl_certificate_key /nonexistent/b.key;\n    ssl_session_tickets off;\n}\n',
  });
  fs.mkdirSync(path.join(dir, 'sites-enabled'));
  fs.symlinkSync('../sites-available/default', path.join(dir, 'sites-enabled/default'));
  fs.symlinkSync('../sites-available/shop', path.join(dir, 'sites-enabled/shop'));
  fs.symlinkSync('../sites-available/gone', path.join(dir, 'sites-enabled/gone'));
  const out = JSON.parse(run(['check', '--format', 'json', dir]).stdout);
  const keys = out.diagnostics.map((d: { file: string; code: string }) => `${path.relative(dir, d.file)} ${d.code}`);
  assert.equal(keys.filter((k: string) => k.endsWith('session-tickets-mismatch')).length, 1, keys.join('\n'));
  assert.deepEqual(keys.filter((k: string) => k.includes('include-not-found') || k.includes('file-unreadable')), ['nginx.conf include-not-found']);
  run(['check', '--fix', path.join(dir, 'nginx.conf')]);
  assert.ok(fs.lstatSync(path.join(dir, 'sites-enabled/default')).isSymbolicLink());
  assert.match(fs.readFileSync(path.join(dir, 'sites-available/default'), 'utf8'), /ssl_session_tickets off;/);
});

test('a PATH that cannot be analysed exits with 2: a binary file, a directory without configs', () => {
  const dir = project('unusable', { 'bin.conf': '\u0000\u0001', 'empty/readme.txt': 'nothing' });
  const binary = run(['check', path.join(dir, 'bin.conf')]);
  assert.equal(binary.status, 2);
  assert.match(binary.stderr, /binary file/);
  const empty = run(['check', path.join(dir, 'empty')]);
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /no nginx configuration/);
});

test('probe JSON keeps every documented section, null where the probe did not get that far', async () => {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const r = run(['probe', '--format', 'json', '--timeout-ms', '3000', `127.0.0.1:${port}`]);
  assert.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const key of ['version', 'target', 'certificate', 'stapling', 'sessions', 'protocols', 'ocspResponder', 'findings']) assert.ok(key in out, key);
  assert.equal(out.certificate, null);
  assert.deepEqual(out.findings.map((f: { code: string }) => f.code), ['probe-connect-failed']);
});
