// The certification path as a browser builds it, dates and names aside: from the served leaf
// through the served chain to a trusted root (Node's root store plus the user's extra CAs).
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { isIssuedByAny } from '../service/certificates/issuer';
import { decodePemBody, isCertificateLabel, splitPemBlocks } from '../service/certificates/pem';
import type { CertificatePath } from '../service/probe/types';

// Longer than any real chain; bounds the walk on a server sending a loop.
const MAX_PATH_LENGTH = 10;

let systemRoots: X509Certificate[] | undefined;

/** Walks the served chain (DER, leaf first) to a trusted root; `caPem` adds roots and intermediates. */
export function checkCertificatePath(served: readonly Uint8Array[], caPem: string | undefined): CertificatePath | undefined {
  const chain = served.flatMap((der) => parsed(der) ?? []);
  const leaf = chain[0];
  if (!leaf) return undefined;
  const extra = caPem ? certificatesOfPem(caPem) : [];
  // OpenSSL (and so Node) only ends a path at a self-signed certificate of the store; the
  // others of --ca serve as intermediates.
  const anchors = [...roots(), ...extra.filter(isSelfSigned)];
  const intermediates = extra.filter((cert) => !isSelfSigned(cert));
  const caIssuersUrl = /CA Issuers - URI:(\S+)/.exec(leaf.infoAccess ?? '')?.[1];
  const base = caIssuersUrl ? { caIssuersUrl } : {};

  let current = leaf;
  const used = new Set<X509Certificate>([leaf]);
  for (let step = 0; step < MAX_PATH_LENGTH; step++) {
    const anchor = anchors.find((candidate) => candidate.fingerprint256 === current.fingerprint256 || isIssuedByAny(current, [candidate]));
    if (anchor) return { trustedRoot: true, complete: true, root: oneLine(anchor.subject), ...base };
    const next = chain.find((candidate) => !used.has(candidate) && isIssuedByAny(current, [candidate]));
    if (!next) break;
    used.add(next);
    current = next;
  }
  if (isSelfSigned(current)) return { trustedRoot: false, complete: true, selfSigned: true, ...base };
  const missingIssuer = oneLine(current.issuer);
  // The server leaves a certificate out: can the probe go on with the user's intermediates?
  let bridge: X509Certificate | undefined = current;
  for (let step = 0; bridge && step < MAX_PATH_LENGTH; step++) {
    const from: X509Certificate = bridge;
    const anchor = anchors.find((candidate) => isIssuedByAny(from, [candidate]));
    if (anchor) return { trustedRoot: true, complete: false, missingIssuer, missingIssuerFoundIn: 'ca', root: oneLine(anchor.subject), ...base };
    bridge = intermediates.find((candidate) => isIssuedByAny(from, [candidate]));
  }
  return { trustedRoot: false, complete: false, missingIssuer, lastIsCa: current.ca, ...base };
}

function roots(): X509Certificate[] {
  systemRoots ??= tls.rootCertificates.flatMap((pem) => parsed(pem) ?? []);
  return systemRoots;
}

function isSelfSigned(cert: X509Certificate): boolean {
  return isIssuedByAny(cert, [cert]);
}

function parsed(data: Uint8Array | string): X509Certificate | undefined {
  try {
    return new X509Certificate(data);
  } catch {
    return undefined;
  }
}

function certificatesOfPem(pem: string): X509Certificate[] {
  return splitPemBlocks(pem).flatMap((block) => {
    const der = isCertificateLabel(block.label) && block.body !== undefined ? decodePemBody(block.body) : undefined;
    return der ? (parsed(der) ?? []) : [];
  });
}

// Node prints distinguished names one attribute per line.
function oneLine(name: string): string {
  return name.split('\n').join(', ');
}
