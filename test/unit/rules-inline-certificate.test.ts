// Inline `data:` certificates without variables: nginx loads them at startup and staples them like
// files (measured: the stapling warnings name "data:..."), so the rules check them like files and
// never print their material.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTree } from '../../server/src/service/analyzeTree';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import type { ConfigDiagnostic } from '../../server/src/service/diagnostics';
import { createTestPki, type TestPki } from '../support/pki';
import { findNginx, nginxTest } from '../support/nginxBinary';

let dir: string;
let pki: TestPki;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-inline-'));
  fs.mkdirSync(path.join(dir, 'certs'));
  pki = await createTestPki(path.join(dir, 'certs'), { ocspUrl: 'http://127.0.0.1:8888/' });
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A config with one server serving the given certificate value (quoted) and key file. */
function write(certificate: string, key: string, body: string): string {
  const quoted = `"${certificate.replace(/["\\]/g, '\\$&')}"`;
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, `events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name must-staple.test;\n    ssl_certificate ${quoted};\n    ssl_certificate_key ${key};\n${body}  }\n}\n`);
  return conf;
}

function analyse(conf: string): ConfigDiagnostic[] {
  return analyzeTree(loadConfig(conf, { host: createNodeHost() }), {});
}

const pem = (file: string): string => fs.readFileSync(file, 'utf8');

test('a Must-Staple data: certificate without stapling is an error naming "the inline `data:` certificate"', () => {
  const leaf = pki.leaves['must-staple'];
  const diagnostics = analyse(write(`data:${pem(leaf.chain)}`, leaf.key, ''));
  const found = diagnostics.filter((d) => d.code === 'must-staple-without-stapling');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /the inline `data:` certificate requires a stapled OCSP response/);
  for (const d of diagnostics) assert.doesNotMatch(d.message, /BEGIN|MII/, `${d.code} prints certificate material`);
  assert.deepEqual(diagnostics.filter((d) => d.code === 'certificate-variable-path' || d.code === 'certificate-unreadable'), []);
});

test('a data: certificate without OCSP URL and ssl_stapling on: stapling-without-ocsp-url, as nginx warns', (t) => {
  const leaf = pki.leaves['no-ocsp'];
  const conf = write(`data:${pem(leaf.chain)}`, leaf.key, '    ssl_stapling on;\n');
  const found = analyse(conf).filter((d) => d.code === 'stapling-without-ocsp-url');
  assert.equal(found.length, 1);
  assert.doesNotMatch(found[0].message, /BEGIN|MII/);
  const nginx = findNginx();
  if (!nginx) return t.skip('nginx is not installed');
  const verdict = nginxTest(nginx, dir, conf);
  assert.ok(verdict.ok, verdict.output);
  assert.match(verdict.output, /"ssl_stapling" ignored, no OCSP responder URL in the certificate "data:-----BEGIN CERTIFICATE-----/);
});

test('a data: value that holds no certificate is unreadable, without its material in the message', () => {
  const found = analyse(write('data:-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n', pki.leaves.ocsp.key, '')).filter((d) => d.code === 'certificate-unreadable');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /the inline `data:` certificate/);
  assert.doesNotMatch(found[0].message, /not base64/);
});

test('a data: certificate with variables is loaded per handshake (certificate-variable-path)', () => {
  const found = analyse(write('data:$certificate_pem', pki.leaves.ocsp.key, '')).filter((d) => d.code === 'certificate-variable-path');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /^The inline `data:` certificate has variables/);
});

test('a data: certificate is never given a CA file "beside" it: no quick-fix names certificate material', () => {
  // findIssuerFile looks beside a certificate's file; a data: value has no folder (its dirname is
  // the working directory), so a chain.pem there must not be offered.
  const cwd = process.cwd();
  const beside = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-inline-cwd-'));
  fs.copyFileSync(pki.intermediate.crt, path.join(beside, 'chain.pem'));
  process.chdir(beside);
  try {
    const leaf = pki.leaves.ocsp;
    const diagnostics = analyse(write(`data:${pem(leaf.crt)}`, leaf.key, ''));
    const missing = diagnostics.filter((d) => d.code === 'stapling-missing');
    assert.equal(missing.length, 1, JSON.stringify(diagnostics.map((d) => d.code)));
    for (const d of diagnostics) {
      for (const edit of d.fixes.flatMap((f) => f.edits)) assert.doesNotMatch(edit.newText, /ssl_trusted_certificate|BEGIN|MII/, `${d.code}: ${edit.newText}`);
    }
  } finally {
    process.chdir(cwd);
    fs.rmSync(beside, { recursive: true, force: true });
  }
});
