// Version-dependent behaviour: each change with an explicit version (the service and the CLI's
// --nginx-version) and with the version a real `nginx -V` reports (--nginx-V).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { runDirectiveChecks } from '../../server/src/service/checks';
import { compareVersions } from '../../server/src/service/versions';
import { applyEdits } from '../../server/src/service/fixes/applyFixes';
import { LineIndex } from '../../server/src/service/lineIndex';
import { createMemoryHost } from '../support/memoryHost';
import { bundleCli } from '../support/cliBundle';
import { findNginx } from '../support/nginxBinary';

const nginx = findNginx();

const SSL_ON = 'events {}\nhttp {\n  server {\n    listen 127.0.0.1:8443;\n    listen [::1]:8443;\n    ssl on;\n    ssl_reject_handshake on;\n  }\n}\n';
const LISTEN_HTTP2 = 'events {}\nhttp {\n  server {\n    listen 127.0.0.1:8443 ssl http2;\n    listen [::1]:8443 ssl http2;\n    ssl_reject_handshake on;\n  }\n}\n';
const HTTP2_ON = 'events {}\nhttp {\n  server {\n    listen 127.0.0.1:8443 ssl;\n    http2 on;\n    ssl_reject_handshake on;\n  }\n}\n';

function findings(text: string, nginxVersion?: string): { code: string; line: number; severity: string; message: string; fixes: { title: string; edits: { start: number; end: number; newText: string }[] }[] }[] {
  const file = '/etc/nginx/nginx.conf';
  const tree = loadConfig(file, { host: createMemoryHost({ [file]: text }) });
  const index = new LineIndex(text);
  return runDirectiveChecks(tree, { nginxVersion }).map((d) => ({ code: d.code, line: index.positionAt(d.start).line + 1, severity: d.severity, message: d.message, fixes: d.fixes }));
}

describe('ssl on: directive-removed from 1.25.1', () => {
  test('unknown and older versions stay silent; 1.25.1 and later get an error with a fix to listen ... ssl', () => {
    assert.deepEqual(findings(SSL_ON), []);
    assert.deepEqual(findings(SSL_ON, '1.24.0'), []);
    for (const v of ['1.25.1', '1.26.3', '1.27.4']) {
      const [f, ...rest] = findings(SSL_ON, v);
      assert.deepEqual(rest, []);
      assert.equal(f.code, 'directive-removed');
      assert.equal(f.severity, 'error');
      assert.equal(f.line, 6);
      assert.equal(f.message, `"ssl" was removed in nginx 1.25.1 (deprecated since 1.15.0): nginx ${v} fails with unknown directive "ssl"; use "listen ... ssl"`);
    }
    const fixed = applyEdits(SSL_ON, findings(SSL_ON, '1.25.1')[0].fixes[0].edits);
    assert.equal(fixed, 'events {}\nhttp {\n  server {\n    listen 127.0.0.1:8443 ssl;\n    listen [::1]:8443 ssl;\n    ssl_reject_handshake on;\n  }\n}\n');
  });

  test('ssl off is simply removed', () => {
    const text = SSL_ON.replace('ssl on;', 'ssl off;');
    const fixed = applyEdits(text, findings(text, '1.26.0')[0].fixes[0].edits);
    assert.ok(!fixed.includes('ssl off') && fixed.includes('listen 127.0.0.1:8443;\n'));
  });
});

describe('http2: the directive from 1.25.1, the listen parameter deprecated from 1.25.1', () => {
  test('http2 on before 1.25.1 is unknown-directive, "since 1.25.1"', () => {
    assert.deepEqual(findings(HTTP2_ON), []);
    assert.deepEqual(findings(HTTP2_ON, '1.25.1'), []);
    const [f] = findings(HTTP2_ON, '1.24.0');
    assert.deepEqual([f.code, f.line, f.message], ['unknown-directive', 5, 'unknown directive "http2" in nginx 1.24.0: available since nginx 1.25.1']);
  });

  test('listen ... http2 from 1.25.1 is a warning with a fix to http2 on', () => {
    assert.deepEqual(findings(LISTEN_HTTP2, '1.24.0'), []);
    const found = findings(LISTEN_HTTP2, '1.25.1');
    assert.deepEqual(found.map((f) => [f.code, f.severity, f.line]), [['directive-removed', 'warning', 4], ['directive-removed', 'warning', 5]]);
    const fixed = applyEdits(LISTEN_HTTP2, found[0].fixes[0].edits);
    assert.equal(fixed, 'events {}\nhttp {\n  server {\n    listen 127.0.0.1:8443 ssl;\n    listen [::1]:8443 ssl;\n    ssl_reject_handshake on;\n    http2 on;\n  }\n}\n');
    assert.deepEqual(findings(fixed, '1.25.1'), []);
  });
});

