import type { Rule, RuleFinding } from './rule';
import { responderFor } from './support/staplingFacts';
import { anchorSpan, relatedIfIncluded, serverPathRelated, serverPathSpan, tokenSpan } from '../model/locations';
import { describeServer, ownsPlaced, type HttpServer } from '../model/serverModel';
import { fetchedStaples } from './support/fetchedStaples';

/**
 * `ssl_stapling on` with an OCSP responder nginx cannot use: an `ssl_stapling_responder` or a
 * certificate OCSP URL that is not `http://` (ngx_ssl_stapling_responder: nginx's OCSP client
 * speaks plain HTTP only). Must-Staple certificates are must-staple-without-stapling's.
 */
export const staplingResponderInvalid: Rule = {
  id: 'stapling-responder-invalid',
  defaultSeverity: 'warning',
  summary: 'ssl_stapling is on but the OCSP responder (ssl_stapling_responder or the certificate\'s OCSP URL) is not an http:// URL, so nginx ignores stapling',
  check(context) {
    const findings: RuleFinding[] = [];
    const overridden = new Set<HttpServer>();
    for (const { server, facts, certificate: cert } of fetchedStaples(context)) {
      if (cert.leaf.mustStaple || overridden.has(server)) continue;
      const who = describeServer(server, context.model.tree);
      const responder = responderFor(facts, cert);
      if (responder.kind !== 'invalid') continue;
      const logged = `[warn] "ssl_stapling" ignored, ${responder.logged} in OCSP responder "${responder.url}"`;
      const tail = `nginx's OCSP client speaks plain http:// only, so it logs ${logged} and staples nothing for ${who}: clients that check revocation must ask the CA themselves`;
      if (facts.responder) {
        const own = ownsPlaced(server, facts.responder);
        findings.push({
          ...(own ? anchorSpan(facts.responder) : tokenSpan(server.directive, server.directive.nameToken)),
          message: `ssl_stapling_responder "${responder.url}" cannot be used for ${cert.label}: ${tail}`,
          related: own ? relatedIfIncluded(facts.responder, 'the responder is set here') : [{ ...anchorSpan(facts.responder), message: 'the responder is set here' }],
        });
        // One ssl_stapling_responder serves every certificate of the server: one finding.
        overridden.add(server);
        continue;
      }
      findings.push({
        ...serverPathSpan(server, cert.placed),
        message: `the OCSP responder URL "${responder.url}" of ${cert.label} cannot be used: ${tail} (an ssl_stapling_responder http:// URL of the same CA would work)`,
        related: serverPathRelated(server, cert.placed, 'the certificate is set here'),
      });
    }
    return findings;
  },
};
