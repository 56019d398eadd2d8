import type { Rule, RuleFinding } from './rule';
import { pathSpan } from '../model/locations';
import { DAY_MS, day, forEachCertificate } from './support/certificateDates';

/** A served certificate whose notAfter has passed. */
export const certificateExpired: Rule = {
  id: 'certificate-expired',
  defaultSeverity: 'error',
  summary: 'The certificate has expired',
  check(context) {
    const findings: RuleFinding[] = [];
    forEachCertificate(context, (cert) => {
      const left = cert.leaf.notAfter.getTime() - context.settings.now.getTime();
      if (left >= 0) return;
      findings.push({
        ...pathSpan(cert.placed),
        message: `the certificate "${cert.shown}" expired on ${day(cert.leaf.notAfter)} (${Math.ceil(-left / DAY_MS)} days ago): browsers refuse the site (Chrome NET::ERR_CERT_DATE_INVALID, Firefox SEC_ERROR_EXPIRED_CERTIFICATE)`,
      });
    });
    return findings;
  },
};
