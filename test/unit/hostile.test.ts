// Hostile inputs: each case once hung, grew without bound or took minutes. Every case runs in a
// child process with a generous bound (60 s for work that takes well under a second), so a
// regression fails the test instead of hanging the suite; no case asserts a speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useCliHarness, type CliRun } from '../support/cliHarness';
import { matchGlobSegment } from '../../server/src/service/model/expandGlob';

const cli = useCliHarness('nginx-tls-hostile-');
const run = (args: string[], cwd?: string): CliRun => cli.run(args, { cwd });
const project = (name: string, files: Record<string, string>): string => cli.project(name, files);

function json(r: { stdout: string }): { code: string; message: string; file: string; severity: string }[] {
  return JSON.parse(r.stdout).diagnostics;
}

test('include /dev/zero gets a diagnostic instead of reading forever', { skip: !fs.existsSync('/dev/zero') && 'no /dev/zero' }, () => {
  const dir = project('devzero', { 'nginx.conf': 'events {}\nhttp { include /dev/zero; }\n' });
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  assert.equal(r.signal, null, 'timed out');
  assert.equal(r.status, 1, r.stderr);
  const d = json(r).find((x) => x.code === 'file-unreadable');
  assert.ok(d, r.stdout);
  assert.match(d.message, /"\/dev\/zero" is a device, not a regular file/);
});

test('/dev/zero as PATH is refused with one line on stderr', { skip: !fs.existsSync('/dev/zero') && 'no /dev/zero' }, () => {
  const r = run(['check', '/dev/zero']);
  assert.equal(r.signal, null, 'timed out');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /\/dev\/zero" is a device, not a regular file/);
});

test('an included FIFO gets a diagnostic instead of blocking', { skip: process.platform === 'win32' && 'no mkfifo' }, () => {
  const dir = project('fifo', { 'nginx.conf': 'events {}\nhttp { include pipe.conf; }\n' });
  execFileSync('mkfifo', [path.join(dir, 'pipe.conf')]);
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  assert.equal(r.signal, null, 'timed out');
  assert.equal(r.status, 1);
  assert.ok(json(r).some((d) => d.code === 'file-unreadable' && /FIFO/.test(d.message)), r.stdout);
});

test('glob segments match as fnmatch does', () => {
  const cases: [string, string, boolean][] = [
    ['*.conf', 'a.conf', true], ['*.conf', 'a.con', false], ['a?c', 'abc', true], ['a?c', 'ac', false],
    ['[ab]*', 'bx', true], ['[!ab]*', 'bx', false], ['[^ab]*', 'cx', true], ['[a-c]x', 'bx', true],
    ['[]]x', ']x', true], ['[x', '[x', true], ['\\*', '*', true], ['\\*', 'a', false], ['*', '', true],
    ['a*b*c', 'aXbYc', true], ['a*b*c', 'aXbY', false], ['**x', 'yx', true], ['*a*a*b', 'aaaaaab', true],
  ];
  for (const [pattern, name, expected] of cases) assert.equal(matchGlobSegment(pattern, name), expected, `${pattern} ~ ${name}`);
});

test('glob matching is linear: many stars, long names and a 40k-character segment never hang or throw', () => {
  const dir = project('globs', { 'nginx.conf': '', [`conf.d/${'a'.repeat(60)}`]: '' });
  const patterns = ['conf.d/*a*a*a*a*a*a*a*b', `conf.d/${'*a'.repeat(10)}*b`, `conf.d/${'*a'.repeat(20000)}`, `conf.d/${'x'.repeat(40000)}*`];
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `events {}\nhttp {\n${patterns.map((p) => `  include ${p};\n`).join('')}}\n`);
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  assert.equal(r.signal, null, 'timed out');
  assert.doesNotMatch(r.stderr, /internal error/);
  // The two 40k-character words are too long for nginx's read buffer (nginx -t: too long parameter): reported, nothing else.
  assert.equal(r.status, 1, r.stderr);
  const found = (JSON.parse(r.stdout) as { diagnostics: { code: string; message: string }[] }).diagnostics;
  assert.deepEqual(found.map((d) => `${d.code} ${d.message.split(':')[0]}`), ['syntax-error a word of 40007 bytes', 'syntax-error a word of 40008 bytes']);
});

test('files that include their own directory: each parsed once, the cycle reported once', () => {
  const files: Record<string, string> = { 'nginx.conf': 'events {}\nhttp { include conf.d/*.conf; }\n' };
  for (let i = 0; i < 28; i++) files[`conf.d/f${String(i).padStart(2, '0')}.conf`] = `include conf.d/*.conf;\nserver { listen ${8000 + i}; }\n`;
  const dir = project('selfglob', files);
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  assert.equal(r.signal, null, 'timed out');
  const cycles = json(r).filter((d) => d.code === 'include-cycle');
  assert.equal(cycles.length, 1, JSON.stringify(cycles));
  assert.match(cycles[0].message, /28 files include each other/);
});

