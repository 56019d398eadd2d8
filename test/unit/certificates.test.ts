import 'reflect-metadata';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate as NodeX509Certificate, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as x509 from '@peculiar/x509';
import {
  type CertificateFileResult,
  type CertificateInfo,
  MAX_CERTIFICATE_FILE_BYTES,
  certificateCoversName,
  clearCertificateCache,
  findChainOrderProblem,
  readCertificateFile,
} from '../../server/src/service/certificates';
import { LEAF_NAMES, type TestPki, createTestPki } from '../support/pki';

let dir: string;
let pki: TestPki;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-certs-'));
  pki = await createTestPki(dir);
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => clearCertificateCache());

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function readOk(file: string): Extract<CertificateFileResult, { kind: 'ok' }> {
  const result = readCertificateFile(file);
  assert.equal(result.kind, 'ok', result.kind === 'error' ? result.message : '');
  return result as Extract<CertificateFileResult, { kind: 'ok' }>;
}

function readError(file: string): Extract<CertificateFileResult, { kind: 'error' }> {
  const result = readCertificateFile(file);
  assert.equal(result.kind, 'error', `expected an error for ${file}`);
  return result as Extract<CertificateFileResult, { kind: 'error' }>;
}

function leafInfo(name: (typeof LEAF_NAMES)[number]): CertificateInfo {
  return readOk(pki.leaves[name].crt).chain[0]!;
}

/** A self-signed EC certificate with the given subject and extensions, as PEM. */
async function selfSignedPem(subject: string, extensions: x509.Extension[]): Promise<string> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: subject,
    keys: keys as unknown as x509.X509CertificateCreateSelfSignedParams['keys'],
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions,
  });
  return cert.toString('pem') + '\n';
}

function pemOf(label: string, body: Uint8Array | string): string {
  const base64 = typeof body === 'string' ? body : Buffer.from(body).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;
}

