import type { Rule, RuleFinding } from './rule';
import { staplingFacts } from '../tls/staplingFacts';
import { enableStaplingFix } from '../tls/staplingFix';
import { anchorSpot, relatedIfIncluded } from '../tls/locations';
import { describeServer } from '../tls/serverModel';

const FIREFOX_ERROR = 'MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING';

/** A Must-Staple certificate served without working stapling: Firefox refuses the site. */
export const mustStapleWithoutStapling: Rule = {
  id: 'must-staple-without-stapling',
  defaultSeverity: 'error',
  summary: 'A certificate with OCSP Must-Staple is served without ssl_stapling on',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const server of context.model.servers) {
      if (!server.tls) continue;
      const facts = staplingFacts(server, context);
      for (const cert of facts.certificates) {
        if (cert.kind !== 'ok' || !cert.leaf.mustStaple) continue;
        const who = describeServer(server, context.model.tree);
        let message: string | undefined;
        if (!facts.on) {
          const state = facts.stapling ? 'ssl_stapling is off' : 'ssl_stapling is not enabled';
          message = `the certificate "${cert.path}" requires a stapled OCSP response (Must-Staple) but ${state} for ${who}: Firefox refuses the site with ${FIREFOX_ERROR}`;
        } else if (cert.leaf.ocspUrls.length === 0 && !facts.responder && !facts.file) {
          message = `the certificate "${cert.path}" requires a stapled OCSP response (Must-Staple) but has no OCSP responder URL, so nginx ignores ssl_stapling for it: Firefox refuses the site with ${FIREFOX_ERROR}`;
        }
        if (!message) continue;
        const fix = !facts.on ? enableStaplingFix(server, facts, context) : undefined;
        findings.push({
          ...anchorSpot(cert.placed),
          message,
          fixes: fix ? [fix] : [],
          related: relatedIfIncluded(cert.placed, 'the Must-Staple certificate is set here'),
        });
      }
    }
    return findings;
  },
};
