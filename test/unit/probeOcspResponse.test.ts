// buildOcspRequest / checkOcspResponse against responses made by `openssl ocsp`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { OCSPResponse, OCSPResponseStatus } from '@peculiar/asn1-ocsp';
import { buildOcspRequest, checkOcspResponse } from '../../server/src/service/certificates/ocsp';
import { type TestPki, createTestPki } from '../support/pki';
import { tamperSignedData, writeOcspResponse } from '../support/lab';

const opensslMissing = spawnSync('openssl', ['version']).error !== undefined;

let dir: string;
let pki: TestPki;

function der(file: string): Uint8Array {
  return new Uint8Array(new X509Certificate(fs.readFileSync(file)).raw);
}

function response(name: keyof TestPki['leaves'], signer: 'delegated' | 'issuer' = 'delegated'): Uint8Array {
  return new Uint8Array(fs.readFileSync(writeOcspResponse(pki, pki.leaves[name], path.join(dir, `${name}-${signer}.der`), { signer })));
}

describe('OCSP responses', { skip: opensslMissing && 'the openssl binary is not installed (apt-get install openssl)' }, () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-ocsp-resp-'));
    pki = await createTestPki(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a delegated responder certified by the issuer: good, for this certificate, valid', () => {
    const check = checkOcspResponse(response('ocsp'), der(pki.leaves.ocsp.crt), der(pki.intermediate.crt));
    assert.equal(check.responseStatus, 'successful');
    assert.equal(check.certStatus, 'good');
    assert.equal(check.forCertificate, true);
    assert.equal(check.signature, 'valid');
    assert.equal(check.signer, 'delegated');
    assert.equal(check.signerSubject, 'CN=nginx-tls Test OCSP Signer, O=nginx-tls tests');
    assert.ok(check.thisUpdate && check.nextUpdate && check.producedAt);
    assert.equal(Date.parse(check.nextUpdate) - Date.parse(check.thisUpdate), 60 * 60 * 1000);
    assert.deepEqual(check.problems, []);
  });

  test('signed by the issuer itself', () => {
    const check = checkOcspResponse(response('ocsp', 'issuer'), der(pki.leaves.ocsp.crt), der(pki.intermediate.crt));
    assert.equal(check.signature, 'valid');
    assert.equal(check.signer, 'issuer');
  });

  test('revoked, with its revocation time', () => {
    const check = checkOcspResponse(response('revoked'), der(pki.leaves.revoked.crt), der(pki.intermediate.crt));
    assert.equal(check.certStatus, 'revoked');
    assert.ok(check.revocationTime);
  });

  test('a response for another certificate does not match the CertID', () => {
    const check = checkOcspResponse(response('ocsp'), der(pki.leaves['no-ocsp'].crt), der(pki.intermediate.crt));
    assert.equal(check.forCertificate, false);
  });

  test('checked against the wrong issuer: no CertID match, and the signer is not authorised', () => {
    const check = checkOcspResponse(response('ocsp'), der(pki.leaves.ocsp.crt), der(pki.root.crt));
    assert.equal(check.forCertificate, false);
    assert.equal(check.signature, 'untrusted-signer');
  });

  test('tampered signed data: invalid signature', () => {
    const check = checkOcspResponse(tamperSignedData(response('ocsp')), der(pki.leaves.ocsp.crt), der(pki.intermediate.crt));
    assert.equal(check.signature, 'invalid');
    assert.equal(check.certStatus, 'good');
  });

  test('issuer unknown: status read, nothing verified', () => {
    const check = checkOcspResponse(response('ocsp'), der(pki.leaves.ocsp.crt), undefined);
    assert.equal(check.certStatus, 'good');
    assert.equal(check.signature, 'issuer-unknown');
    assert.equal(check.forCertificate, undefined);
  });

  test('garbage and unsuccessful responses never throw', () => {
    const leaf = der(pki.leaves.ocsp.crt);
    const issuer = der(pki.intermediate.crt);
    const garbage = checkOcspResponse(new Uint8Array([0x30, 0x82, 0xff, 0xff, 1, 2, 3]), leaf, issuer);
    assert.equal(garbage.responseStatus, 'unparsable');
    assert.equal(garbage.problems.length, 1);
    const tryLater = new Uint8Array(AsnConvert.serialize(new OCSPResponse({ responseStatus: OCSPResponseStatus.tryLater })));
    assert.equal(checkOcspResponse(tryLater, leaf, issuer).responseStatus, 'tryLater');
    assert.equal(checkOcspResponse(new Uint8Array(0), leaf, issuer).responseStatus, 'unparsable');
  });

  test('buildOcspRequest makes a request openssl reads and answers', () => {
    const requestFile = path.join(dir, 'built.req.der');
    const responseFile = path.join(dir, 'built.resp.der');
    fs.writeFileSync(requestFile, buildOcspRequest(der(pki.leaves['must-staple'].crt), der(pki.intermediate.crt)));
    const text = execFileSync('openssl', ['ocsp', '-reqin', requestFile, '-req_text'], { encoding: 'utf8' });
    assert.match(text, new RegExp(`Serial Number: ${pki.leaves['must-staple'].serial.toUpperCase()}`));
    assert.match(text, /Hash Algorithm: sha1/);
    execFileSync('openssl', [
      'ocsp', '-index', pki.index, '-CA', pki.intermediate.crt, '-rsigner', pki.ocspSigner.crt, '-rkey', pki.ocspSigner.key,
      '-reqin', requestFile, '-respout', responseFile,
    ], { stdio: 'pipe' });
    const check = checkOcspResponse(new Uint8Array(fs.readFileSync(responseFile)), der(pki.leaves['must-staple'].crt), der(pki.intermediate.crt));
    assert.equal(check.certStatus, 'good');
    assert.equal(check.forCertificate, true);
  });
});
