import type { Rule, RuleFinding } from './rule';
import { responderFor } from './support/staplingFacts';
import { needsResolver, resolverLines } from './support/staplingFix';
import { anchorSpan, tokenSpan } from '../model/locations';
import { insertIntoBlock } from '../fixes/directiveEdits';
import { describeServer, servesCertificates } from '../model/serverModel';

/** Stapling relies on a responder host name but no `resolver` is in effect. */
export const staplingWithoutResolver: Rule = {
  id: 'stapling-without-resolver',
  defaultSeverity: 'warning',
  summary: 'ssl_stapling is on, the OCSP responder is a host name, and no resolver is in effect',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const server of context.model.servers) {
      if (!servesCertificates(server)) continue;
      const facts = context.stapling(server);
      if (!facts.on || !facts.stapling || !needsResolver(facts)) continue;
      const hosts = [...new Set(facts.certificates.map((c) => responderFor(facts, c)).flatMap((r) => (r.kind === 'host' ? [r.host] : [])))];
      const who = describeServer(server, context.model.tree);
      const message = hosts.length
        ? `ssl_stapling is on but no resolver is in effect for ${who}: nginx resolves the OCSP responder ${hosts.join(', ')} only once at startup, then logs [warn] no resolver defined to resolve ${hosts[0]} while requesting certificate status, and stapling breaks when the CA's addresses change`
        : `ssl_stapling is on but no resolver is in effect for ${who}: if the certificate's OCSP responder is a host name (${facts.certificates.some((c) => c.kind === 'unknown' && c.reason === 'unreadable') ? 'the certificate could not be read' : 'certificates are not read in an untrusted workspace'}), nginx only resolves it at startup and logs [warn] no resolver defined to resolve ... while requesting certificate status`;
      const spot = server.own.has('ssl_stapling') ? anchorSpan(facts.stapling) : tokenSpan(server.directive, server.directive.nameToken);
      const edit = insertIntoBlock(context.model.tree, server.directive, resolverLines(context, facts));
      findings.push({
        ...spot,
        message,
        severity: hosts.length ? undefined : 'information',
        fixes: edit ? [{ title: `Add "resolver ${context.settings.resolvers}" to this server`, edits: [edit] }] : [],
      });
    }
    return findings;
  },
};