describe('the CLI and a real nginx', () => {
  let work = '';
  let cli = '';
  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-versions-'));
    cli = await bundleCli(work);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const file = path.join(work, name, 'nginx.conf');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  function codes(args: string[]): { status: number | null; found: string[] } {
    const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', ...args], { encoding: 'utf8' });
    const out = JSON.parse(r.stdout) as { diagnostics: { code: string; range: { start: { line: number } } }[] };
    return { status: r.status, found: out.diagnostics.map((d) => `${d.range.start.line + 1}:${d.code}`) };
  }

  test('--nginx-version sets the version; a malformed one is a usage error', () => {
    const file = write('ssl-on', SSL_ON);
    assert.deepEqual(codes([file]), { status: 0, found: [] });
    assert.deepEqual(codes(['--nginx-version', '1.25.1', file]), { status: 1, found: ['6:directive-removed'] });
    const bad = spawnSync(process.execPath, [cli, 'check', '--nginx-version', 'latest', file], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--nginx-version takes a version like 1\.22\.1, not "latest"/);
  });

  test('--nginx-V FILE with this machine\'s nginx -V: its version decides, as nginx -t does', { skip: nginx ? false : 'nginx not installed' }, () => {
    const v = spawnSync(nginx as string, ['-V'], { encoding: 'utf8' }).stderr;
    const version = /nginx\/(\d+\.\d+\.\d+)/.exec(v)?.[1] ?? '';
    const vFile = path.join(work, 'nginx-V.txt');
    fs.writeFileSync(vFile, v);
    const file = write('http2-on', HTTP2_ON);
    const real = spawnSync(nginx as string, ['-t', '-q', '-p', path.dirname(file), '-c', file, '-e', path.join(path.dirname(file), 'error.log'), '-g', `pid ${path.dirname(file)}/nginx.pid;`], { encoding: 'utf8' });
    const ours = codes(['--nginx-V', vFile, file]);
    if (compareVersions(version, '1.25.1') < 0) {
      assert.match(real.stderr, /unknown directive "http2" in .*:5/);
      assert.deepEqual(ours, { status: 0, found: ['5:unknown-directive'] });
    } else {
      assert.equal(real.status, 0, real.stderr);
      assert.deepEqual(ours.found, []);
    }
    // The same version read from the head of a dump stream (nginx -V 2>&1; nginx -T).
    const dump = spawnSync(nginx as string, ['-T', '-p', path.dirname(write('ssl-on-dump', SSL_ON)), '-c', path.join(work, 'ssl-on-dump/nginx.conf'), '-e', path.join(work, 'ssl-on-dump/error.log'), '-g', `pid ${work}/ssl-on-dump/nginx.pid;`], { encoding: 'utf8' });
    const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--nginx-T', '-'], { encoding: 'utf8', input: `${v}${dump.stderr}${dump.stdout}` });
    assert.equal(r.status, compareVersions(version, '1.25.1') < 0 ? 0 : 1, r.stderr);
    const newer = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--nginx-T', '-'], { encoding: 'utf8', input: `${v.replace(/nginx\/[\d.]+/, 'nginx/1.25.1')}${dump.stderr}${dump.stdout}` });
    assert.equal(newer.status, 1, newer.stderr);
    assert.deepEqual((JSON.parse(newer.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code), ['directive-removed']);
  });

  test('the fixes give configs the real nginx accepts without the deprecation warning', { skip: nginx ? false : 'nginx not installed' }, () => {
    const fixed = applyEdits(SSL_ON, findings(SSL_ON, '1.25.1')[0].fixes[0].edits);
    const file = write('ssl-fixed', fixed);
    const before = write('ssl-before', SSL_ON);
    const run = (f: string) => spawnSync(nginx as string, ['-t', '-p', path.dirname(f), '-c', f, '-e', path.join(path.dirname(f), 'error.log'), '-g', `pid ${path.dirname(f)}/nginx.pid;`], { encoding: 'utf8' });
    assert.match(run(before).stderr, /\[warn\] the "ssl" directive is deprecated, use the "listen \.\.\. ssl" directive instead in .*:6/);
    const after = run(file);
    assert.equal(after.status, 0, after.stderr);
    assert.doesNotMatch(after.stderr, /\[warn\]/);
  });
});
