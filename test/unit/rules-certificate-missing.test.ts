import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTree } from '../../server/src/service/analyzeTree';
import { LineIndex } from '../../server/src/service/lineIndex';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { findNginx, nginxTest } from '../support/nginxBinary';
import { createTestPki } from '../support/pki';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** The cases the fixture cannot hold (no fix, so nginx -t keeps failing): ours against a real nginx -t. */
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const HAS_STREAM = fs.existsSync(STREAM_MODULE);

/** `nginxLine`: where nginx reports it, when that is another line than ours (e.g. the "ssl" directive). */
const CASES: Record<string, { conf: string; line: number; nginxSays: string; nginxLine?: number; needsStream?: boolean }> = {
  '"ssl on" in http {} makes every server need a certificate': {
    conf: 'events {}\nhttp {\n  ssl on;\n  server {\n    listen 8443;\n    server_name b.test;\n  }\n}\n',
    line: 4,
    nginxLine: 3,
    nginxSays: 'no "ssl_certificate" is defined for the "ssl" directive',
  },
  '"ssl on" in a server that is not the default server still needs a certificate': {
    conf: 'events {}\nhttp {\n  server {\n    listen 8443 default_server;\n    server_name a.test;\n  }\n  server {\n    listen 8443;\n    server_name b.test;\n    ssl on;\n  }\n}\n',
    line: 7,
    nginxLine: 10,
    nginxSays: 'no "ssl_certificate" is defined for the "ssl" directive',
  },
  'a default server whose certificate was to come from an include glob that matches nothing': {
    conf: 'events {}\nhttp {\n  server {\n    listen 8443 ssl default_server;\n    server_name a.test;\n    include tls.d/*.conf;\n  }\n}\n',
    line: 3,
    nginxSays: 'no "ssl_certificate" is defined for the "listen ... ssl" directive',
  },
  'a stream server listening with ssl without a certificate': {
    conf: `load_module ${STREAM_MODULE};\nevents {}\nstream {\n  server {\n    listen 127.0.0.1:9443 ssl;\n    proxy_pass 127.0.0.1:9;\n  }\n  server {\n    listen 127.0.0.1:9444;\n    proxy_pass 127.0.0.1:9;\n  }\n}\n`,
    line: 4,
    nginxLine: 5,
    nginxSays: 'no "ssl_certificate" is defined for the "listen ... ssl" directive',
    needsStream: true,
  },
  'a server without a certificate where the default server rejects handshakes': {
    conf: 'events {}\nhttp {\n  server {\n    listen 8443 ssl default_server;\n    ssl_reject_handshake on;\n  }\n  server {\n    listen 8443 ssl;\n    server_name a.test;\n  }\n}\n',
    line: 7,
    nginxSays: 'no "ssl_certificate" is defined for the "listen ... ssl" directive',
  },
  'a certificate without its key': {
    conf: 'events {}\nhttp {\n  server {\n    listen 8443 ssl;\n    ssl_certificate /nonexistent/a.pem;\n  }\n}\n',
    line: 5,
    nginxSays: 'no "ssl_certificate_key" is defined for certificate',
  },
};

const nginx = findNginx();

test('certificate-missing matches what nginx -t refuses', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-certmissing-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, c] of Object.entries(CASES)) {
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, c.conf);
    const found = analyzeTree(loadConfig(file, { host: createNodeHost() }), {}).filter((d) => d.code === 'certificate-missing');
    assert.deepEqual(found.map((d) => new LineIndex(c.conf).positionAt(d.start).line + 1), [c.line], name);
    assert.ok(found[0].message.includes(c.nginxSays), `${name}: ${found[0].message}`);
    if (!nginx || (c.needsStream && !HAS_STREAM)) {
      t.diagnostic(`${nginx ? 'nginx\'s stream module (libnginx-mod-stream)' : 'nginx'} is not installed: "${name}" is compared with our expectation only`);
      continue;
    }
    const verdict = nginxTest(nginx, dir, file);
    assert.equal(verdict.ok, false, `${name}: nginx accepted it`);
    assert.ok(verdict.output.includes(c.nginxSays), `${name}: nginx said ${verdict.output}`);
    if (verdict.line !== undefined && verdict.file === file) assert.equal(verdict.line, c.nginxLine ?? c.line, name);
  }
});

test('a server with its own certificate and http {}\'s key: an error when the key is another certificate\'s, as nginx -t says', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-keypair-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pki = await createTestPki(dir);
  // A second certificate for the ocsp leaf's key: nginx accepts it with that key.
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(fs.readFileSync(pki.leaves.ocsp.key, 'utf8')), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']),
    publicKey: await new x509.X509Certificate(fs.readFileSync(pki.leaves.ocsp.crt, 'utf8')).publicKey.export(),
  };
  const sameKey = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=same-key.test', notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(Date.now() + 30 * 86_400_000), keys: keys as never, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
  const sameKeyFile = path.join(dir, 'same-key.crt');
  fs.writeFileSync(sameKeyFile, sameKey.toString('pem'));
  const conf = (own: string): string => `events {}\nhttp {\n  ssl_certificate ${pki.leaves.ocsp.chain};\n  ssl_certificate_key ${pki.leaves.ocsp.key};\n  server {\n    listen 8443 ssl;\n    server_name a.test;\n    ssl_certificate ${own};\n  }\n}\n`;
  const file = path.join(dir, 'nginx.conf');
  const run = (own: string, readCertificates = true): { found: { severity: string; line: number; message: string }[]; nginx?: ReturnType<typeof nginxTest> } => {
    fs.writeFileSync(file, conf(own));
    const found = analyzeTree(loadConfig(file, { host: createNodeHost() }), { readCertificates })
      .filter((d) => d.code === 'certificate-missing')
      .map((d) => ({ severity: d.severity, line: new LineIndex(conf(own)).positionAt(d.start).line + 1, message: d.message }));
    return { found, ...(nginx ? { nginx: nginxTest(nginx, dir, file) } : {}) };
  };

  const other = run(pki.leaves['no-ocsp'].chain);
  assert.deepEqual(other.found.map((f) => [f.severity, f.line]), [['error', 8]]);
  assert.match(other.found[0].message, /key values mismatch/);
  if (other.nginx) assert.match(other.nginx.output, /key values mismatch/);

  // Near misses: the same key (nginx -t passes), and unknown without reading certificates (a warning).
  const same = run(sameKeyFile);
  assert.deepEqual(same.found, []);
  if (same.nginx) assert.equal(same.nginx.ok, true, same.nginx.output);
  assert.deepEqual(run(pki.leaves['no-ocsp'].chain, false).found.map((f) => f.severity), ['warning']);
  if (!nginx) t.diagnostic('nginx is not installed: compared with our expectation only');
});
