import type { Rule, RuleFinding } from './rule';
import { pathSpan } from '../model/locations';
import { DAY_MS, day, forEachCertificate, fromNow, sentIssuer } from './support/certificateDates';

/**
 * A served certificate whose notAfter is within `nginxTls.certificateExpiryWarningDays`, or whose
 * intermediate's is, before the certificate's own.
 */
export const certificateExpiring: Rule = {
  id: 'certificate-expiring',
  defaultSeverity: 'warning',
  summary: 'The certificate, or the intermediate its file sends with it, expires within the warning period (30 days by default)',
  check(context) {
    const findings: RuleFinding[] = [];
    const now = context.settings.now;
    const soon = (date: Date): boolean => date >= now && date.getTime() - now.getTime() <= context.settings.expiryWarningDays * DAY_MS;
    forEachCertificate(context, (cert) => {
      if (cert.leaf.notAfter < now || cert.leaf.notBefore > now) return;
      if (soon(cert.leaf.notAfter)) {
        findings.push({
          ...pathSpan(cert.placed),
          message: `${cert.label} expires on ${day(cert.leaf.notAfter)}, ${fromNow(now, cert.leaf.notAfter)}: renew it before browsers refuse the site`,
        });
        return;
      }
      const issuer = sentIssuer(cert);
      if (issuer && issuer.notBefore <= now && issuer.notAfter < cert.leaf.notAfter && soon(issuer.notAfter)) {
        findings.push({
          ...pathSpan(cert.placed),
          message: `the intermediate "${issuer.subject}" that ${cert.label} sends with the certificate expires on ${day(issuer.notAfter)}, ${fromNow(now, issuer.notAfter)}, before the certificate does: from then on clients that build the chain through it refuse the site. Put the CA's current intermediate in the file`,
        });
      }
    });
    return findings;
  },
};