describe('readCertificateFile: certificate details', () => {
  test('Must-Staple is detected on the must-staple leaf only', () => {
    for (const name of LEAF_NAMES) {
      assert.equal(leafInfo(name).mustStaple, name === 'must-staple', name);
    }
    for (const info of readOk(pki.caChain).chain) assert.equal(info.mustStaple, false);
  });

  test('a TLS Feature extension without status_request is not Must-Staple', async () => {
    // RFC 7633 TLSFeature { status_request_v2 (17) }
    const feature = new x509.Extension('1.3.6.1.5.5.7.1.24', false, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x11]));
    const file = write('feature17.crt', await selfSignedPem('CN=feature17.test', [feature]));
    assert.equal(readOk(file).chain[0]!.mustStaple, false);
  });

  test('OCSP URLs come from the AIA; no-ocsp has none', () => {
    for (const name of LEAF_NAMES) {
      const info = leafInfo(name);
      assert.deepEqual(info.ocspUrls, name === 'no-ocsp' ? [] : ['http://127.0.0.1:8888/'], name);
      assert.deepEqual(info.caIssuersUrls, [], name);
    }
  });

  test('several OCSP and caIssuers URLs keep their order', async () => {
    const aia = new x509.AuthorityInfoAccessExtension({
      ocsp: ['http://ocsp-a.test/', 'http://ocsp-b.test/'],
      caIssuers: ['http://ca.test/int.der', 'http://ca2.test/int.der'],
    });
    const info = readOk(write('aia.crt', await selfSignedPem('CN=aia.test', [aia]))).chain[0]!;
    assert.deepEqual(info.ocspUrls, ['http://ocsp-a.test/', 'http://ocsp-b.test/']);
    assert.deepEqual(info.caIssuersUrls, ['http://ca.test/int.der', 'http://ca2.test/int.der']);
  });

  test('the OCSP URL is configurable', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-certs-url-'));
    try {
      const custom = await createTestPki(other, { ocspUrl: 'http://127.0.0.2:9999/ocsp' });
      assert.deepEqual(readOk(custom.leaves.ocsp.crt).chain[0]!.ocspUrls, ['http://127.0.0.2:9999/ocsp']);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('validity dates match what was issued', () => {
    const now = Date.now();
    for (const name of LEAF_NAMES) {
      const info = leafInfo(name);
      assert.equal(info.notBefore.getTime(), pki.leaves[name].notBefore.getTime(), name);
      assert.equal(info.notAfter.getTime(), pki.leaves[name].notAfter.getTime(), name);
    }
    assert.ok(leafInfo('expired').notAfter.getTime() < now);
    const daysLeft = (leafInfo('expiring').notAfter.getTime() - now) / 86_400_000;
    assert.ok(daysLeft > 9.9 && daysLeft <= 10, `expiring leaf has ${daysLeft} days left`);
  });

  test('names, serial, subject, issuer and key ids', () => {
    const result = readOk(pki.leaves['must-staple'].chain);
    const [leaf, intermediate] = result.chain;
    assert.ok(leaf && intermediate);
    assert.deepEqual(leaf.dnsNames, ['must-staple.test', 'www.must-staple.test']);
    assert.deepEqual(leaf.ipAddresses, []);
    assert.equal(leaf.commonName, 'must-staple.test');
    assert.equal(leaf.subject, 'CN=must-staple.test');
    assert.equal(leaf.issuer, pki.intermediate.subject);
    assert.equal(leaf.serialNumber, pki.leaves['must-staple'].serial);
    assert.match(leaf.serialNumber, /^[0-9a-f]+$/);
    assert.equal(leaf.isCA, false);
    assert.equal(intermediate.isCA, true);
    assert.equal(intermediate.subject, pki.intermediate.subject);
    assert.equal(intermediate.serialNumber, pki.intermediate.serial);
    assert.match(leaf.subjectKeyId ?? '', /^[0-9a-f]{40}$/);
    assert.equal(leaf.authorityKeyId, intermediate.subjectKeyId);
  });

  test('fingerprint and DER agree with Node (OpenSSL)', () => {
    for (const name of LEAF_NAMES) {
      const reference = new NodeX509Certificate(fs.readFileSync(pki.leaves[name].crt));
      const info = leafInfo(name);
      assert.equal(info.sha256Fingerprint, reference.fingerprint256.replace(/:/g, '').toLowerCase(), name);
      assert.deepEqual(Buffer.from(info.der), reference.raw, name);
    }
  });

  test('IP SANs, a CN-only certificate and a SAN with an otherName', async () => {
    const san = new x509.SubjectAlternativeNameExtension([
      { type: 'dns', value: 'mixed.test' },
      { type: 'ip', value: '192.0.2.7' },
      { type: 'ip', value: '2001:db8:0:0:0:0:0:1' },
      { type: 'upn', value: 'someone@mixed.test' },
    ]);
    const mixed = readOk(write('mixed.crt', await selfSignedPem('CN=mixed.test', [san]))).chain[0]!;
    assert.deepEqual(mixed.dnsNames, ['mixed.test']);
    assert.deepEqual(mixed.ipAddresses, ['192.0.2.7', '2001:db8::1']);

    const cnOnly = readOk(write('cn-only.crt', await selfSignedPem('CN=legacy.test, O=Old', []))).chain[0]!;
    assert.deepEqual(cnOnly.dnsNames, []);
    assert.equal(cnOnly.commonName, 'legacy.test');
    assert.equal(cnOnly.subjectKeyId, undefined);
  });

  test('issuerInChain: true for .chain.crt, false for a leaf alone or a foreign CA', () => {
    for (const name of LEAF_NAMES) {
      assert.equal(readOk(pki.leaves[name].chain).issuerInChain, true, `${name}.chain.crt`);
      assert.equal(readOk(pki.leaves[name].crt).issuerInChain, false, `${name}.crt`);
    }
    const leafAndRoot = write('leaf-root.crt', fs.readFileSync(pki.leaves.ocsp.crt, 'utf8') + fs.readFileSync(pki.root.crt, 'utf8'));
    assert.equal(readOk(leafAndRoot).issuerInChain, false);
    assert.equal(readOk(pki.caChain).issuerInChain, true, 'root issued the intermediate');
  });

  test('issuerInChain is false when the issuer DN and key id match but the key did not sign', async () => {
    // Same DN and same SKI as the real intermediate, different key: only the signature tells.
    const realInfo = readOk(pki.intermediate.crt).chain[0]!;
    const impostor = await selfSignedPem(pki.intermediate.subject, [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectKeyIdentifierExtension(realInfo.subjectKeyId!),
    ]);
    const file = write('impostor.chain.crt', fs.readFileSync(pki.leaves.ocsp.crt, 'utf8') + impostor);
    assert.equal(readOk(file).issuerInChain, false);
  });

  test('private key blocks inside a certificate file are skipped without decoding', () => {
    const key = fs.readFileSync(pki.leaves.ocsp.key, 'utf8');
    const broken = '-----BEGIN PRIVATE KEY-----\n!!! not base64, never decoded !!!\n-----END PRIVATE KEY-----\n';
    const chain = fs.readFileSync(pki.leaves.ocsp.chain, 'utf8');
    const result = readOk(write('with-key.pem', `${key}${broken}${chain}`));
    assert.equal(result.chain.length, 2);
    assert.equal(result.issuerInChain, true);
  });

  test('text around the blocks and CRLF line endings are accepted, like OpenSSL does', () => {
    const chain = fs.readFileSync(pki.leaves.ocsp.chain, 'utf8').replace(/\n/g, '\r\n');
    const result = readOk(write('bag.pem', `Bag Attributes\r\n    friendlyName: ocsp\r\nsubject=CN = ocsp.test\r\n${chain}# end\r\n`));
    assert.equal(result.chain.length, 2);
  });
});

