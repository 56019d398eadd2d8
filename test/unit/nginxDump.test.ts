// `nginx -T` dumps as input: the framing nginx writes (checked against the real nginx), and the
// diagnostics of a dump equal those of the tree it was made from, path for path, line for line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPaths } from '../../server/src/service/checkPaths';
import { createNodeHost, type ConfigHost } from '../../server/src/service/model/configHost';
import { createDumpHost } from '../../server/src/service/model/dumpHost';
import { parseNginxV } from '../../server/src/service/model/nginxBuildInfo';
import { findDumpTruncation, parseNginxDump, type NginxDump } from '../../server/src/service/model/parseNginxDump';
import { toJsonDiagnostics, type JsonDiagnostic } from '../../server/src/cli/formatDiagnostics';
import { bundleCli } from '../support/cliBundle';
import { CORPUS_DIR } from '../support/corpus';
import { findNginx } from '../support/nginxBinary';
import type { TestPki } from '../support/pki';
import { createScenarioPki, stageScenario } from '../support/scenarioTree';

/** The corpus configs that pass nginx 1.22.1's test unchanged (run as below; measured over the whole manifest). */
const CORPUS_DUMPABLE = [
  'nginx__agent/test/config/nginx/nginx-1mb-file.conf',
  'nginx__agent/test/config/nginx/nginx-rootless-oss.conf',
  'nginx__agent/test/config/nginx/nginx-with-server-block-access-log.conf',
  'nginx__agent/test/config/nginx/nginx-with-test-location.conf',
  'nginx__agent/test/config/nginx/nginx.conf',
  'nginxinc__crossplane/tests/configs/directive-with-space/nginx.conf',
  'nginxinc__crossplane/tests/configs/includes-globbed/nginx.conf',
  'nginxinc__crossplane/tests/configs/messy/nginx.conf',
  'nginxinc__crossplane/tests/configs/quoted-right-brace/nginx.conf',
  'nginxinc__crossplane/tests/configs/russian-text/nginx.conf',
  'nginxinc__crossplane/tests/configs/simple/nginx.conf',
  'nginxinc__crossplane/tests/configs/with-comments/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/broken1/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/directive-with-space/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/includes-globbed/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/messy/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/quoted-right-brace/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/returns/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/russian-text/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/simple-variable-with-braces/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/simple/nginx.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/upstream_resolver_directive/simple.conf',
  'nginxinc__nginx-go-crossplane/testdata/configs/upstream_resolver_directive/simple.conf.golden',
  'nginxinc__nginx-go-crossplane/testdata/configs/with-comments/nginx.conf',
];
const nginx = findNginx();
const noNginx = nginx ? false : 'nginx not installed (apt-get install nginx-light)';

function dumpOf(text: string): NginxDump {
  const parsed = parseNginxDump(text);
  if (parsed.kind === 'error') assert.fail(parsed.message);
  return parsed.dump;
}

function errorOf(text: string): string {
  const parsed = parseNginxDump(text);
  assert.equal(parsed.kind, 'error', 'expected the text to be refused');
  return parsed.kind === 'error' ? parsed.message : '';
}

/** The CLI's JSON diagnostics for main configs read through a host. */
function diagnosticsOf(paths: string[], host: ConfigHost): JsonDiagnostic[] {
  const result = checkPaths(paths, host, {});
  const textOf = (file: string): string | undefined => result.trees.map((t) => t.files.get(file)?.text).find((t) => t !== undefined);
  return toJsonDiagnostics(result.diagnostics, textOf);
}

function diagnosticsOfDump(text: string): JsonDiagnostic[] {
  const dump = dumpOf(text);
  return diagnosticsOf([dump.mainFile], createDumpHost(dump));
}

