import { isIP } from 'node:net';
import type { Rule, RuleFinding } from './rule';
import type { RelatedLocation } from '../diagnostics';
import { certificateCoversName, type CertificateInfo } from '../certificates';
import { directiveSpan, tokenSpan } from '../model/locations';
import { servesCertificates } from '../model/serverModel';
import { servedCertificates, servedWithoutSni, type ServedCertificate } from './support/servedCertificates';

const BROWSER_ERRORS = 'Chrome NET::ERR_CERT_COMMON_NAME_INVALID, Firefox SSL_ERROR_BAD_CERT_DOMAIN';

/** Whether a server_name is a literal host name (not a regex, a catch-all or a variable). */
function literalName(name: string): string | undefined {
  if (name === '' || name === '_' || name.startsWith('~') || name.includes('$')) return undefined;
  if (name.startsWith('.')) return name.slice(1);
  if (name.includes('*') && !name.startsWith('*.')) return undefined;
  return name;
}

/** The name without IPv6 brackets when it is an IP address literal, else undefined. */
function ipLiteral(name: string): string | undefined {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return isIP(bare) ? bare : undefined;
}

/** Whether a browser accepts the certificate for the name: subjectAltName only, never the CN. */
function browserAccepts(leaf: CertificateInfo, name: string): boolean {
  if (leaf.dnsNames.length === 0 && ipLiteral(name) === undefined) return false;
  return certificateCoversName(leaf, name);
}

function list(label: string, values: readonly string[]): string | undefined {
  return values.length ? `${label} ${values.join(', ')}` : undefined;
}

/** Why the certificate does not cover the name, in terms that never contradict the verdict. */
function describeMismatch(leaf: CertificateInfo, name: string, certificate: string): { message: string; cnOnly: boolean } {
  const ip = ipLiteral(name);
  if (leaf.dnsNames.length === 0 && leaf.ipAddresses.length === 0) {
    const cn = leaf.commonName;
    const cnMatches = cn !== undefined && certificateCoversName(leaf, name);
    // Measured with a CN-only certificate (nginx 1.22.1): curl 7.88, openssl s_client
    // -verify_hostname, Python and Node accept a matching CN for a host name; for an IP address
    // only curl does (openssl -verify_ip: "IP address mismatch", Node ERR_TLS_CERT_ALTNAME_INVALID).
    const tools = cnMatches ? (ip ? '; only curl still accepts it from the CN' : '; curl, OpenSSL, Python and Node still accept it from the CN, so command-line checks pass while browsers fail') : '';
    return {
      cnOnly: true,
      message: `${certificate} has no subjectAltName, only the subject ${cn === undefined ? leaf.subject : `CN=${cn}`}: browsers ignore the CN (Chrome since version 58) and refuse it for every name, "${name}" included (${BROWSER_ERRORS})${tools}`,
    };
  }
  if (ip !== undefined) {
    const asDns = leaf.dnsNames.some((d) => d.toLowerCase() === ip.toLowerCase());
    const listed = list('it lists the IP addresses', leaf.ipAddresses) ?? 'it lists no IP address';
    return {
      cnOnly: false,
      message: `"${name}" is an IP address, which clients match only against the IP address entries of the subjectAltName, and ${certificate} does not cover it (${listed}${asDns ? `; "${ip}" appears as a DNS name, which does not count for an IP address` : ''}): browsers refuse it (${BROWSER_ERRORS}), curl says "no alternative certificate subject name matches target host name", OpenSSL "IP address mismatch"`,
    };
  }
  const names = [list('DNS names', leaf.dnsNames), list('IP addresses', leaf.ipAddresses)].filter((s): s is string => s !== undefined).join(' and ');
  const cnNote = leaf.dnsNames.length === 0 ? '; browsers never use the subject CN' : '';
  return {
    cnOnly: false,
    message: `"${name}" is not covered by ${certificate} (it covers ${names}${cnNote}): browsers refuse this name (${BROWSER_ERRORS})`,
  };
}

/** Where the certificate comes from, when it is not the server's own. */
function lentBy(served: ServedCertificate): string {
  if (served.noSni) return served.via ? `; clients send no SNI for an IP address, so nginx serves them the certificate of the default server of ${served.via.socket}, not this server's` : '';
  return served.via ? `; this server sets no ssl_certificate, so nginx serves it the certificate of the default server of ${served.via.socket}` : '';
}

/**
 * A literal `server_name` not covered by a certificate served for it: the server's own (or
 * inherited), else the default server's of its TLS socket. A certificate without any
 * subjectAltName is refused by browsers for every name (an error).
 */
export const certificateNameMismatch: Rule = {
  id: 'certificate-name-mismatch',
  defaultSeverity: 'warning',
  summary: 'A literal server_name is not covered by the certificate',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const server of context.model.servers) {
      if (!servesCertificates(server)) continue;
      const served = servedCertificates(context, server);
      let withoutSni: ServedCertificate[] | undefined;
      const nameDirective = server.own.get('server_name');
      for (const { value, token } of server.names) {
        const name = literalName(value);
        if (!name) continue;
        const candidates = ipLiteral(name) === undefined ? served : (withoutSni ??= servedWithoutSni(context, server));
        const miss = candidates.find((s) => !browserAccepts(s.cert.leaf, name));
        if (!miss) continue;
        const directive = nameDirective?.find((p) => p.directive.args.includes(token))?.directive;
        if (!directive) continue;
        const { message, cnOnly } = describeMismatch(miss.cert.leaf, name, miss.cert.label);
        const related: RelatedLocation[] = miss.via ? [{ ...directiveSpan(miss.cert.placed.directive), message: `the default server's certificate, which nginx serves ${miss.noSni ? 'to clients that send no SNI' : 'for this server'}` }] : [];
        findings.push({
          ...tokenSpan(directive, token),
          message: message + lentBy(miss),
          ...(cnOnly ? { severity: 'error' as const } : {}),
          related,
        });
      }
    }
    return findings;
  },
};
