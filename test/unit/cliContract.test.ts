// The CLI's contract on hostile or unusual runs: where --fix may write, recovery of an interrupted
// --fix, SARIF output, output errors, and the messages for paths that cannot be checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useCliHarness } from '../support/cliHarness';

const cli = useCliHarness('nginx-tls-contract-');

const STAPLING_SITE = 'server {\n    listen 443 ssl;\n    server_name a.test;\n    ssl_session_tickets off;\n}\n';
/** A site whose fix (removing the second server_tokens) edits the site file itself. */
const DUPLICATE_SITE = 'server {\n    listen 80;\n    server_tokens off;\n    server_tokens off;\n}\n';

test('--fix writes only inside the given PATHs; a fix outside is listed and skipped unless --fix-outside', () => {
  const outside = cli.project('fix-outside-elsewhere', { 'site.conf': DUPLICATE_SITE });
  const main = `events {}\nhttp {\n    server {\n        listen 443 ssl default_server;\n        server_name d.test;\n    }\n    include ${path.join(outside, 'site.conf')};\n}\n`;
  const dir = cli.project('fix-outside', { 'nginx.conf': main });
  const before = fs.readFileSync(path.join(outside, 'site.conf'), 'utf8');
  const r = cli.run(['check', '--fix', path.join(dir, 'nginx.conf')]);
  assert.match(r.stderr, /fix not applied: .*outside the given paths \(--fix-outside allows it\)/);
  assert.equal(fs.readFileSync(path.join(outside, 'site.conf'), 'utf8'), before);
  const allowed = cli.run(['check', '--fix', '--fix-outside', path.join(dir, 'nginx.conf')]);
  assert.doesNotMatch(allowed.stderr, /outside the given paths/);
  assert.notEqual(fs.readFileSync(path.join(outside, 'site.conf'), 'utf8') + fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8'), before + main);
});

test('a committed --fix that was killed is completed by the next run; a prepared one is undone', () => {
  const dir = cli.project('journal', { 'nginx.conf': 'events {}\nhttp {}\n', 'a.conf': 'old a\n', 'b.conf': 'old b\n' });
  const tmpA = path.join(dir, '.a.conf.nginx-tls-999999.tmp');
  const tmpB = path.join(dir, '.b.conf.nginx-tls-999999.tmp');
  // Killed after renaming a.conf: b.conf's temp file is still there.
  fs.writeFileSync(path.join(dir, 'a.conf'), 'new a\n');
  fs.writeFileSync(tmpB, 'new b\n');
  const files = [{ target: path.join(dir, 'a.conf'), tmp: tmpA }, { target: path.join(dir, 'b.conf'), tmp: tmpB }];
  fs.writeFileSync(path.join(dir, '.nginx-tls-fix-999999.journal'), JSON.stringify({ version: 1, state: 'committed', files }));
  const r = cli.run(['check', '--fix', dir]);
  assert.match(r.stderr, /an interrupted --fix was completed/);
  assert.equal(fs.readFileSync(path.join(dir, 'b.conf'), 'utf8'), 'new b\n');
  // Killed while writing temp files: they are removed and the targets stay as they were.
  fs.writeFileSync(tmpA, 'half');
  fs.writeFileSync(path.join(dir, '.nginx-tls-fix-999998.journal'), JSON.stringify({ version: 1, state: 'prepared', files }));
  const r2 = cli.run(['check', '--fix', dir]);
  assert.match(r2.stderr, /an interrupted --fix was undone/);
  assert.equal(fs.readFileSync(path.join(dir, 'a.conf'), 'utf8'), 'new a\n');
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), []);
});

test('--fix over several files leaves no temporary or journal file behind', () => {
  const dir = cli.project('fix-clean', {
    'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 443 ssl default_server;\n        server_name d.test;\n        ssl_certificate /nonexistent.crt;\n        ssl_certificate_key /nonexistent.key;\n    }\n    include sites/*.conf;\n}\n',
    'sites/a.conf': DUPLICATE_SITE,
    'sites/b.conf': DUPLICATE_SITE.replace('listen 80', 'listen 81'),
  });
  const r = cli.run(['check', '--fix', dir]);
  assert.match(r.stderr, /applied 2 fixes in 2 files/);
  const leftovers = (d: string): string[] => fs.readdirSync(d).filter((n) => n.includes('nginx-tls'));
  assert.deepEqual([...leftovers(dir), ...leftovers(path.join(dir, 'sites'))], []);
});

