import { X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import type { ConfigTree } from '../../model/configTree';
import { readCertificateFile, type CertificateInfo } from '../../certificates';
import { isIssuedByAny } from '../../certificates/issuer';
import { resolveConfigPath, type ServerCertificate } from '../../model/serverCertificates';
import { effectiveValue, isOn, type HttpServer, type Placed } from '../../model/serverModel';

/** Where nginx would send OCSP requests for one certificate. */
export type Responder =
  | { kind: 'host'; host: string; url: string }
  | { kind: 'ip'; host: string; url: string }
  | { kind: 'none' }
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
  /** Where the issuer of a certificate is found (see IssuerLookup). */
  issuerOf(certificate: ServerCertificate): IssuerLookup;
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
  const issuerOf = (certificate: ServerCertificate): IssuerLookup => {
    if (certificate.kind !== 'ok') return 'unknown';
    if (certificate.file.issuerInChain) return 'chain';
    if (storeValues.length === 0) return 'missing';
    if (!readCertificates) return 'unknown';
    let unreadable = false;
    for (const value of storeValues) {
      if (value.includes('$')) {
        unreadable = true;
        continue;
      }
      const configured = resolveConfigPath(tree, value);
      const file = readCertificateFile(tree.localPath?.(configured) ?? configured);
      if (file.kind !== 'ok') {
        unreadable = true;
        continue;
      }
      if (holdsIssuerOf(certificate.leaf, file.chain)) return 'trusted';
    }
    return unreadable ? 'unknown' : 'missing';
  };
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
    issuerOf,
  };
}

/** Whether one of `candidates` issued `leaf` (OpenSSL's X509_check_issued plus the signature). */
export function holdsIssuerOf(leaf: CertificateInfo, candidates: readonly CertificateInfo[]): boolean {
  try {
    return isIssuedByAny(new X509Certificate(leaf.der), candidates.map((c) => new X509Certificate(c.der)));
  } catch {
    return false;
  }
}

function responderFromUrl(url: string): Responder {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return net.isIP(host) ? { kind: 'ip', host, url } : { kind: 'host', host, url };
  } catch {
    return { kind: 'unknown' };
  }
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