describe('readCertificateFile: PEM as OpenSSL reads it (audit against nginx 1.22.1)', () => {
  const leaf = (): string => fs.readFileSync(pki.leaves.ocsp.crt, 'utf8');
  const intermediate = (): string => fs.readFileSync(pki.intermediate.crt, 'utf8');
  const indent = (pem: string): string => pem.replace(/^/gm, '    ').replace(/ +$/, '');

  test('markers must start their line: an indented file (pasted from YAML) holds no certificate (nginx -t: no start line)', () => {
    const result = readCertificateFile(write('indented.pem', indent(leaf() + intermediate())));
    assert.equal(result.kind, 'error');
    assert.equal(result.kind === 'error' && result.reason, 'no-certificate');
  });

  test('an indented intermediate is not in the chain nginx sends (s_client shows the leaf alone)', () => {
    const result = readOk(write('indented-int.pem', leaf() + indent(intermediate())));
    assert.equal(result.chain.length, 1);
    assert.equal(result.issuerInChain, false);
  });

  test('an intermediate labelled TRUSTED CERTIFICATE is passed over by nginx\'s chain reader; as the first block it is read', () => {
    const trusted = (pem: string): string => pem.replace(/(BEGIN|END) CERTIFICATE/g, '$1 TRUSTED CERTIFICATE');
    const asChain = readOk(write('chain-trusted.pem', leaf() + trusted(intermediate())));
    assert.equal(asChain.chain.length, 1);
    assert.equal(asChain.issuerInChain, false);
    const asLeaf = readOk(write('leaf-trusted.pem', trusted(leaf()) + intermediate()));
    assert.equal(asLeaf.chain.length, 2);
    assert.equal(asLeaf.issuerInChain, true);
  });

  test('base64 begun on the BEGIN line: OpenSSL passes that block over and takes the next certificate as the first', () => {
    const joined = leaf().replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----') + intermediate();
    const result = readOk(write('same-line.pem', joined));
    assert.equal(result.chain.length, 1);
    assert.equal(result.chain[0].subject, pki.intermediate.subject);
  });

  test('a UTF-8 byte order mark before the first marker, and any control byte after a marker, are passed over as OpenSSL does', () => {
    const bom = readOk(write('bom.pem', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(leaf() + intermediate())])));
    assert.equal(bom.chain.length, 2);
    const formFeed = readOk(write('ff.pem', (leaf() + intermediate()).replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\f\n')));
    assert.equal(formFeed.chain.length, 2);
  });

  test('a blank line inside the base64 is refused as OpenSSL refuses it; right after BEGIN it is fine (nginx -t 1.22.1: PEM_read_bio_X509_AUX() failed)', () => {
    const lines = leaf().split('\n');
    const blankAfterData = readCertificateFile(write('blank-after.pem', [...lines.slice(0, 2), '', ...lines.slice(2)].join('\n') + intermediate()));
    assert.equal(blankAfterData.kind === 'error' && blankAfterData.reason, 'garbage');
    assert.match(blankAfterData.kind === 'error' ? blankAfterData.message : '', /a blank line inside its base64/);
    const end = lines.findIndex((l) => l.startsWith('-----END'));
    const blankBeforeEnd = readCertificateFile(write('blank-end.pem', [...lines.slice(0, end), '  ', ...lines.slice(end)].join('\n') + intermediate()));
    assert.equal(blankBeforeEnd.kind === 'error' && blankBeforeEnd.reason, 'garbage');
    const blankAfterBegin = readOk(write('blank-begin.pem', [lines[0], '', ...lines.slice(1)].join('\n') + intermediate()));
    assert.equal(blankAfterBegin.chain.length, 2);
  });

  test('lines ending with a lone CR hold no marker for OpenSSL; blanks after a marker are fine', () => {
    const crOnly = readCertificateFile(write('cr-only.pem', (leaf() + intermediate()).replace(/\n/g, '\r')));
    assert.equal(crOnly.kind === 'error' && crOnly.reason, 'no-certificate');
    const blanks = readOk(write('blanks.pem', (leaf() + intermediate()).replace(/-----\n/g, '-----  \t\n')));
    assert.equal(blanks.chain.length, 2);
  });
});

