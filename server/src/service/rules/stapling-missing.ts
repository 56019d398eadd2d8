import type { Rule, RuleFinding } from './rule';
import { staplingFacts } from '../tls/staplingFacts';
import { enableStaplingFix } from '../tls/staplingFix';
import { anchorSpot, tokenSpot } from '../tls/locations';
import { describeServer } from '../tls/serverModel';

/** A TLS server whose certificate has (or may have) an OCSP URL, without `ssl_stapling on`. */
export const staplingMissing: Rule = {
  id: 'stapling-missing',
  defaultSeverity: 'warning',
  summary: 'A TLS server whose certificate has an OCSP URL (or is unknown) has no ssl_stapling on',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const server of context.model.servers) {
      if (!server.tls) continue;
      const facts = staplingFacts(server, context);
      if (facts.on || facts.certificates.length === 0) continue;
      if (facts.certificates.some((c) => c.kind === 'ok' && c.leaf.mustStaple)) continue;
      const withUrl = facts.certificates.find((c) => c.kind === 'ok' && c.leaf.ocspUrls.length > 0);
      const unknown = facts.certificates.find((c) => c.kind === 'unknown' && c.reason !== 'variable');
      const cert = withUrl ?? unknown;
      if (!cert) continue;
      const who = describeServer(server, context.model.tree);
      const state = facts.stapling ? 'ssl_stapling is off' : 'OCSP stapling is not enabled';
      const consequence = 'clients that check revocation must ask the CA themselves: slower handshakes, and failures where the CA\'s OCSP host is blocked or unreachable';
      const message = withUrl
        ? `${state} for ${who} although its certificate names an OCSP responder (${withUrl.kind === 'ok' ? withUrl.leaf.ocspUrls[0] : ''}): ${consequence}`
        : `${state} for ${who}; its certificate could not be read, so whether it has an OCSP responder is unknown (${cert.kind === 'unknown' ? cert.message : ''})`;
      const spot = server.own.has('ssl_certificate') ? anchorSpot(cert.placed) : tokenSpot(server.directive, server.directive.nameToken);
      const fix = enableStaplingFix(server, facts, context);
      findings.push({ ...spot, message, severity: withUrl ? undefined : 'information', fixes: fix ? [fix] : [] });
    }
    return findings;
  },
};
