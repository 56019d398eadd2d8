// DER OCSP responses made with `openssl ocsp`, for nginx's ssl_stapling_file (served unchecked).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { TestLeaf, TestPki } from '../pki';

const OPENSSL_TIMEOUT_MS = 10_000;

/** Writes the PKI responder's answer for `leaf` to `out` (DER) and returns `out`. */
export function writeOcspResponse(pki: TestPki, leaf: TestLeaf, out: string, options: { signer?: 'delegated' | 'issuer'; validityMinutes?: number } = {}): string {
  const request = `${out}.req`;
  const signer = options.signer === 'issuer' ? pki.intermediate : pki.ocspSigner;
  execFileSync('openssl', ['ocsp', '-issuer', pki.intermediate.crt, '-cert', leaf.crt, '-no_nonce', '-reqout', request], { timeout: OPENSSL_TIMEOUT_MS, stdio: 'pipe' });
  execFileSync(
    'openssl',
    ['ocsp', '-index', pki.index, '-CA', pki.intermediate.crt, '-rsigner', signer.crt, '-rkey', signer.key, '-nmin', String(options.validityMinutes ?? 60), '-reqin', request, '-respout', out],
    { timeout: OPENSSL_TIMEOUT_MS, stdio: 'pipe' },
  );
  fs.rmSync(request, { force: true });
  return out;
}

/**
 * The same response with one digit of its producedAt changed: still well-formed DER, but the
 * signed data no longer matches the signature.
 */
export function tamperSignedData(der: Uint8Array): Uint8Array {
  const copy = Buffer.from(der);
  // The first GeneralizedTime (tag 0x18, length 15, YYYYMMDDHHMMSSZ) of a response is producedAt.
  const at = copy.findIndex((byte, i) => byte === 0x18 && copy[i + 1] === 0x0f && copy[i + 16] === 0x5a);
  if (at < 0) throw new Error('no producedAt found');
  const lastDigit = at + 15;
  copy[lastDigit] = copy[lastDigit] === 0x30 ? 0x31 : 0x30;
  return new Uint8Array(copy);
}