describe('findChainOrderProblem', () => {
  const chainOf = (file: string): CertificateInfo[] => readOk(file).chain;
  const subjects = (problem: ReturnType<typeof findChainOrderProblem>): (string | undefined)[] =>
    problem ? [problem.first.subject, problem.issued?.subject, problem.server?.subject] : [];

  test('a chain written in reverse: the intermediate issued the leaf after it', () => {
    assert.deepEqual(subjects(findChainOrderProblem(chainOf(pki.odd.ocspReversed))), [pki.intermediate.subject, pki.leaves.ocsp.subject, pki.leaves.ocsp.subject]);
  });

  test('the root in front of leaf and intermediate: it issued the intermediate', () => {
    assert.deepEqual(subjects(findChainOrderProblem(chainOf(pki.odd.ocspRootFirst))), [pki.root.subject, pki.intermediate.subject, pki.leaves.ocsp.subject]);
  });

  test('a CA certificate before an end-entity certificate it did not issue', () => {
    const file = write('foreign-ca-first.crt', fs.readFileSync(pki.odd.selfSigned.crt, 'utf8') + fs.readFileSync(pki.leaves.ocsp.crt, 'utf8'));
    assert.deepEqual(subjects(findChainOrderProblem(chainOf(file))), ['CN=self-signed.test', undefined, pki.leaves.ocsp.subject]);
  });

  test('near misses: leaf first, leaf alone, self-signed CA:TRUE alone or twice, cross-signed root at the end, CA certificates only', () => {
    const twice = write('self-signed-twice.crt', fs.readFileSync(pki.odd.selfSigned.crt, 'utf8').repeat(2));
    for (const file of [pki.leaves.ocsp.chain, pki.leaves.ocsp.crt, pki.odd.selfSigned.crt, twice, pki.odd.ocspCrossChain, pki.caChain, pki.odd.direct.crt]) {
      assert.equal(findChainOrderProblem(chainOf(file)), undefined, path.basename(file));
    }
  });
});

