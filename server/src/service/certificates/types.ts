/** What one X.509 certificate from a PEM file tells us (results are cached and frozen: do not mutate). */
export interface CertificateInfo {
  /** Subject DN, RFC 4514 style (`CN=example.com, O=Example`). */
  subject: string;
  /** Issuer DN, same format as subject. */
  issuer: string;
  /** Lowercase hex without a sign byte. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** dNSName SANs, as written in the certificate. */
  dnsNames: string[];
  /** iPAddress SANs (dotted IPv4, compressed lowercase IPv6). */
  ipAddresses: string[];
  /** The most specific (last) CN of the subject. */
  commonName?: string;
  /** TLS Feature extension lists status_request (OCSP Must-Staple, RFC 7633). */
  mustStaple: boolean;
  /** AIA id-ad-ocsp URIs, in certificate order. */
  ocspUrls: string[];
  /** AIA id-ad-caIssuers URIs, in certificate order. */
  caIssuersUrls: string[];
  /** Basic Constraints cA flag. */
  isCA: boolean;
  /** SHA-256 of the DER, lowercase hex without separators. */
  sha256Fingerprint: string;
  /** Subject Key Identifier, lowercase hex. */
  subjectKeyId?: string;
  /** Authority Key Identifier keyIdentifier, lowercase hex. */
  authorityKeyId?: string;
  der: Uint8Array;
}

/** Why a certificate file could not be used. */
export type CertificateFileErrorReason =
  | 'not-found'
  | 'unreadable'
  | 'is-directory'
  | 'too-large'
  | 'no-certificate'
  | 'garbage';

/** A certificate file with at least one parsable certificate; chain[0] is the leaf. */
export interface CertificateFileOk {
  kind: 'ok';
  path: string;
  chain: CertificateInfo[];
  /** The leaf's issuer is among the later certificates of the same file. */
  issuerInChain: boolean;
}

/** A certificate file that nginx could not load, with a message fit for a diagnostic. */
export interface CertificateFileError {
  kind: 'error';
  path: string;
  reason: CertificateFileErrorReason;
  message: string;
}

/** Result of reading one `ssl_certificate` / `ssl_trusted_certificate` file. */
export type CertificateFileResult = CertificateFileOk | CertificateFileError;
