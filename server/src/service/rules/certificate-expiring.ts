import type { Rule, RuleFinding } from './rule';
import { pathSpan } from '../model/locations';
import { DAY_MS, day, forEachCertificate } from './support/certificateDates';

/** A served certificate whose notAfter is within `nginxTls.certificateExpiryWarningDays`. */
export const certificateExpiring: Rule = {
  id: 'certificate-expiring',
  defaultSeverity: 'warning',
  summary: 'The certificate expires within the warning period (30 days by default)',
  check(context) {
    const findings: RuleFinding[] = [];
    forEachCertificate(context, (cert) => {
      const left = cert.leaf.notAfter.getTime() - context.settings.now.getTime();
      if (left < 0 || left > context.settings.expiryWarningDays * DAY_MS) return;
      findings.push({
        ...pathSpan(cert.placed),
        message: `the certificate "${cert.shown}" expires on ${day(cert.leaf.notAfter)}, in ${Math.floor(left / DAY_MS)} days: renew it before browsers refuse the site`,
      });
    });
    return findings;
  },
};
