import { isIssuedBy } from './issuer';
import type { CertificateInfo } from './types';

/**
 * Why the first certificate of a file cannot be the server's own: it issued a later certificate
 * of the file (the chain written in reverse, or a CA put in front), or it is a CA certificate
 * followed by an end-entity one.
 */
export interface ChainOrderProblem {
  /** The certificate nginx takes as the server's (the first of the file). */
  first: CertificateInfo;
  /** The end-entity certificate later in the file, most likely the server's own; undefined when none is. */
  server: CertificateInfo | undefined;
  /** A later certificate that `first` issued, when there is one. */
  issued: CertificateInfo | undefined;
}

/**
 * Checks the order of an `ssl_certificate` file from its certificates alone (the key is never
 * read). nginx loads the first certificate as the server's and the rest as its chain, so a file
 * that starts with a CA certificate fails `SSL_CTX_use_PrivateKey(...) ... key values mismatch`.
 * A single certificate is never a problem: a self-signed server certificate often carries
 * CA:TRUE (what `openssl req -x509` makes), and the same certificate twice is harmless.
 */
export function findChainOrderProblem(chain: readonly CertificateInfo[]): ChainOrderProblem | undefined {
  const [first, ...rest] = chain;
  if (!first) return undefined;
  const others = rest.filter((c) => c.sha256Fingerprint !== first.sha256Fingerprint);
  if (others.length === 0) return undefined;
  const server = others.find((c) => !c.isCA);
  const issued = others.find((c) => isIssuedBy(c, first));
  if (!issued && !(first.isCA && server)) return undefined;
  return { first, server, issued };
}
