import type { Rule, RuleFinding } from './rule';
import { pathSpan } from '../model/locations';
import { beforeNow, day, forEachCertificate, sentIssuer } from './support/certificateDates';

/**
 * A served certificate whose notAfter has passed, or whose intermediate's has (nginx sends the
 * intermediate of the file as it is; measured: curl fails with "certificate has expired", openssl
 * s_client with verify error 10 at depth 1).
 */
export const certificateExpired: Rule = {
  id: 'certificate-expired',
  defaultSeverity: 'error',
  summary: 'The certificate, or the intermediate its file sends with it, has expired',
  check(context) {
    const findings: RuleFinding[] = [];
    const now = context.settings.now;
    forEachCertificate(context, (cert) => {
      if (cert.leaf.notAfter < now) {
        findings.push({
          ...pathSpan(cert.placed),
          message: `${cert.label} expired on ${day(cert.leaf.notAfter)} (${beforeNow(now, cert.leaf.notAfter)}): browsers refuse the site (Chrome NET::ERR_CERT_DATE_INVALID, Firefox SEC_ERROR_EXPIRED_CERTIFICATE)`,
        });
        return;
      }
      const issuer = sentIssuer(cert);
      if (issuer && issuer.notAfter < now) {
        findings.push({
          ...pathSpan(cert.placed),
          message: `the intermediate "${issuer.subject}" that ${cert.label} sends with the certificate expired on ${day(issuer.notAfter)} (${beforeNow(now, issuer.notAfter)}): clients that build the chain through it refuse the site (curl and OpenSSL "certificate has expired", Chrome NET::ERR_CERT_DATE_INVALID, Firefox SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE) unless they already hold a current copy of that intermediate. Put the CA's current intermediate in the file`,
        });
      }
    });
    return findings;
  },
};