test('--format sarif: SARIF 2.1.0 with a rule per code and its docs, locations, and fixes', () => {
  const dir = cli.project('sarif', { 'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        server_tokens off;\n        server_tokens on;\n        foo_bar 1;\n    }\n}\n' });
  const r = cli.run(['check', '--format', 'sarif', 'nginx.conf'], { cwd: dir });
  assert.equal(r.status, 1, r.stderr);
  const sarif = JSON.parse(r.stdout);
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'nginx-tls');
  const rules = run.tool.driver.rules as { id: string; helpUri: string }[];
  assert.deepEqual(rules.map((x) => x.id), ['duplicate-directive', 'unknown-directive']);
  assert.ok(rules.every((x) => x.helpUri.endsWith('docs/directives.md')), JSON.stringify(rules));
  const dup = run.results.find((x: { ruleId: string }) => x.ruleId === 'duplicate-directive');
  assert.equal(dup.level, 'error');
  assert.equal(dup.ruleIndex, 0);
  assert.deepEqual(dup.locations[0].physicalLocation, { artifactLocation: { uri: 'nginx.conf', uriBaseId: '%SRCROOT%' }, region: { startLine: 6, startColumn: 9, endLine: 6, endColumn: 22 } });
  assert.equal(dup.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, '');
  assert.deepEqual(dup.fixes[0].artifactChanges[0].replacements[0].deletedRegion, { startLine: 6, startColumn: 1, endLine: 7, endColumn: 1 });
});

test('a TLS rule in SARIF links its own docs page', () => {
  const dir = cli.project('sarif-rule', { 'nginx.conf': `events {}\nhttp {\n    server { listen 443 ssl default_server; server_name d.test; }\n${STAPLING_SITE}}\n` });
  const sarif = JSON.parse(cli.run(['check', '--format', 'sarif', path.join(dir, 'nginx.conf')]).stdout);
  const rule = sarif.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'session-tickets-mismatch');
  assert.ok(rule.helpUri.endsWith('docs/rules/session-tickets-mismatch.md'), rule.helpUri);
});

test('output errors end quietly: a closed pipe and a full disk give one line and exit 2', { skip: !fs.existsSync('/dev/full') && 'no /dev/full' }, () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `server { listen 80; server_name s${i}; foo_bar${i} on; }\n`).join('');
  const dir = cli.project('epipe', { 'nginx.conf': lines });
  const full = spawnSync('sh', ['-c', `"${process.execPath}" "${path.join(cli.dir, 'cli.js')}" check nginx.conf > /dev/full`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(full.status, 2);
  assert.equal(full.stderr, 'nginx-tls: cannot write the output: no space left on device\n');
  const pipe = spawnSync('sh', ['-c', `"${process.execPath}" "${path.join(cli.dir, 'cli.js')}" check nginx.conf | head -c 10 >/dev/null; exit \${PIPESTATUS:-0}`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.doesNotMatch(pipe.stderr, /at |internal error/);
  assert.ok(pipe.stderr === '' || pipe.stderr === 'nginx-tls: cannot write the output: the reader closed the pipe\n', pipe.stderr);
});

test('no arguments: usage on stderr, exit 2', () => {
  const r = cli.run([]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Usage:/);
});

test('symlink loops, over-long names and files over maxFileSize as PATH get their own messages', () => {
  const dir = cli.project('paths', { 'x.conf': '' });
  fs.symlinkSync('loop-b', path.join(dir, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(dir, 'loop-b'));
  const loop = cli.run(['check', path.join(dir, 'loop-a')]);
  assert.equal(loop.status, 2);
  assert.match(loop.stderr, /too many levels of symbolic links \(a symlink loop\)/);
  const long = cli.run(['check', path.join(dir, 'n'.repeat(300))]);
  assert.equal(long.status, 2);
  assert.match(long.stderr, /file name too long/);
  const big = path.join(dir, 'big.conf');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 9 * 1024 * 1024);
  const tooLarge = cli.run(['check', big]);
  assert.equal(tooLarge.status, 2);
  assert.match(tooLarge.stderr, /over the 8\.0 MB limit/);
});

test('an unreadable include is a finding (exit 1) at any depth', { skip: process.getuid?.() === 0 && 'root reads every file' }, () => {
  const dir = cli.project('unreadable', { 'nginx.conf': 'events {}\nhttp { include a.conf; include secret.conf; }\n', 'a.conf': 'include deep.conf;\n', 'deep.conf': '', 'secret.conf': '' });
  fs.chmodSync(path.join(dir, 'secret.conf'), 0);
  fs.writeFileSync(path.join(dir, 'a.conf'), 'include secret.conf;\n');
  const r = cli.run(['check', path.join(dir, 'nginx.conf')]);
  assert.equal(r.status, 1, r.stderr);
});