describe('the framing of nginx -T', () => {
  test('each file is the marker line, its text, then one line break', () => {
    const dump = dumpOf('# configuration file /etc/nginx/nginx.conf:\nevents {}\n\n# configuration file /etc/nginx/a.conf:\nserver {}\n# configuration file /etc/nginx/b.conf:\n\n');
    assert.deepEqual(dump.files.map((f) => [f.path, f.text, f.dumpLine]), [
      ['/etc/nginx/nginx.conf', 'events {}\n', 2],
      ['/etc/nginx/a.conf', 'server {}', 5],
      ['/etc/nginx/b.conf', '', 7],
    ]);
    assert.equal(dump.mainFile, '/etc/nginx/nginx.conf');
  });

  test('the verdict, warnings and nginx -V output may come first; -V gives the versions', () => {
    const v = 'nginx version: nginx/1.18.0\nbuilt with OpenSSL 1.1.1f  31 Mar 2020 (running with OpenSSL 1.1.1w  11 Sep 2023)\nTLS SNI support enabled\nconfigure arguments: --with-cc-opt=\'-g -O2\' --with-http_v2_module --with-stream=dynamic --add-dynamic-module=/build/njs/nginx\n';
    const dump = dumpOf(`${v}nginx: [warn] the "ssl" directive is deprecated, use the "listen ... ssl" directive instead in /etc/nginx/nginx.conf:3\nnginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n# configuration file /etc/nginx/nginx.conf:\nevents {}\n\n`);
    assert.equal(dump.files.length, 1);
    assert.deepEqual(dump.build, {
      nginxVersion: '1.18.0',
      opensslBuiltWith: '1.1.1f',
      opensslRunningWith: '1.1.1w',
      modules: ['http_v2_module', 'stream', '/build/njs/nginx'],
      configureArguments: ["--with-cc-opt='-g", "-O2'", '--with-http_v2_module', '--with-stream=dynamic', '--add-dynamic-module=/build/njs/nginx'],
    });
  });

  test('CRLF line ends throughout are read as LF; a CR inside one file of an LF dump is kept', () => {
    const lf = '# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n}\n\n';
    assert.deepEqual(dumpOf(lf.replace(/\n/g, '\r\n')).files, dumpOf(lf).files);
    assert.equal(dumpOf('# configuration file /etc/nginx/nginx.conf:\nevents {}\r\n\n').files[0].text, 'events {}\r\n');
  });

  test('paths are normalized as the loader names them; a file dumped twice counts once', () => {
    const dump = dumpOf('# configuration file /etc/nginx/nginx.conf:\nx;\n# configuration file /etc/nginx/./mime.types:\ny;\n# configuration file /etc/nginx/mime.types:\ny;\n');
    assert.deepEqual(dump.files.map((f) => f.path), ['/etc/nginx/nginx.conf', '/etc/nginx/mime.types']);
  });

  test('a marker-like comment with a relative path stays part of the file', () => {
    const dump = dumpOf('# configuration file /etc/nginx/nginx.conf:\n# configuration file notes.txt:\nevents {}\n');
    assert.equal(dump.files[0].text, '# configuration file notes.txt:\nevents {}');
  });

  test('text that is not a dump is refused with one sentence', () => {
    assert.match(errorOf('events {}\nhttp {}\n'), /^not an nginx -T dump: no "# configuration file PATH:" line/);
    assert.match(errorOf(''), /^not an nginx -T dump/);
    assert.match(errorOf('hello\n# configuration file /etc/nginx/nginx.conf:\nevents {}\n'), /^not an nginx -T dump: line 1 /);
    assert.match(errorOf('nginx: [emerg] unknown directive "sll" in /etc/nginx/nginx.conf:3\nnginx: configuration file /etc/nginx/nginx.conf test failed\n'),
      /the test failed \(nginx: \[emerg\] unknown directive "sll"/);
  });

  test('a dump cut short is refused: no final line break, or a marker with nothing after it', () => {
    assert.match(errorOf('# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {'), /truncated: it stops in the middle of line 3/);
    assert.match(errorOf('# configuration file /etc/nginx/nginx.conf:\nevents {}\n# configuration file /etc/nginx/a.conf:\n'), /truncated: "\/etc\/nginx\/a.conf" \(line 3\) has no content/);
  });

  test('a dump cut at a line end is caught by what nginx would have refused', () => {
    const cut = dumpOf('# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n  server {\n');
    const cutTree = checkPaths([cut.mainFile], createDumpHost(cut), {});
    assert.match(findDumpTruncation(cut, cutTree.diagnostics) ?? '', /truncated: the last file, \/etc\/nginx\/nginx.conf, ends inside a block/);
    const missing = dumpOf('# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { include conf.d/*.conf; include mime.types; }\n\n');
    const missingTree = checkPaths([missing.mainFile], createDumpHost(missing), {});
    assert.equal(findDumpTruncation(missing, missingTree.diagnostics),
      'the nginx -T dump is incomplete: /etc/nginx/mime.types, included by /etc/nginx/nginx.conf, is not in it (was the output cut short?)');
  });

  test('includes resolve to dumped files, globs to the dumped files that match, in order', () => {
    const text = '# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { include sites/*; }\n\n'
      + '# configuration file /etc/nginx/sites/b:\nserver { listen 80; server_name b; bogus_directive 1; }\n\n'
      + '# configuration file /etc/nginx/sites/a:\nserver { listen 80; server_name a; }\n\n';
    const d = diagnosticsOfDump(text);
    assert.deepEqual(d.map((x) => [x.file, x.range.start.line, x.code]), [['/etc/nginx/sites/b', 0, 'unknown-directive']]);
  });
});

test('nginx -V of this machine reads as its version and OpenSSL', { skip: noNginx }, () => {
  const r = spawnSync(nginx as string, ['-V'], { encoding: 'utf8' });
  const info = parseNginxV(r.stderr);
  assert.ok(info, r.stderr);
  assert.match(info.nginxVersion, /^\d+\.\d+\.\d+$/);
  assert.equal(r.stderr.split('\n')[0], `nginx version: nginx/${info.nginxVersion}`);
  assert.match(info.opensslBuiltWith ?? '', /^\d+\.\d+\.\d+/);
  assert.ok(info.modules.includes('http_ssl_module'));
});

describe('dumps made by the real nginx -T analyse as the trees they came from', { skip: noNginx }, () => {
  let work = '';
  let pki: TestPki;
  let cli = '';

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-dump-'));
    cli = await bundleCli(work);
    const pkiDir = path.join(work, 'pki');
    fs.mkdirSync(pkiDir);
    pki = await createScenarioPki(pkiDir);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  /** Runs the real `nginx -T` (stderr too, as `2>&1` gives it) with its pid and log in the tree's directory. */
  function nginxDump(dir: string, conf: string): string {
    const r = spawnSync(nginx as string, ['-T', '-p', dir, '-c', conf, '-e', path.join(dir, 'error.log'), '-g', `pid ${path.join(dir, 'nginx.pid')};`], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stderr + r.stdout;
  }

  function assertSameAsTree(main: string, dumpText: string): void {
    const fromTree = diagnosticsOf([main], createNodeHost());
    const fromDump = diagnosticsOfDump(dumpText);
    assert.deepEqual(fromDump, fromTree, main);
  }

  const stage = (name: string): string => stageScenario(work, pki, name);

  for (const name of ['certbot-session-tickets', 'healthy', 'must-staple', 'stapling-never-works']) {
    test(`scenario ${name}`, () => {
      const dir = stage(name);
      const main = path.join(dir, 'nginx.conf');
      const text = nginxDump(dir, main);
      assert.ok(dumpOf(text).files.length >= 3);
      assertSameAsTree(main, text);
    });
  }

  test('a lab tree: no final newline, blank lines at the end, ./ paths, an empty file, a file included twice, a glob', () => {
    const dir = fs.mkdtempSync(path.join(work, 'lab-'));
    const write = (rel: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    write('nginx.conf', 'events {}\nhttp {\n  include ./conf.d/*.conf;\n  include empty.conf;\n  server { listen 127.0.0.1:8443 ssl; server_name blog.example.com;\n    include snippets/tls.conf;\n    ssl_stapling on;\n  }\n  server { listen 127.0.0.1:8444 ssl; server_name other.example.com; include snippets/tls.conf; }\n}\n');
    write('conf.d/a.conf', 'server { listen 127.0.0.1:8080; return 204; }');
    write('conf.d/b.conf', '\n\nserver {\n  listen 127.0.0.1:8081;\n  ssl_session_tickets off;\n}\n\n\n');
    write('empty.conf', '');
    write('snippets/tls.conf', `ssl_certificate ${pki.leaves['no-ocsp'].chain};\nssl_certificate_key ${pki.leaves['no-ocsp'].key};\n`);
    const main = path.join(dir, 'nginx.conf');
    const text = nginxDump(dir, main);
    assert.deepEqual(dumpOf(text).files.map((f) => path.relative(dir, f.path)), ['nginx.conf', 'conf.d/a.conf', 'conf.d/b.conf', 'empty.conf', 'snippets/tls.conf']);
    for (const f of dumpOf(text).files) assert.equal(f.text, fs.readFileSync(f.path, 'utf8'), f.path);
    assertSameAsTree(main, text);
    const fromTree = diagnosticsOf([main], createNodeHost());
    assert.ok(fromTree.some((d) => d.code === 'stapling-without-ocsp-url'), 'the lab tree should exercise a certificate rule');
    assert.deepEqual(diagnosticsOfDump(text.replace(/\n/g, '\r\n')), fromTree, 'CRLF');

    // Through the CLI: the same JSON from a file and from stdin; --root reads certificates under a copy.
    const dumpFile = path.join(dir, 'dump.txt');
    fs.writeFileSync(dumpFile, text);
    const viaFile = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--nginx-T', dumpFile], { encoding: 'utf8' });
    const viaTree = spawnSync(process.execPath, [cli, 'check', '--format', 'json', main], { encoding: 'utf8' });
    const viaStdin = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--nginx-T', '-'], { encoding: 'utf8', input: text });
    assert.equal(viaFile.status, viaTree.status, viaFile.stderr);
    assert.equal(viaFile.stdout, viaTree.stdout);
    assert.equal(viaStdin.stdout, viaTree.stdout);

    const moved = dumpOf(text.split(pki.leaves['no-ocsp'].chain).join('/srv/backup-of/leaf.pem'));
    const unreadable = diagnosticsOf([moved.mainFile], createDumpHost(moved));
    assert.ok(unreadable.some((d) => d.code === 'certificate-unreadable' && d.severity === 'information'));
    const copy = path.join(dir, 'copy');
    fs.mkdirSync(path.join(copy, 'srv/backup-of'), { recursive: true });
    fs.copyFileSync(pki.leaves['no-ocsp'].chain, path.join(copy, 'srv/backup-of/leaf.pem'));
    const rooted = diagnosticsOf([moved.mainFile], createDumpHost(moved, { root: copy }));
    assert.deepEqual(rooted.map((d) => d.code), fromTree.map((d) => d.code));
  });

  /** The dump without one file's marker and text. */
  function withoutFile(text: string, name: string): string {
    const start = text.indexOf(`${name}:\n`);
    const markerStart = text.lastIndexOf('# configuration file', start);
    const next = text.indexOf('\n# configuration file', start);
    return text.slice(0, markerStart) + (next < 0 ? '' : text.slice(next + 1));
  }

  test('the CLI: exit 2 and one message for a truncated or non-dump input', () => {
    const dir = stage('healthy');
    const text = nginxDump(dir, path.join(dir, 'nginx.conf'));
    for (const [input, message] of [
      [text.slice(0, text.length - 7), /^nginx-tls: --nginx-T -: the nginx -T dump is truncated/],
      [withoutFile(text, 'options-ssl-nginx.conf'), /^nginx-tls: the nginx -T dump is incomplete: .*options-ssl-nginx.conf, included by /],
      [fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8'), /^nginx-tls: --nginx-T -: not an nginx -T dump/],
    ] as const) {
      const r = spawnSync(process.execPath, [cli, 'check', '--nginx-T', '-'], { encoding: 'utf8', input });
      assert.equal(r.status, 2, r.stdout);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
  });

  test('probe --nginx-T takes the server to compare with from the dump', () => {
    const dumpFile = path.join(work, 'probe-dump.txt');
    fs.writeFileSync(dumpFile, '# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { include sites/*; }\n\n'
      + '# configuration file /etc/nginx/sites/a:\nserver { listen 127.0.0.1:1 ssl; server_name a.test; ssl_certificate /nonexistent/a.pem; ssl_certificate_key /nonexistent/a.key; }\n\n');
    // Port 1 on loopback refuses at once: the probe stops at the connection, after reading the dump.
    const r = spawnSync(process.execPath, [cli, 'probe', '--format', 'json', '--nginx-T', dumpFile, '--connect', '127.0.0.1:1', '--timeout-ms', '5000'], { encoding: 'utf8' });
    const report = JSON.parse(r.stdout) as { target: { serverName: string; port: number }; findings: { code: string }[] };
    assert.deepEqual([report.target.serverName, report.target.port], ['a.test', 1]);
    assert.deepEqual(report.findings.map((f) => f.code), ['probe-connect-failed']);
    const bad = spawnSync(process.execPath, [cli, 'probe', '--nginx-T', '-', 'a.test'], { encoding: 'utf8', input: 'events {}\n' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^nginx-tls: --nginx-T -: not an nginx -T dump/);
  });

  // Third-party configs run as nobody, without network, with /run and /var private (nginx -t
  // creates the pid file and opens logs): that needs root.
  const root = process.getuid?.() === 0 ? false : 'needs root (unshare -n -m) to run nginx -T on corpus configs safely';
  const corpus = fs.existsSync(CORPUS_DIR) ? false : `corpus not found at ${CORPUS_DIR}`;
  test('the corpus configs nginx -T accepts as they are', { skip: root || corpus }, () => {
    fs.chmodSync(work, 0o755);
    const scratch = fs.mkdtempSync(path.join(work, 'corpus-'));
    fs.chmodSync(scratch, 0o777);
    let multiFile = 0;
    for (const rel of CORPUS_DUMPABLE) {
      const main = path.join(CORPUS_DIR, rel);
      const script = 'mount -t tmpfs -o mode=1777 tmpfs /run && mount -t tmpfs -o mode=1777 tmpfs /var && mkdir -m 1777 -p /var/lib/nginx /var/log/nginx /var/cache/nginx '
        + '&& exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$1" -T -p "$2" -c "$3" -e "$2/error.log"';
      const r = spawnSync('unshare', ['-n', '-m', 'sh', '-c', script, '-', nginx as string, scratch, main], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, `${rel}: ${r.stderr}`);
      if (dumpOf(r.stdout).files.length > 1) multiFile++;
      assertSameAsTree(main, r.stderr + r.stdout);
    }
    assert.ok(multiFile >= 7, `only ${multiFile} dumps with includes`);
  });
});
