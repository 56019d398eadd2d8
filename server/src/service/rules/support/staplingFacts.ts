import * as net from 'node:net';
import type { ConfigTree } from '../../model/configTree';
import type { CertificateInfo } from '../../certificates';
import { isIssuedBy } from '../../certificates/issuer';
import { readConfiguredFile, resolveConfigPath, type ServerCertificate } from '../../model/serverCertificates';
import { effectiveValue, isOn, type HttpServer, type Placed } from '../../model/serverModel';

/** Where nginx would send OCSP requests for one certificate. */
export type Responder =
  | { kind: 'host'; host: string; url: string }
  | { kind: 'ip'; host: string; url: string }
  | { kind: 'none' }
  /**
   * A URL nginx cannot use: not `http://` (nginx's OCSP client speaks plain HTTP only) or not
   * parsable; nginx logs `[warn] "ssl_stapling" ignored, ${logged} in OCSP responder "URL"`.
   */
  | { kind: 'invalid'; url: string; logged: string }
  | { kind: 'unknown' };

/**
 * Whether nginx finds the issuer it needs to build OCSP requests: in the `ssl_certificate` file's
 * chain, in a trust file (`ssl_trusted_certificate`, or `ssl_client_certificate` while client
 * verification is on), `missing` (nginx logs "ssl_stapling" ignored, issuer certificate not
 * found), or `unknown` when a file involved cannot be read.
 */
export type IssuerLookup = 'chain' | 'trusted' | 'missing' | 'unknown';

/** What a server's config says about OCSP stapling, with where each setting comes from. */
export interface StaplingFacts {
  on: boolean;
  stapling: Placed | undefined;
  verify: Placed | undefined;
  verifyOn: boolean;
  responder: Placed | undefined;
  file: Placed | undefined;
  resolver: Placed | undefined;
  resolverTimeout: Placed | undefined;
  trusted: Placed | undefined;
  certificates: ServerCertificate[];
  /**
   * The `ssl_certificate` or `ssl_certificate_key` with variables that makes nginx load the
   * server's certificates per handshake: then nginx staples nothing and logs no warning.
   */
  perHandshake: Placed | undefined;
  /** Where the issuer of a certificate is found (see IssuerLookup). */
  issuerOf(certificate: ServerCertificate): IssuerLookup;
  /** The issuer certificate itself, when found in the chain or a readable trust file. */
  issuerCertificateOf(certificate: ServerCertificate): CertificateInfo | undefined;
}

/** Client verification modes under which nginx loads `ssl_client_certificate` into the store. */
const CLIENT_VERIFY_MODES = new Set(['on', 'optional', 'optional_no_ca']);

/**
 * Collects a server's stapling settings in effect (own, else inherited from http), given its
 * certificates; trust files are read only when `readCertificates` allows.
 */
export function staplingFacts(server: HttpServer, tree: ConfigTree, certificates: ServerCertificate[], readCertificates: boolean): StaplingFacts {
  const placed = (name: string): Placed | undefined => effectiveValue(server, name)?.placed;
  const trusted = placed('ssl_trusted_certificate');
  // ngx_ssl_stapling_issuer looks in the certificate's chain, then in the SSL_CTX store, which
  // holds ssl_trusted_certificate and, when client verification is on, ssl_client_certificate.
  const storeFiles = [trusted];
  if (CLIENT_VERIFY_MODES.has(effectiveValue(server, 'ssl_verify_client')?.value.toLowerCase() ?? 'off')) {
    storeFiles.push(placed('ssl_client_certificate'));
  }
  const storeValues = storeFiles.flatMap((p) => (p?.directive.args[0] ? [p.directive.args[0].value] : []));
  const lookUp = (certificate: ServerCertificate): { lookup: IssuerLookup; issuer?: CertificateInfo } => {
    if (certificate.kind !== 'ok') return { lookup: 'unknown' };
    if (certificate.file.issuerInChain) return { lookup: 'chain', issuer: issuerAmong(certificate.leaf, certificate.file.chain.slice(1)) };
    if (storeValues.length === 0) return { lookup: 'missing' };
    if (!readCertificates) return { lookup: 'unknown' };
    let unreadable = false;
    for (const value of storeValues) {
      if (value.includes('$')) {
        unreadable = true;
        continue;
      }
      const file = readConfiguredFile(tree, resolveConfigPath(tree, value));
      if (file.kind !== 'ok') {
        unreadable = true;
        continue;
      }
      const issuer = issuerAmong(certificate.leaf, file.chain);
      if (issuer) return { lookup: 'trusted', issuer };
    }
    return { lookup: unreadable ? 'unknown' : 'missing' };
  };
  const issuerOf = (certificate: ServerCertificate): IssuerLookup => lookUp(certificate).lookup;
  const issuerCertificateOf = (certificate: ServerCertificate): CertificateInfo | undefined => lookUp(certificate).issuer;
  return {
    on: isOn(server, 'ssl_stapling', false),
    stapling: placed('ssl_stapling'),
    verify: placed('ssl_stapling_verify'),
    verifyOn: isOn(server, 'ssl_stapling_verify', false),
    responder: placed('ssl_stapling_responder'),
    file: placed('ssl_stapling_file'),
    resolver: placed('resolver'),
    resolverTimeout: placed('resolver_timeout'),
    trusted,
    certificates,
    perHandshake: certificates.find((c) => c.perHandshake)?.perHandshake,
    issuerOf,
    issuerCertificateOf,
  };
}

/** Whether one of `candidates` issued `leaf` (OpenSSL's X509_check_issued plus the signature). */
export function holdsIssuerOf(leaf: CertificateInfo, candidates: readonly CertificateInfo[]): boolean {
  return issuerAmong(leaf, candidates) !== undefined;
}

/** The first of `candidates` that issued `leaf`, if any. */
export function issuerAmong(leaf: CertificateInfo, candidates: readonly CertificateInfo[]): CertificateInfo | undefined {
  return candidates.find((c) => isIssuedBy(leaf, c));
}

/** nginx's test in ngx_ssl_stapling_responder: longer than 7 and `http://` in any case. */
const HTTP_PREFIX = /^http:\/\/./i;

function responderFromUrl(url: string): Responder {
  if (!HTTP_PREFIX.test(url)) return { kind: 'invalid', url, logged: 'invalid URL prefix' };
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (host === '') return { kind: 'invalid', url, logged: 'no host' };
    return net.isIP(host) ? { kind: 'ip', host, url } : { kind: 'host', host, url };
  } catch {
    return { kind: 'invalid', url, logged: 'invalid URL' };
  }
}

/**
 * Whether nginx loads the certificate per handshake (a variable in any `ssl_certificate` or
 * `ssl_certificate_key` of the server): it then does no OCSP stapling at all, and logs nothing.
 */
export function loadedPerHandshake(certificate: ServerCertificate): boolean {
  return certificate.perHandshake !== undefined;
}

/**
 * The responder nginx uses for a certificate: `ssl_stapling_responder` when set, else the first
 * OCSP URL of the certificate (ngx_ssl_stapling_responder).
 */
export function responderFor(facts: StaplingFacts, certificate: ServerCertificate): Responder {
  const override = facts.responder?.directive.args[0]?.value;
  if (override) return responderFromUrl(override);
  if (certificate.kind !== 'ok') return { kind: 'unknown' };
  const url = certificate.leaf.ocspUrls[0];
  return url ? responderFromUrl(url) : { kind: 'none' };
}

