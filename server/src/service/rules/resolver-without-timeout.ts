import type { Rule, RuleFinding } from './rule';
import { responderFor } from './support/staplingFacts';
import { anchorSpan } from '../model/locations';
import { insertAfter } from '../fixes/directiveEdits';
import { servesCertificates } from '../model/serverModel';

/** Stapling relies on a `resolver` without `resolver_timeout` (nginx waits 30 s by default). */
export const resolverWithoutTimeout: Rule = {
  id: 'resolver-without-timeout',
  defaultSeverity: 'information',
  summary: 'Stapling relies on a resolver with no resolver_timeout in effect (default 30 s)',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const server of context.model.servers) {
      if (!servesCertificates(server)) continue;
      const facts = context.stapling(server);
      if (!facts.on || facts.file || facts.perHandshake || !facts.resolver || facts.resolverTimeout) continue;
      const usesNames = facts.certificates.some((c) => {
        const r = responderFor(facts, c);
        return r.kind === 'host' || (r.kind === 'unknown' && c.kind === 'unknown');
      });
      if (!usesNames) continue;
      findings.push({
        ...anchorSpan(facts.resolver),
        message: 'the resolver used for OCSP stapling has no resolver_timeout: nginx waits up to 30 s for each DNS answer (the default) before giving up on a staple refresh',
        fixes: [{ title: 'Add "resolver_timeout 5s"', edits: [insertAfter(context.model.tree, facts.resolver.anchor, ['resolver_timeout 5s;'])] }],
      });
    }
    return findings;
  },
};
