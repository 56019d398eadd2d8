import { serverRule, type RuleFinding } from './rule';
import { responderFor } from './support/staplingFacts';
import { trustedCertificateFix } from './support/staplingFix';
import { anchorSpan, directiveSpan, relatedIfIncluded, tokenSpan } from '../model/locations';
import { ownsPlaced, servesCertificates } from '../model/serverModel';

/**
 * `ssl_stapling_verify on` while nginx cannot find a certificate's issuer: neither in the
 * `ssl_certificate` file nor in `ssl_trusted_certificate` (Must-Staple certificates are reported
 * by must-staple-without-stapling instead).
 */
export const staplingVerifyWithoutTrust = serverRule({
  id: 'stapling-verify-without-trust',
  defaultSeverity: 'warning',
  summary: 'ssl_stapling_verify is on but the issuer is neither in the ssl_certificate file nor in ssl_trusted_certificate (or cannot be known)',
  perServer: {
    servers: 'http',
    check(server, context) {
      const findings: RuleFinding[] = [];
      if (!servesCertificates(server)) return findings;
      const facts = context.stapling(server);
      if (!facts.on || !facts.verifyOn || !facts.verify || facts.file || facts.perHandshake) return findings;
      const lacking = facts.certificates.filter((c) => c.kind === 'ok' && !c.leaf.mustStaple && !['none', 'invalid'].includes(responderFor(facts, c).kind) && facts.issuerOf(c) === 'missing');
      const unreadable = facts.trusted ? undefined : facts.certificates.find((c) => c.kind === 'unknown' && c.reason === 'unreadable');
      if (lacking.length === 0 && unreadable && !facts.certificates.some((c) => c.kind === 'ok')) {
        const own = ownsPlaced(server, facts.verify);
        findings.push({
          ...(own ? anchorSpan(facts.verify) : tokenSpan(server.directive, server.directive.nameToken)),
          severity: 'information',
          message: `ssl_stapling_verify is on with no ssl_trusted_certificate and ${unreadable.label} could not be read, so whether its file holds the issuer cannot be known: if it does not, nginx logs [warn] "ssl_stapling" ignored, issuer certificate not found, and staples nothing (a delegated OCSP signer also needs the chain up to the root in ssl_trusted_certificate)`,
          fixes: [],
          related: own ? relatedIfIncluded(facts.verify, 'ssl_stapling_verify is switched on here') : [{ ...directiveSpan(facts.verify.directive), message: 'ssl_stapling_verify is switched on here' }],
        });
        return findings;
      }
      if (lacking.length === 0) return findings;
      const paths = lacking.map((c) => c.label).join(', ');
      const trust = facts.trusted ? `the ssl_trusted_certificate "${facts.trusted.directive.args[0]?.value ?? ''}" does not hold it either` : 'no ssl_trusted_certificate is set';
      const own = ownsPlaced(server, facts.verify);
      const spot = own ? anchorSpan(facts.verify) : tokenSpan(server.directive, server.directive.nameToken);
      const fix = trustedCertificateFix(server, facts, context);
      findings.push({
        ...spot,
        message: `ssl_stapling_verify is on but the issuer of ${paths} is not in that file and ${trust}: nginx logs [warn] "ssl_stapling" ignored, issuer certificate not found, and staples nothing (to verify responses from a delegated OCSP signer it also needs the chain up to the root in ssl_trusted_certificate)`,
        fixes: fix ? [fix] : [],
        related: own ? relatedIfIncluded(facts.verify, 'ssl_stapling_verify is switched on here') : [{ ...directiveSpan(facts.verify.directive), message: 'ssl_stapling_verify is switched on here' }],
      });
      return findings;
    },
  },
});
