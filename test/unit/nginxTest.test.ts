// nginx -t beside the rules: a real nginx run on a main config, its messages as nginx-t
// diagnostics on the file and line they name; a run that says nothing about the config (no
// binary, no rights) gives one message and no diagnostic.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeHost, FilePositions, loadConfig, parseNginxTestOutput, readNginxTestOutput, setsPidFile, type ConfigDiagnostic } from '../../server/src/service';
import { nginxTestArguments, nginxTestCommand, testConfigWithNginx } from '../../server/src/system/nginxTest';
import { findNginx } from '../support/nginxBinary';
import { useCliHarness } from '../support/cliHarness';

const nginx = findNginx();
const needsNginx = { skip: nginx ? false : 'nginx not installed (apt-get install nginx-light)' };
const cli = useCliHarness('nginx-tls-nginx-t-cli-');
let work = '';
before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-nginx-t-')); });
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** Writes a project (relative path → text; `DIR` in a text becomes the project's path) and returns its directory. */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text.replace(/DIR/g, dir));
  }
  return dir;
}

/** A main config whose only listener is a unix socket in the project (nginx -t binds it): no TCP port. */
const MAIN = 'events {}\nhttp {\n    access_log off;\n    error_log DIR/error.log;\n    include DIR/conf.d/*.conf;\n}\n';

function site(body: string): string {
  return `server {\n    listen unix:DIR/s.sock;\n    server_name a.test;\n${body}}\n`;
}

/** nginx -t on a project's nginx.conf with the disk as nginx reads it; diagnostics as "file:line:col severity message". */
async function runOn(dir: string, command: string[] = [nginx as string]) {
  const main = path.join(dir, 'nginx.conf');
  const host = createNodeHost();
  const tree = loadConfig(main, { host });
  const textOf = (f: string): string | undefined => { const r = host.readFile(f); return r.kind === 'text' ? r.text : undefined; };
  const run = await testConfigWithNginx(command, tree, textOf);
  const positions = new FilePositions(textOf);
  const shown = (d: ConfigDiagnostic): string => {
    const r = positions.range(d.file, d.start, d.end);
    return `${path.relative(dir, d.file)}:${r.start.line + 1}:${r.start.character + 1}-${r.end.character + 1} ${d.severity} ${d.message}`;
  };
  return { run, shown: run.outcome.kind === 'findings' ? run.outcome.diagnostics.map(shown) : [] };
}

test('an error in an included file is on the line nginx names', needsNginx, async () => {
  const dir = project('included-error', { 'nginx.conf': MAIN, 'conf.d/site.conf': site('    ssl_session_timeout 5m;\n    foo_bar 1;\n') });
  const { run, shown } = await runOn(dir);
  assert.equal(run.outcome.kind, 'findings');
  assert.deepEqual(shown, ['conf.d/site.conf:5:5-15 error unknown directive "foo_bar"']);
  assert.ok(run.outcome.kind === 'findings' && !run.outcome.passed);
});

test('a warning of a config that passes is a warning on its line', needsNginx, async () => {
  const dir = project('warning', { 'nginx.conf': MAIN, 'conf.d/site.conf': site('    types {\n        text/html html;\n        text/plain html;\n    }\n') });
  const { run, shown } = await runOn(dir);
  assert.ok(run.outcome.kind === 'findings' && run.outcome.passed);
  assert.deepEqual(shown, ['conf.d/site.conf:6:9-25 warning duplicate extension "html", content type: "text/plain", previous content type: "text/html"']);
});

test('a message that names no file goes on the main config\'s first line, whole', needsNginx, async () => {
  const dir = project('no-location', { 'nginx.conf': MAIN, 'conf.d/a.conf': site(''), 'conf.d/b.conf': site('') });
  const { run, shown } = await runOn(dir);
  assert.ok(run.outcome.kind === 'findings' && run.outcome.passed);
  assert.deepEqual(shown, [`nginx.conf:1:1-10 warning conflicting server name "a.test" on unix:${dir}/s.sock, ignored`]);
});

test('a config with its own pid is tested without -g (no "duplicate"); one without gets pid /dev/null', needsNginx, async () => {
  const dir = project('own-pid', { 'nginx.conf': `pid DIR/nginx.pid;\n${MAIN}`, 'conf.d/site.conf': site('') });
  const { run, shown } = await runOn(dir);
  assert.deepEqual(shown, []);
  assert.doesNotMatch(run.commandLine, / -g /);
  const tree = loadConfig(path.join(dir, 'nginx.conf'), { host: createNodeHost() });
  assert.equal(setsPidFile(tree), true);
  assert.deepEqual(nginxTestArguments(['nginx'], '/etc/nginx/nginx.conf', { setsPid: false, errorLogOption: true }),
    ['nginx', '-t', '-q', '-e', '/dev/null', '-g', 'pid /dev/null;', '-c', '/etc/nginx/nginx.conf']);
  assert.deepEqual(nginxTestArguments(['sudo', '-n', 'nginx', '-g', 'daemon off;'], '/m.conf', { setsPid: false, errorLogOption: false }),
    ['sudo', '-n', 'nginx', '-g', 'daemon off;', '-t', '-q', '-c', '/m.conf']);
  assert.deepEqual(nginxTestCommand([' ', ''], '/usr/sbin/nginx'), ['/usr/sbin/nginx']);
  assert.deepEqual(nginxTestCommand([]), ['nginx']);
});