describe('readCertificateFile: errors', () => {
  test('not-found', () => {
    const missing = path.join(dir, 'missing.pem');
    const error = readError(missing);
    assert.equal(error.reason, 'not-found');
    assert.equal(error.path, missing);
    assert.equal(error.message, `cannot read "${missing}": no such file`);
    assert.equal(readError(path.join(pki.leaves.ocsp.crt, 'below-a-file')).reason, 'not-found');
  });

  test('is-directory', () => {
    const error = readError(dir);
    assert.equal(error.reason, 'is-directory');
    assert.equal(error.message, `"${dir}" is a directory, not a certificate file`);
  });

  test('too-large', () => {
    const file = write('huge.pem', Buffer.alloc(MAX_CERTIFICATE_FILE_BYTES + 1, 0x41));
    const error = readError(file);
    assert.equal(error.reason, 'too-large');
    assert.match(error.message, /is too large for a certificate file \(1048577 bytes, limit 1 MiB\)$/);
    assert.equal(readError(write('exactly-limit.pem', Buffer.alloc(MAX_CERTIFICATE_FILE_BYTES, 0x41))).reason, 'no-certificate');
  });

  test('unreadable: not a regular file (a FIFO is never opened)', () => {
    const fifo = path.join(dir, 'fifo.pem');
    execFileSync('mkfifo', [fifo]);
    const error = readError(fifo);
    assert.equal(error.reason, 'unreadable');
    assert.equal(error.message, `cannot read "${fifo}": not a regular file`);
  });

  test('unreadable: permission denied', { skip: process.getuid?.() === 0 && 'running as root: file permissions do not apply' }, () => {
    const file = write('secret.pem', fs.readFileSync(pki.leaves.ocsp.crt));
    fs.chmodSync(file, 0o000);
    const error = readError(file);
    assert.equal(error.reason, 'unreadable');
    assert.equal(error.message, `cannot read "${file}": permission denied`);
  });

  test('no-certificate: empty file', () => {
    const file = write('empty.pem', '');
    const error = readError(file);
    assert.equal(error.reason, 'no-certificate');
    assert.equal(error.message, `no PEM certificate found in "${file}": the file is empty`);
    assert.equal(readError(write('blank.pem', '\n  \n')).reason, 'no-certificate');
  });

  test('no-certificate: a DER certificate, with a hint that nginx needs PEM', () => {
    const file = write('cert.der', new NodeX509Certificate(fs.readFileSync(pki.leaves.ocsp.crt)).raw);
    const error = readError(file);
    assert.equal(error.reason, 'no-certificate');
    assert.match(error.message, /^no PEM certificate found in ".*cert\.der": it holds a binary \(DER\) certificate, but nginx needs PEM/);
    assert.match(error.message, /openssl x509 -inform der/);
  });

  test('no-certificate: the private key file', () => {
    const error = readError(pki.leaves.ocsp.key);
    assert.equal(error.reason, 'no-certificate');
    assert.equal(
      error.message,
      `no PEM certificate found in "${pki.leaves.ocsp.key}": it holds a private key (is this the ssl_certificate_key file?)`,
    );
  });

  test('no-certificate: other PEM blocks and plain text', () => {
    const csr = readError(write('req.pem', pemOf('CERTIFICATE REQUEST', randomBytes(64))));
    assert.equal(csr.reason, 'no-certificate');
    assert.match(csr.message, /: it only holds CERTIFICATE REQUEST$/);
    const text = write('notes.txt', 'server { listen 443 ssl; }\n');
    assert.deepEqual(readError(text), {
      kind: 'error',
      path: text,
      reason: 'no-certificate',
      message: `no PEM certificate found in "${text}"`,
    });
  });

  test('garbage: invalid base64 in a certificate block', () => {
    const file = write('bad-base64.pem', '-----BEGIN CERTIFICATE-----\nthis is *not* base64!\n-----END CERTIFICATE-----\n');
    const error = readError(file);
    assert.equal(error.reason, 'garbage');
    assert.equal(error.message, `"${file}" contains a certificate that cannot be parsed: invalid base64`);
  });

  test('garbage: valid base64 that is not a certificate', () => {
    const file = write('not-a-cert.pem', pemOf('CERTIFICATE', randomBytes(300)));
    const error = readError(file);
    assert.equal(error.reason, 'garbage');
    assert.match(error.message, /^".*not-a-cert\.pem" contains a certificate that cannot be parsed: \S/);
  });

  test('garbage: missing END line, and a broken second certificate', () => {
    const leaf = fs.readFileSync(pki.leaves.ocsp.crt, 'utf8');
    const truncated = readError(write('truncated.pem', leaf.slice(0, leaf.indexOf('-----END'))));
    assert.equal(truncated.reason, 'garbage');
    assert.match(truncated.message, /cannot be parsed: no "-----END CERTIFICATE-----" line$/);

    const second = readError(write('bad-second.pem', leaf + pemOf('CERTIFICATE', 'AAAA')));
    assert.equal(second.reason, 'garbage');
    assert.match(second.message, /cannot be parsed: certificate 2 of 2: /);
  });
});

