import { serverRule, type RuleFinding } from './rule';
import { responderFor } from './support/staplingFacts';
import { enableStaplingFix, issuerFix } from './support/staplingFix';
import { serverPathRelated, serverPathSpan } from '../model/locations';
import { describeServer, servesCertificates } from '../model/serverModel';

const CONSEQUENCE = 'clients that check revocation must ask the CA themselves: slower handshakes, and failures where the CA\'s OCSP host is blocked or unreachable';

/**
 * A certificate with an OCSP responder that nginx does not staple: `ssl_stapling` is not on, or
 * it is on but nginx cannot find the issuer; also, as information, a server without stapling
 * whose certificate could not be read (with `ssl_stapling_verify on` that case is
 * stapling-verify-without-trust's; Must-Staple certificates are must-staple-without-stapling's).
 */
export const staplingMissing = serverRule({
  id: 'stapling-missing',
  defaultSeverity: 'warning',
  summary: 'A certificate with an OCSP responder URL (or one that could not be read) is not stapled: ssl_stapling is not on, or nginx cannot find the issuer',
  perServer: {
    servers: 'http',
    check(server, context) {
      const findings: RuleFinding[] = [];
      if (!servesCertificates(server)) return findings;
      const facts = context.stapling(server);
      // With a per-handshake certificate nginx staples nothing, whatever the settings.
      if (facts.file || facts.perHandshake) return findings;
      if (facts.certificates.some((c) => c.kind === 'ok' && c.leaf.mustStaple)) return findings;
      const withUrl = facts.certificates.flatMap((c) => (c.kind === 'ok' && c.leaf.ocspUrls.length > 0 && responderFor(facts, c).kind !== 'invalid' ? [c] : []));
      const who = describeServer(server, context.model.tree);
      if (withUrl.length === 0) {
        // A certificate read whose responder nginx cannot use is stapling-responder-invalid's.
        if (facts.certificates.some((c) => c.kind === 'ok' && c.leaf.ocspUrls.length > 0)) return findings;
        const unreadable = facts.certificates.find((c) => c.kind === 'unknown' && c.reason === 'unreadable');
        if (facts.on || !unreadable || facts.certificates.some((c) => c.kind === 'ok')) return findings;
        // No fix: with the certificate unknown, `ssl_stapling on` may well be a no-op (no OCSP URL).
        findings.push({
          ...serverPathSpan(server, unreadable.placed),
          severity: 'information',
          message: `${facts.stapling ? 'ssl_stapling is off' : 'OCSP stapling is not enabled'} for ${who} and ${unreadable.label} could not be read, so whether it names an OCSP responder is unknown: if it does, ${CONSEQUENCE}`,
          related: serverPathRelated(server, unreadable.placed, 'the certificate is set here'),
        });
        return findings;
      }
      if (!facts.on) {
        const cert = withUrl[0];
        const state = facts.stapling ? 'ssl_stapling is off' : 'OCSP stapling is not enabled';
        const fix = enableStaplingFix(server, facts, context);
        findings.push({
          ...serverPathSpan(server, cert.placed),
          message: `${state} for ${who} although ${cert.label} names an OCSP responder (${cert.leaf.ocspUrls[0]}): ${CONSEQUENCE}`,
          fixes: fix ? [fix] : [],
          related: serverPathRelated(server, cert.placed, 'the certificate is set here'),
        });
        return findings;
      }
      if (facts.verifyOn) return findings;
      for (const cert of withUrl) {
        if (facts.issuerOf(cert) !== 'missing') continue;
        const fix = issuerFix(server, facts, context);
        findings.push({
          ...serverPathSpan(server, cert.placed),
          message: `ssl_stapling is on for ${who} but nginx cannot find the issuer of ${cert.label} (it is not in that file and no ssl_trusted_certificate holds it): nginx logs [warn] "ssl_stapling" ignored, issuer certificate not found, and staples nothing; ${CONSEQUENCE}`,
          fixes: fix ? [fix] : [],
          related: serverPathRelated(server, cert.placed, 'the certificate is set here'),
        });
      }
      return findings;
    },
  },
});
