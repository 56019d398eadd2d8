import type { X509Certificate } from 'node:crypto';
import type { CertificateInfo } from './types';

let crypto: typeof import('node:crypto') | undefined;

/** node:crypto, loaded when a signature is first checked: loading it is about 8 ms of every CLI run, most of which read no certificate. */
function x509(der: Uint8Array): X509Certificate {
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  return new crypto.X509Certificate(der);
}

/**
 * True when one of `candidates` issued `leaf`: OpenSSL's X509_check_issued (issuer DN, AKI/SKI,
 * keyCertSign), the same test nginx uses to find the stapling issuer in the chain, plus the signature.
 */
export function isIssuedByAny(leaf: X509Certificate, candidates: readonly X509Certificate[]): boolean {
  return candidates.some((candidate) => {
    try {
      return leaf.checkIssued(candidate) && leaf.verify(candidate.publicKey);
    } catch {
      return false;
    }
  });
}

// Parsed certificates are shared while their files are unchanged (see readCertificateFile), and
// each analysis asks the same questions of them again: a signature check per server and keystroke
// was most of an edit's time in a tree of 200 TLS sites.
const verdicts = new WeakMap<CertificateInfo, WeakMap<CertificateInfo, boolean>>();

/** isIssuedByAny for two parsed certificates, remembered per pair. */
export function isIssuedBy(certificate: CertificateInfo, issuer: CertificateInfo): boolean {
  let byIssuer = verdicts.get(certificate);
  if (!byIssuer) verdicts.set(certificate, (byIssuer = new WeakMap()));
  let verdict = byIssuer.get(issuer);
  if (verdict === undefined) {
    try {
      verdict = isIssuedByAny(x509(certificate.der), [x509(issuer.der)]);
    } catch {
      verdict = false;
    }
    byIssuer.set(issuer, verdict);
  }
  return verdict;
}

/** Whether two certificates hold the same public key (so one private key serves both). */
export function samePublicKey(a: CertificateInfo, b: CertificateInfo): boolean {
  try {
    return x509(a.der).publicKey.equals(x509(b.der).publicKey);
  } catch {
    return false;
  }
}
