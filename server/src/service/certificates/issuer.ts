import type { X509Certificate } from 'node:crypto';

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