describe('readCertificateFile: cache', () => {
  test('an unchanged file is parsed once: the same object comes back', () => {
    const first = readCertificateFile(pki.leaves.ocsp.chain);
    assert.equal(first.kind, 'ok');
    assert.equal(readCertificateFile(pki.leaves.ocsp.chain), first);
    clearCertificateCache();
    const afterClear = readCertificateFile(pki.leaves.ocsp.chain);
    assert.notEqual(afterClear, first);
    assert.deepEqual(afterClear, first);
  });

  test('a changed size or mtime is read again', () => {
    const file = write('changing.pem', fs.readFileSync(pki.leaves.ocsp.crt));
    const first = readOk(file);
    fs.appendFileSync(file, '\n');
    const grown = readOk(file);
    assert.notEqual(grown, first);
    assert.equal(readCertificateFile(file), grown);

    fs.writeFileSync(file, fs.readFileSync(pki.leaves['no-ocsp'].crt)); // same size, other content
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(file, future, future);
    assert.equal(readOk(file).chain[0]!.commonName, 'no-ocsp.test');
  });

  test('results are frozen so a caller cannot corrupt the cache', () => {
    const result = readOk(pki.leaves.ocsp.chain);
    assert.ok(Object.isFrozen(result) && Object.isFrozen(result.chain) && Object.isFrozen(result.chain[0]));
    assert.throws(() => (result.chain[0]!.dnsNames as string[]).push('evil.test'));
  });
});

describe('readCertificateFile: hostile input never throws', () => {
  // Deterministic so a failure can be reproduced.
  function prng(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function bytes(random: () => number, length: number): Uint8Array {
    return Uint8Array.from({ length }, () => Math.floor(random() * 256));
  }

  test('random bytes, random PEM bodies and mutated certificates', () => {
    const random = prng(0x6e67696e);
    const der = new Uint8Array(new NodeX509Certificate(fs.readFileSync(pki.leaves['must-staple'].crt)).raw);
    const file = path.join(dir, 'fuzz.pem');
    const kinds = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      let content: Uint8Array | string;
      switch (i % 5) {
        case 0:
          content = bytes(random, Math.floor(random() * 4096));
          break;
        case 1: // DER-looking binary
          content = Uint8Array.from([0x30, 0x82, ...bytes(random, Math.floor(random() * 2048))]);
          break;
        case 2:
          content = pemOf('CERTIFICATE', bytes(random, Math.floor(random() * 1024)));
          break;
        default: {
          const keep = random() < 0.3 ? Math.floor(der.length * random()) + 1 : der.length;
          const mutated = der.slice(0, keep);
          for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
            mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
          }
          content = i % 2 ? pemOf('CERTIFICATE', mutated) : mutated;
        }
      }
      fs.writeFileSync(file, content);
      clearCertificateCache();
      let result: CertificateFileResult | undefined;
      assert.doesNotThrow(() => {
        result = readCertificateFile(file);
      }, `iteration ${i}`);
      assert.ok(result && (result.kind === 'ok' || result.message.length > 0), `iteration ${i}`);
      const key = result.kind === 'ok' ? 'ok' : result.reason;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
    for (const kind of ['ok', 'garbage', 'no-certificate']) {
      assert.ok((kinds.get(kind) ?? 0) > 0, `no "${kind}" outcome in ${JSON.stringify([...kinds])}`);
    }
  });

  test('odd paths', () => {
    assert.equal(readError('').reason, 'not-found');
    assert.equal(readError('bad\0path.pem').reason, 'unreadable');
    assert.equal(readError('/dev/null').reason, 'unreadable');
  });

  test('many BEGIN lines without END stay fast', () => {
    const file = write('begins.pem', '-----BEGIN CERTIFICATE-----\n'.repeat(30_000));
    const started = performance.now();
    assert.equal(readError(file).reason, 'garbage');
    assert.ok(performance.now() - started < 1000);
  });
});

