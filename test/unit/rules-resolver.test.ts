// The resolver quick-fix: one resolver in http {} for several servers, none for a single server's
// http, and no fix at all where the responder is a name of this machine's /etc/hosts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTree, createNodeHost, loadConfig, type AnalysisSettings } from '../../server/src/service';
import { hostsFileNames, systemNameservers } from '../../server/src/system/localResolution';
import { createTestPki } from '../support/pki';

let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-resolver-'));
  fs.mkdirSync(path.join(dir, 'certs'));
  await createTestPki(path.join(dir, 'certs'), { ocspUrl: 'http://localhost:8888/' });
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const site = (name: string): string =>
  `  server {\n    listen 443 ssl;\n    server_name ${name};\n    ssl_certificate certs/ocsp.chain.crt;\n    ssl_certificate_key certs/ocsp.key;\n    ssl_stapling on;\n  }\n`;

function findings(http: string, settings: Partial<AnalysisSettings> = {}) {
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, `events {}\nhttp {\n${http}}\n`);
  return analyzeTree(loadConfig(conf, { host: createNodeHost() }), settings).filter((d) => d.code === 'stapling-without-resolver');
}

test('one server: the resolver goes into that server', () => {
  const [f] = findings(site('ocsp.test'));
  assert.match(f.fixes[0].title, /to this server$/);
});

test('several servers: one resolver in http {}, the same edit for each finding', () => {
  const found = findings(site('ocsp.test') + site('www.ocsp.test'));
  assert.equal(found.length, 2);
  assert.match(found[0].fixes[0].title, /to http \{\} \(for the 2 servers that staple without one\)/);
  assert.deepEqual(found[0].fixes[0].edits, found[1].fixes[0].edits);
  assert.match(found[0].fixes[0].edits[0].newText, /resolver 8\.8\.8\.8 1\.1\.1\.1 valid=300s;\n\s*resolver_timeout 5s;/);
});

test('the responder is in this machine\'s /etc/hosts: said, and no fix (a resolver would break the staple)', () => {
  const [f] = findings(site('ocsp.test'), { localHostNames: new Set(['localhost']) });
  assert.deepEqual(f.fixes, []);
  assert.match(f.message, /localhost is in this machine's \/etc\/hosts, which nginx's resolver never reads/);
});

test('near miss: /etc/hosts without the responder name keeps the fix', () => {
  const [f] = findings(site('ocsp.test'), { localHostNames: new Set(['other.test']) });
  assert.equal(f.fixes.length, 1);
});

test('resolv.conf nameservers as nginx takes them; /etc/hosts names', () => {
  assert.equal(systemNameservers('# comment\nnameserver 127.0.0.53\noptions edns0\nnameserver ::1\nnameserver fe80::1%eth0\n'), '127.0.0.53 [::1]');
  assert.equal(systemNameservers('search example.com\n'), undefined);
  assert.deepEqual([...hostsFileNames('127.0.0.1 localhost Loopback # x\n# 10.0.0.1 commented\n::1 ip6-localhost\nbogus line\n')], ['localhost', 'loopback', 'ip6-localhost']);
});
