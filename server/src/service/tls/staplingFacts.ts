import * as net from 'node:net';
import type { RuleContext } from '../rules/rule';
import type { ServerCertificate } from './serverCertificates';
import { effectiveValue, isOn, type HttpServer, type Placed } from './serverModel';

/** Where nginx would send OCSP requests for one certificate. */
export type Responder =
  | { kind: 'host'; host: string; url: string }
  | { kind: 'ip'; host: string; url: string }
  | { kind: 'none' }
  | { kind: 'unknown' };

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
}

/** Collects a server's stapling settings in effect (own, else inherited from http). */
export function staplingFacts(server: HttpServer, context: RuleContext): StaplingFacts {
  const placed = (name: string): Placed | undefined => effectiveValue(server, name)?.placed;
  return {
    on: isOn(server, 'ssl_stapling', false),
    stapling: placed('ssl_stapling'),
    verify: placed('ssl_stapling_verify'),
    verifyOn: isOn(server, 'ssl_stapling_verify', false),
    responder: placed('ssl_stapling_responder'),
    file: placed('ssl_stapling_file'),
    resolver: placed('resolver'),
    resolverTimeout: placed('resolver_timeout'),
    trusted: placed('ssl_trusted_certificate'),
    certificates: context.certificates(server),
  };
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
