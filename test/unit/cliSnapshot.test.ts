// The launcher (dist/nginx-tls) runs the CLI from its V8 startup snapshot when the snapshot was
// built with this node, else from cli.js: both must behave exactly as `node cli.js`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleCli } from '../support/cliBundle';
import { findNginx } from '../support/nginxBinary';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');
let work = '';
let cli = '';
let launcher = '';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-snapshot-'));
  cli = await bundleCli(work);
  // The build script's own module, as scripts/build.mjs uses it (a path, so that TypeScript leaves the .mjs alone).
  const script = pathToFileURL(path.join(ROOT, 'scripts/cliSnapshot.mjs')).href;
  const { buildCliSnapshot } = (await import(script)) as { buildCliSnapshot(root: string, out: string): Promise<{ ok: boolean; reason?: string }> };
  const built = await buildCliSnapshot(ROOT, work);
  assert.ok(built.ok, `the snapshot was built: ${built.reason ?? ''}`);
  launcher = path.join(work, 'nginx-tls');
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

function viaNode(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: ROOT, input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function viaLauncher(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Run {
  // The launcher takes the node on the PATH: this one.
  const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
  const r = spawnSync(launcher, args, { encoding: 'utf8', cwd: ROOT, input, timeout: 60_000, env: { ...process.env, PATH, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `fn` with cli.js moved away, so that only the snapshot can answer. */
function withoutCliJs<T>(fn: () => T): T {
  const away = `${cli}.away`;
  fs.renameSync(cli, away);
  try {
    return fn();
  } finally {
    fs.renameSync(away, cli);
  }
}

const dump = [
  '# configuration file /etc/nginx/nginx.conf:',
  'events {}',
  'http {',
  '    server {',
  '        listen 443 ssl;',
  '        server_name dump.example;',
  '        ssl_certificate /etc/ssl/dump.pem;',
  '        ssl_certificate_key /etc/ssl/dump.key;',
  '        ssl_stapling on;',
  '        no_such_directive on;',
  '    }',
  '}',
  '',
].join('\n');

const COMMANDS: { name: string; args: string[]; input?: string }[] = [
  { name: '--version', args: ['--version'] },
  { name: '--help', args: ['--help'] },
  { name: 'check, text (certificates read: the X.509 parser runs)', args: ['check', path.join(FIXTURES, 'scenarios')] },
  { name: 'check, json', args: ['check', '--format', 'json', path.join(FIXTURES, 'rules')] },
  { name: 'check, sarif', args: ['check', '--format', 'sarif', '--nginx-version', '1.24.0', path.join(FIXTURES, 'scenarios/must-staple')] },
  { name: 'check of an nginx -T dump on stdin', args: ['check', '--nginx-T', '-'], input: dump },
  { name: 'format --check', args: ['format', '--check', path.join(FIXTURES, 'format')] },
  { name: 'an unknown command', args: ['frobnicate'] },
];
// nginx -t run by the CLI (a child process started from the snapshot), where nginx is installed.
const nginx = findNginx();
if (nginx) COMMANDS.push({ name: 'check --nginx-t', args: ['check', '--format', 'json', '--nginx-t-command', nginx, path.join(FIXTURES, 'scenarios/healthy')] });

test('from the snapshot, every command answers exactly as node cli.js does', () => {
  for (const c of COMMANDS) {
    const expected = viaNode(c.args, c.input);
    const actual = withoutCliJs(() => viaLauncher(c.args, c.input));
    assert.deepEqual(actual, expected, c.name);
  }
});

test('from the snapshot, the probe connects and reports as node cli.js does', () => {
  // Nothing listens on the discard port of loopback: the connection is refused at once.
  const args = ['probe', '--connect', '127.0.0.1:9', '--timeout-ms', '5000', '--warmup-ms', '0', '--format', 'json', 'example.test'];
  const shape = (r: Run): unknown => {
    const report = JSON.parse(r.stdout) as { connectFailure?: { step: string; reason: string }; startedAt?: string; durationMs?: number };
    return { status: r.status, stderr: r.stderr, failure: report.connectFailure };
  };
  assert.deepEqual(withoutCliJs(() => shape(viaLauncher(args))), shape(viaNode(args)));
});

test('without a snapshot for this node, the launcher runs cli.js', () => {
  const stamp = path.join(work, 'cli-snapshot.node');
  const built = fs.readFileSync(stamp, 'utf8');
  try {
    fs.writeFileSync(stamp, `/another/node:1:1\n`);
    const args = ['check', '--format', 'json', path.join(FIXTURES, 'scenarios/healthy')];
    assert.deepEqual(viaLauncher(args), viaNode(args));
    assert.notEqual(withoutCliJs(() => viaLauncher(['--version']).status), 0, 'another node\'s snapshot is not used');
  } finally {
    fs.writeFileSync(stamp, built);
  }
  assert.deepEqual(viaLauncher(['--version'], undefined, { NGINX_TLS_NO_SNAPSHOT: '1' }), viaNode(['--version']));
});
