import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { CertificateInfo } from './types';

/**
 * True when the certificate is valid for `name` (a host name or IP literal) under RFC 6125:
 * case-insensitive, `*` only as the whole left-most label, CN only when there are no DNS SANs.
 */
export function certificateCoversName(info: CertificateInfo, name: string): boolean {
  const ip = canonicalIp(name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name);
  if (ip !== undefined) {
    // RFC 6125 §6.2.1 / RFC 5280 §4.2.1.6: IP reference identities match iPAddress SANs only.
    return info.ipAddresses.some((address) => canonicalIp(address) === ip);
  }
  const host = canonicalHost(name);
  if (host === undefined) return false;
  // RFC 6125 §6.4.4: the CN is consulted only when the certificate has no DNS-ID.
  const patterns = info.dnsNames.length > 0 ? info.dnsNames : info.commonName === undefined ? [] : [info.commonName];
  return patterns.some((pattern) => dnsPatternMatches(pattern, host));
}

function dnsPatternMatches(rawPattern: string, host: string): boolean {
  const pattern = canonicalHost(rawPattern);
  if (pattern === undefined) return false;
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1); // ".example.com"
  // Like OpenSSL's X509_check_host: no `*.com`-style wildcards (at least two labels after `*`),
  // and `*` stands for exactly one non-empty label (RFC 6125 §6.4.3).
  if (!suffix.slice(1).includes('.') || suffix.includes('*')) return false;
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

// Lowercase ASCII (A-labels for IDNs) without a trailing root dot; undefined when unusable.
function canonicalHost(name: string): string | undefined {
  let host = name.trim();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.includes('..')) return undefined;
  if (/[^\x21-\x7e]/.test(host)) {
    const ascii = domainToASCII(host);
    if (ascii === '') return undefined;
    host = ascii;
  }
  return host.toLowerCase();
}

function canonicalIp(text: string): string | undefined {
  const version = isIP(text);
  if (version === 4) return text;
  // The WHATWG URL parser prints IPv6 in RFC 5952 form, so equal addresses compare equal.
  if (version === 6) {
    try {
      return new URL(`http://[${text}]/`).hostname;
    } catch {
      return undefined; // zone ids (fe80::1%eth0) never appear in certificates
    }
  }
  return undefined;
}
