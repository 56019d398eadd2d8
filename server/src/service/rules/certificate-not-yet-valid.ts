import type { Rule, RuleFinding } from './rule';
import { pathSpan } from '../model/locations';
import { day, forEachCertificate, fromNow, sentIssuer } from './support/certificateDates';

/** How far ahead a notBefore must be to be reported: a certificate made a moment ago on a machine whose clock is a little ahead is not a problem. */
const CLOCK_SLACK_MS = 5 * 60 * 1000;

/**
 * A served certificate whose notBefore is still ahead, or whose intermediate's is: nginx starts
 * and serves it (nginx -t passes), clients refuse it (measured: curl "certificate is not yet
 * valid"). Typically a certificate installed before its start date, or a clock far behind.
 */
export const certificateNotYetValid: Rule = {
  id: 'certificate-not-yet-valid',
  defaultSeverity: 'error',
  summary: 'The certificate, or the intermediate its file sends with it, is not valid yet (its notBefore is ahead)',
  check(context) {
    const findings: RuleFinding[] = [];
    const now = context.settings.now;
    const ahead = (date: Date): boolean => date.getTime() - now.getTime() > CLOCK_SLACK_MS;
    forEachCertificate(context, (cert) => {
      if (ahead(cert.leaf.notBefore)) {
        findings.push({
          ...pathSpan(cert.placed),
          message: `${cert.label} is not valid before ${cert.leaf.notBefore.toISOString().replace('.000Z', 'Z')} (${fromNow(now, cert.leaf.notBefore)}): nginx serves it, and browsers refuse the site until then (Chrome NET::ERR_CERT_DATE_INVALID, Firefox MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE, curl "certificate is not yet valid"); check the clock of the machine that runs nginx, or serve the current certificate until then`,
        });
        return;
      }
      const issuer = sentIssuer(cert);
      if (issuer && ahead(issuer.notBefore)) {
        findings.push({
          ...pathSpan(cert.placed),
          message: `the intermediate "${issuer.subject}" that ${cert.label} sends with the certificate is not valid before ${day(issuer.notBefore)} (${fromNow(now, issuer.notBefore)}): clients that build the chain through it refuse the site until then (curl "certificate is not yet valid", Chrome NET::ERR_CERT_DATE_INVALID, Firefox MOZILLA_PKIX_ERROR_NOT_YET_VALID_ISSUER_CERTIFICATE)`,
        });
      }
    });
    return findings;
  },
};