test('two separate cycles are two diagnostics', () => {
  const dir = project('twocycles', {
    'nginx.conf': 'events {}\nhttp { include a.conf; include c.conf; }\n',
    'a.conf': 'include b.conf;\n', 'b.conf': 'include a.conf;\n',
    'c.conf': 'include d.conf;\n', 'd.conf': 'include c.conf;\n',
  });
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  const cycles = json(r).filter((d) => d.code === 'include-cycle');
  assert.deepEqual(cycles.map((d) => d.message), [
    'include cycle: a.conf → b.conf → a.conf; nginx would include these files forever',
    'include cycle: c.conf → d.conf → c.conf; nginx would include these files forever',
  ]);
});

test('check DIR stays inside DIR: two links to "." and a link to /etc end, nothing outside is read', () => {
  const dir = project('links', { 'site.conf': 'server { listen 80; }\n' });
  fs.symlinkSync('.', path.join(dir, 'again'));
  fs.symlinkSync('.', path.join(dir, 'and-again'));
  fs.symlinkSync('/etc', path.join(dir, 'etc'));
  const outside = project('outside', { 'evil.conf': 'server { listen 81 }\n' });
  fs.symlinkSync(path.join(outside, 'evil.conf'), path.join(dir, 'evil.conf'));
  const r = run(['check', '--format', 'json', dir]);
  assert.equal(r.signal, null, 'timed out');
  assert.equal(r.status, 0, r.stderr);
  const files = new Set(json(r).map((d) => d.file));
  assert.ok(![...files].some((f) => f.includes(`${path.sep}etc${path.sep}`) || f.includes('evil')), [...files].join('\n'));
});

test('2,500 TLS servers on one socket with their own session and protocol settings finish (linear rules)', () => {
  const servers = Array.from({ length: 2500 }, (_, i) => `  server { listen 443 ssl; server_name s${i}.test; ssl_session_tickets off; ssl_protocols TLSv1.3; ssl_session_timeout 1h; }\n`);
  const dir = project('vhosts', { 'nginx.conf': `events {}\nhttp {\n  server { listen 443 ssl default_server; server_name d.test; }\n${servers.join('')}}\n` });
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  assert.equal(r.signal, null, 'timed out');
  const codes = json(r).map((d) => d.code);
  assert.equal(codes.filter((c) => c === 'session-tickets-mismatch').length, 2500);
  assert.equal(codes.filter((c) => c === 'protocols-from-default-server').length, 2500);
});

test('a 4 MB single line of duplicated directives finishes (no scan to the line end per directive)', () => {
  const body = 'server_tokens off; server_tokens off; '.repeat(Math.ceil(4_000_000 / 38));
  const dir = project('longline', { 'nginx.conf': `events {} http { server { ${body} } }\n` });
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  assert.equal(r.signal, null, 'timed out');
  assert.ok(json(r).filter((d) => d.code === 'duplicate-directive').length > 100_000);
});

test('messages quote at most ~80 characters: a 5 MB run-on statement is not quoted whole', () => {
  const lines = Array.from({ length: 250_000 }, (_, i) => `      word${i}\n`);
  const dir = project('runon', { 'nginx.conf': `events {}\nhttp {\n  server {\n    add_header X-Run-On\n${lines.join('')}  }\n}\n` });
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  const [d] = json(r).filter((x) => x.code === 'syntax-error');
  assert.ok(d, r.stdout.slice(0, 500));
  assert.ok(d.message.length < 200, d.message.slice(0, 300));
  assert.match(d.message, /add_header X-Run-On word0 word1 .*…/);
});

test('an included private key is not parsed and nothing of it is quoted', () => {
  const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secretsecret';
  const dir = project('keyinclude', {
    'nginx.conf': 'events {}\nhttp { include key.pem; include shadowlike; }\n',
    'key.pem': `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n`,
    shadowlike: `root:$6$${'x'.repeat(200)}:19000:0:99999:7:::\n`,
  });
  const r = run(['check', '--format', 'json', path.join(dir, 'nginx.conf')]);
  assert.doesNotMatch(r.stdout + r.stderr, /MIIEvQ|secretsecret|BEGIN PRIVATE/);
  assert.ok(json(r).some((d) => d.code === 'file-unreadable' && /holds a private key/.test(d.message)), r.stdout);
  for (const d of json(r)) assert.ok(!d.message.includes('x'.repeat(81)), d.message);
});