test('a missing binary gives one message and no diagnostic', async () => {
  const dir = project('missing', { 'nginx.conf': MAIN, 'conf.d/site.conf': site('    foo_bar 1;\n') });
  const { run } = await runOn(dir, ['/nonexistent/nginx']);
  assert.deepEqual(run.outcome, { kind: 'unusable', message: 'nginx -t could not be run: /nonexistent/nginx not found' });
});

const asNobody = fs.existsSync('/usr/bin/setpriv') && process.getuid?.() === 0;
test('a user without the rights nginx needs gets one message and no diagnostic', { skip: !nginx ? 'nginx not installed' : !asNobody ? 'needs root and setpriv to run nginx as nobody' : false }, async () => {
  const dir = project('no-rights', { 'nginx.conf': `user nobody;\n${MAIN}`, 'conf.d/site.conf': site('    foo_bar 1;\n') });
  const { run } = await runOn(dir, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', nginx as string]);
  assert.equal(run.outcome.kind, 'unusable');
  assert.match((run.outcome as { message: string }).message, /^nginx -t could not test the config as this user: .*\(13: Permission denied\)/);
});

test('the message format: " in " inside messages and paths, log-format lines, lines that are not messages', () => {
  const known = new Set(['/etc/a in b/x.conf', '/etc/nginx/nginx.conf']);
  assert.deepEqual(parseNginxTestOutput([
    'nginx: [emerg] host not found in upstream "u:80" in /etc/nginx/nginx.conf:12',
    'nginx: [warn] x in /etc/a in b/x.conf:3',
    'nginx: [emerg] "pid" directive is duplicate in command line',
    '2024/05/01 10:00:00 [alert] 12#12: could not open error log file',
    'nginx: configuration file /etc/nginx/nginx.conf test failed',
    'nginx: [warn] "ssl_stapling" ignored, issuer certificate not found for certificate "/c in d.crt"\r',
  ].join('\n'), (f) => known.has(f)), [
    { level: 'emerg', message: 'host not found in upstream "u:80"', file: '/etc/nginx/nginx.conf', line: 12 },
    { level: 'warn', message: 'x', file: '/etc/a in b/x.conf', line: 3 },
    { level: 'emerg', message: '"pid" directive is duplicate in command line' },
    { level: 'alert', message: 'could not open error log file' },
    { level: 'warn', message: '"ssl_stapling" ignored, issuer certificate not found for certificate "/c in d.crt"' },
  ]);
  const text = 'events {}\n';
  const failedSilently = readNginxTestOutput({ output: 'sudo: a password is required\n', exitCode: 1 }, '/m.conf', () => text);
  assert.deepEqual(failedSilently, { kind: 'unusable', message: 'nginx -t failed without saying why in a form this product reads: sudo: a password is required' });
  const beyond = readNginxTestOutput({ output: 'nginx: [emerg] x in /m.conf:9\n', exitCode: 1 }, '/m.conf', () => text);
  assert.deepEqual(beyond.kind === 'findings' && beyond.diagnostics.map((d) => [d.start, d.end, d.message]), [[0, 9, 'x in /m.conf:9']]);
});

test('check --nginx-t adds nginx -t\'s findings to the JSON contract; --nginx-t-command names the binary', needsNginx, () => {
  const dir = project('cli', { 'nginx.conf': MAIN, 'conf.d/site.conf': site('    foo_bar 1;\n') });
  const r = cli.run(['check', '--format', 'json', '--nginx-t-command', nginx as string, path.join(dir, 'nginx.conf')]);
  assert.equal(r.status, 1, r.stderr);
  const found = (JSON.parse(r.stdout) as { diagnostics: { file: string; code: string; severity: string; range: { start: { line: number } }; message: string; fixes: unknown[] }[] }).diagnostics.filter((d) => d.code === 'nginx-t');
  assert.deepEqual(found, [{ file: path.join(dir, 'conf.d/site.conf'), range: { start: { line: 3, character: 4 }, end: { line: 3, character: 14 } }, severity: 'error', code: 'nginx-t', message: 'unknown directive "foo_bar"', fixes: [] }]);
  const missing = cli.run(['check', '--nginx-t-command', '/nonexistent/nginx', path.join(dir, 'nginx.conf')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nginx -t could not be run: \/nonexistent\/nginx not found/);
  assert.equal(cli.run(['check', '--nginx-t', '--nginx-T', '-']).status, 2);
});
