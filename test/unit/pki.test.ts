import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LEAF_NAMES, VARIANT_LEAF_NAMES, type LeafName, type TestPki, createTestPki } from '../support/pki';

const opensslMissing = spawnSync('openssl', ['version']).error !== undefined;
const skipWithoutOpenssl = opensslMissing && 'the openssl binary is not installed (apt-get install openssl)';

let dir: string;
let pki: TestPki;
let generationMs: number;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-pki-'));
  const started = performance.now();
  pki = await createTestPki(dir);
  generationMs = performance.now() - started;
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs openssl in the PKI directory and returns stdout + stderr (it reports verification on stderr). */
function openssl(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function opensslOk(...args: string[]): string {
  const { status, output } = openssl(...args);
  assert.equal(status, 0, `openssl ${args.join(' ')}\n${output}`);
  return output;
}

describe('createTestPki', () => {
  test('is fast and writes every file', () => {
    assert.ok(generationMs < 2000, `took ${generationMs} ms`);
    const expected = ['root.crt', 'intermediate.crt', 'intermediate.key', 'ca-chain.crt', 'ocsp-signer.crt', 'ocsp-signer.key', 'index.txt'];
    for (const name of LEAF_NAMES) expected.push(`${name}.crt`, `${name}.chain.crt`, `${name}.key`);
    for (const file of expected) assert.ok(fs.statSync(path.join(dir, file)).size > 0, file);
    assert.equal(pki.leaves['must-staple'].crt, path.join(dir, 'must-staple.crt'));
    assert.equal(pki.ocspUrl, 'http://127.0.0.1:8888/');
    assert.match(fs.readFileSync(pki.leaves.ocsp.key, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  });

  test('index.txt has one OpenSSL CA database line per leaf', () => {
    const lines = fs.readFileSync(pki.index, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, LEAF_NAMES.length + VARIANT_LEAF_NAMES.length);
    for (const name of LEAF_NAMES) {
      const leaf = pki.leaves[name];
      const line = lines.find((candidate) => candidate.split('\t')[3] === leaf.serial.toUpperCase());
      assert.ok(line, `${name} is in index.txt`);
      const [status, expiry, revocation, , file, subject] = line.split('\t');
      assert.equal(status, name === 'revoked' ? 'R' : 'V');
      assert.match(expiry ?? '', /^\d{12}Z$/);
      assert.match(revocation ?? '', name === 'revoked' ? /^\d{12}Z$/ : /^$/);
      assert.equal(file, 'unknown');
      assert.equal(subject, `/CN=${name}.test`);
    }
  });

  test('the variant leaves name OCSP URLs nginx cannot use', () => {
    assert.equal(pki.variants['https-ocsp'].ocspUrl, 'https://127.0.0.1:8888/');
    assert.equal(pki.variants['no-scheme-ocsp'].ocspUrl, '127.0.0.1:8888/');
    assert.equal(pki.variants['must-staple-https'].mustStaple, true);
  });

  test('dnsNames can be overridden', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-pki-names-'));
    try {
      const custom = await createTestPki(other, { dnsNames: { ocsp: ['a.example', 'b.example'] } });
      assert.deepEqual(custom.leaves.ocsp.dnsNames, ['a.example', 'b.example']);
      assert.deepEqual(custom.leaves['no-ocsp'].dnsNames, ['no-ocsp.test', 'www.no-ocsp.test']);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('createTestPki checked with the openssl binary', { skip: skipWithoutOpenssl }, () => {
  test('chains verify; the expired leaf is reported expired', () => {
    for (const name of LEAF_NAMES) {
      const { status, output } = openssl('verify', '-CAfile', pki.root.crt, '-untrusted', pki.intermediate.crt, pki.leaves[name].crt);
      if (name === 'expired') {
        assert.notEqual(status, 0);
        assert.match(output, /certificate has expired/);
      } else {
        assert.equal(status, 0, output);
        assert.match(output, /: OK/);
      }
    }
    assert.match(opensslOk('verify', '-CAfile', pki.root.crt, '-untrusted', pki.intermediate.crt, pki.ocspSigner.crt), /: OK/);
  });

  test('extensions as openssl sees them', () => {
    for (const name of LEAF_NAMES) {
      const text = opensslOk('x509', '-in', pki.leaves[name].crt, '-noout', '-text');
      assert.equal(/TLS Feature:\s*\n\s*status_request/.test(text), name === 'must-staple', `${name} Must-Staple`);
      assert.equal(text.includes('OCSP - URI:http://127.0.0.1:8888/'), name !== 'no-ocsp', `${name} OCSP URL`);
      assert.match(text, new RegExp(`DNS:${name}\\.test, DNS:www\\.${name}\\.test`));
    }
    const signer = opensslOk('x509', '-in', pki.ocspSigner.crt, '-noout', '-text');
    assert.match(signer, /OCSP Signing/);
    assert.match(signer, /OCSP No Check/);
  });

  test('every key matches its certificate', () => {
    const pairs: Array<[string, string]> = [
      [pki.intermediate.crt, pki.intermediate.key],
      [pki.ocspSigner.crt, pki.ocspSigner.key],
      ...LEAF_NAMES.map((name): [string, string] => [pki.leaves[name].crt, pki.leaves[name].key]),
    ];
    for (const [crt, key] of pairs) {
      assert.equal(opensslOk('x509', '-in', crt, '-noout', '-pubkey'), opensslOk('pkey', '-in', key, '-pubout'), crt);
    }
  });

  const expectations: Array<[LeafName, 'good' | 'revoked']> = [
    ['must-staple', 'good'],
    ['ocsp', 'good'],
    ['expiring', 'good'],
    ['revoked', 'revoked'],
  ];
  for (const [name, status] of expectations) {
    test(`openssl ocsp -index answers ${status} for ${name}`, () => {
      const leaf = pki.leaves[name];
      const request = path.join(dir, `${name}.req.der`);
      const response = path.join(dir, `${name}.resp.der`);
      opensslOk('ocsp', '-issuer', pki.intermediate.crt, '-cert', leaf.crt, '-reqout', request);
      opensslOk(
        'ocsp', '-index', pki.index, '-CA', pki.intermediate.crt, '-rsigner', pki.ocspSigner.crt, '-rkey', pki.ocspSigner.key,
        '-reqin', request, '-respout', response,
      );
      const output = opensslOk(
        // -no_nonce: this step builds its own request, whose fresh nonce the response cannot echo.
        'ocsp', '-no_nonce', '-respin', response, '-issuer', pki.intermediate.crt, '-cert', leaf.crt, '-CAfile', pki.caChain, '-resp_text',
      );
      assert.match(output, /Response verify OK/);
      assert.match(output, new RegExp(`Responder Id: .*CN = nginx-tls Test OCSP Signer`));
      assert.match(output, new RegExp(`Serial Number: ${leaf.serial.toUpperCase()}`));
      assert.match(output, new RegExp(`${leaf.crt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${status}\\n`));
      if (status === 'revoked') assert.match(output, /Revocation Time:/);
    });
  }
});
