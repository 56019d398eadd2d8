// TLS servers in stream {}: their certificates are checked like http's, a Must-Staple certificate
// there can be stapled only from nginx 1.27.2, and the http-only rules leave them alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTree, createNodeHost, loadConfig, type AnalysisSettings } from '../../server/src/service';
import { clearCertificateCache } from '../../server/src/service/certificates';
import { createTestPki, type TestPki } from '../support/pki';

let dir: string;
let pki: TestPki;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-stream-'));
  fs.mkdirSync(path.join(dir, 'certs'));
  pki = await createTestPki(path.join(dir, 'certs'), { ocspUrl: 'http://127.0.0.1:8888/' });
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function codes(stream: string, settings: Partial<AnalysisSettings> = {}): { code: string; message: string }[] {
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, `events {}\nstream {\n${stream}\n}\n`);
  clearCertificateCache();
  return analyzeTree(loadConfig(conf, { host: createNodeHost() }), settings)
    .filter((d) => d.code !== 'unknown-directive' && d.code !== 'directive-not-allowed-here')
    .map((d) => ({ code: d.code, message: d.message }));
}

const server = (leaf: keyof TestPki['leaves'], extra = ''): string =>
  `  server {\n    listen 127.0.0.1:9443 ssl;\n    ssl_certificate ${pki.leaves[leaf].chain};\n    ssl_certificate_key ${pki.leaves[leaf].key};\n    proxy_pass 127.0.0.1:9;\n${extra}  }\n`;

test('a Must-Staple certificate in stream before 1.27.2 can never be stapled: an error naming the version', () => {
  const found = codes(server('must-staple'), { nginxVersion: '1.22.1' });
  assert.deepEqual(found.map((f) => f.code), ['must-staple-without-stapling']);
  assert.match(found[0].message, /nginx 1\.22\.1's stream module cannot staple at all \(ssl_stapling exists there only from 1\.27\.2\)/);
});

test('with the version unknown, the message says from which version stream can staple', () => {
  const found = codes(server('must-staple'));
  assert.deepEqual(found.map((f) => f.code), ['must-staple-without-stapling']);
  assert.match(found[0].message, /only from 1\.27\.2/);
});

test('near miss: nginx 1.27.2 with ssl_stapling on in the stream server', () => {
  assert.deepEqual(codes(server('must-staple', '    ssl_stapling on;\n'), { nginxVersion: '1.27.2' }).map((f) => f.code), []);
});

test('near miss: a certificate without Must-Staple, and no stapling rule for stream servers', () => {
  assert.deepEqual(codes(server('ocsp'), { nginxVersion: '1.22.1' }), []);
});

test('an expired certificate in a stream server is reported like in http', () => {
  assert.deepEqual(codes(server('expired')).map((f) => f.code), ['certificate-expired']);
});