describe('certificateCoversName', () => {
  const base: CertificateInfo = {
    subject: 'CN=example.com',
    issuer: 'CN=Test CA',
    serialNumber: '01',
    notBefore: new Date(0),
    notAfter: new Date(0),
    dnsNames: [],
    ipAddresses: [],
    mustStaple: false,
    ocspUrls: [],
    caIssuersUrls: [],
    isCA: false,
    sha256Fingerprint: '',
    der: new Uint8Array(),
  };
  const withSans = (dnsNames: string[], ipAddresses: string[] = [], commonName?: string): CertificateInfo => ({
    ...base,
    dnsNames,
    ipAddresses,
    ...(commonName === undefined ? {} : { commonName }),
  });

  test('the generated leaves cover their own names only', () => {
    const info = leafInfo('ocsp');
    assert.equal(certificateCoversName(info, 'ocsp.test'), true);
    assert.equal(certificateCoversName(info, 'www.ocsp.test'), true);
    assert.equal(certificateCoversName(info, 'other.test'), false);
    assert.equal(certificateCoversName(info, 'api.ocsp.test'), false);
  });

  test('exact names: case-insensitive, trailing dot ignored', () => {
    const info = withSans(['Example.COM', 'www.example.com']);
    assert.equal(certificateCoversName(info, 'example.com'), true);
    assert.equal(certificateCoversName(info, 'WWW.Example.Com'), true);
    assert.equal(certificateCoversName(info, 'example.com.'), true);
    assert.equal(certificateCoversName(info, 'example.org'), false);
    assert.equal(certificateCoversName(info, 'xexample.com'), false);
    assert.equal(certificateCoversName(info, ''), false);
  });

  test('wildcards: only the whole left-most label, exactly one label deep', () => {
    const info = withSans(['*.example.com']);
    assert.equal(certificateCoversName(info, 'a.example.com'), true);
    assert.equal(certificateCoversName(info, 'A.EXAMPLE.com'), true);
    assert.equal(certificateCoversName(info, 'example.com'), false);
    assert.equal(certificateCoversName(info, 'a.b.example.com'), false);
    assert.equal(certificateCoversName(info, '.example.com'), false);
    assert.equal(certificateCoversName(info, 'aexample.com'), false);
    assert.equal(certificateCoversName(info, '*.example.com'), true, 'an nginx wildcard server_name');
    assert.equal(certificateCoversName(withSans(['f*.example.com']), 'foo.example.com'), false);
    assert.equal(certificateCoversName(withSans(['a.*.example.com']), 'a.b.example.com'), false);
    assert.equal(certificateCoversName(withSans(['*.com']), 'example.com'), false);
    assert.equal(certificateCoversName(withSans(['*']), 'localhost'), false);
  });

  test('CN is used only when there are no DNS SANs', () => {
    assert.equal(certificateCoversName(withSans([], [], 'legacy.test'), 'legacy.test'), true);
    assert.equal(certificateCoversName(withSans([], [], '*.legacy.test'), 'a.legacy.test'), true);
    assert.equal(certificateCoversName(withSans(['san.test'], [], 'legacy.test'), 'legacy.test'), false);
    assert.equal(certificateCoversName(withSans([], ['192.0.2.1'], 'legacy.test'), 'legacy.test'), true);
    assert.equal(certificateCoversName(withSans([]), 'example.com'), false);
  });

  test('IP names match IP SANs only', () => {
    const info = withSans(['192.0.2.9', 'example.com'], ['192.0.2.1', '2001:db8::1'], '192.0.2.9');
    assert.equal(certificateCoversName(info, '192.0.2.1'), true);
    assert.equal(certificateCoversName(info, '192.0.2.9'), false, 'a DNS SAN or CN never matches an IP');
    assert.equal(certificateCoversName(info, '2001:DB8:0:0::1'), true);
    assert.equal(certificateCoversName(info, '[2001:db8::1]'), true);
    assert.equal(certificateCoversName(info, '2001:db8::2'), false);
    assert.equal(certificateCoversName(withSans([], ['::1'], '::1'), '::1'), true);
    assert.equal(certificateCoversName(withSans([], [], '127.0.0.1'), '127.0.0.1'), false);
  });

  test('internationalised names compare as A-labels', () => {
    const info = withSans(['xn--bcher-kva.example', '*.xn--mnchen-3ya.example']);
    assert.equal(certificateCoversName(info, 'bücher.example'), true);
    assert.equal(certificateCoversName(info, 'BÜCHER.example'), true);
    assert.equal(certificateCoversName(info, 'www.münchen.example'), true);
  });
});
