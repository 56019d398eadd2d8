import type { Rule, RuleFinding } from './rule';
import type { Directive } from '../parser/ast';
import { pathSpan, relatedIfIncluded } from '../model/locations';

/**
 * An `ssl_certificate` file that starts with a CA certificate. nginx loads the first certificate
 * of the file as the server's and then its key, so `nginx -t` fails (measured with nginx 1.22.1,
 * OpenSSL 3.0): `SSL_CTX_use_PrivateKey("...") failed (SSL: error:05800074:x509 certificate
 * routines::key values mismatch)`. It does so for every server that has the certificate, TLS or
 * not, even with `ssl_reject_handshake on`.
 */
export const certificateChainOrder: Rule = {
  id: 'certificate-chain-order',
  defaultSeverity: 'error',
  summary: 'The ssl_certificate file starts with a CA certificate instead of the server\'s own (nginx -t fails: key values mismatch)',
  check(context) {
    const findings: RuleFinding[] = [];
    const seen = new Set<Directive>();
    for (const server of context.model.servers) {
      for (const cert of context.certificates(server)) {
        if (cert.kind !== 'misordered' || seen.has(cert.placed.directive)) continue;
        seen.add(cert.placed.directive);
        const { first, issued, server: own } = cert.order;
        const position = (c: typeof first): string => `the ${ordinal(cert.file.chain.indexOf(c) + 1)} certificate, "${c.subject}"`;
        const why = issued ? `which issued ${position(issued)}` : `followed by the end-entity certificate ${position(own ?? first)}`;
        const put = own ? `put the server's certificate ("${own.subject}") first, then its intermediate(s)` : 'put the server\'s certificate first, then its intermediate(s)';
        findings.push({
          ...pathSpan(cert.placed),
          message: `${cert.label} starts with the CA certificate "${first.subject}" (${why}), but nginx takes the first certificate of the file as the server's: nginx -t fails with SSL_CTX_use_PrivateKey(...) failed (SSL: error:05800074:x509 certificate routines::key values mismatch); ${put}`,
          related: relatedIfIncluded(cert.placed, 'the certificate is set here'),
        });
      }
    }
    return findings;
  },
};

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}
