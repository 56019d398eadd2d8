import type { Rule, RuleContext, RuleFinding } from './rule';
import type { TextEdit } from '../diagnostics';
import { responderFor } from './support/staplingFacts';
import { needsResolver, resolverLines } from './support/staplingFix';
import { anchorSpan, tokenSpan } from '../model/locations';
import { insertIntoBlock } from '../fixes/directiveEdits';
import { describeServer, servesCertificates, type HttpServer, type Placed } from '../model/serverModel';

/**
 * When several servers staple without a resolver, one `resolver` in `http {}` serves them all
 * (the fix-all then writes it once); undefined for a single server or a tree without `http {}`.
 */
function sharedResolverFix(lacking: readonly HttpServer[], context: RuleContext): TextEdit | undefined {
  const http = context.model.httpBlock;
  if (lacking.length < 2 || !http || context.model.http.has('resolver')) return undefined;
  const lines = [`resolver ${context.settings.resolvers} valid=300s;`];
  if (!context.model.http.has('resolver_timeout')) lines.push('resolver_timeout 5s;');
  return insertIntoBlock(context.model.tree, http, lines);
}

/** Stapling relies on a responder host name but no `resolver` is in effect. */
export const staplingWithoutResolver: Rule = {
  id: 'stapling-without-resolver',
  defaultSeverity: 'warning',
  summary: 'ssl_stapling is on, the OCSP responder is a host name, and no resolver is in effect',
  check(context) {
    const findings: RuleFinding[] = [];
    const lacking = context.model.servers.filter((server) => {
      if (!servesCertificates(server)) return false;
      const facts = context.stapling(server);
      return facts.on && !!facts.stapling && needsResolver(facts);
    });
    const shared = sharedResolverFix(lacking, context);
    for (const server of lacking) {
      const facts = context.stapling(server);
      const hosts = [...new Set(facts.certificates.map((c) => responderFor(facts, c)).flatMap((r) => (r.kind === 'host' ? [r.host] : [])))];
      const who = describeServer(server, context.model.tree);
      const message = hosts.length
        ? `ssl_stapling is on but no resolver is in effect for ${who}: nginx resolves the OCSP responder ${hosts.join(', ')} only once at startup, then logs [warn] no resolver defined to resolve ${hosts[0]} while requesting certificate status, and stapling breaks when the CA's addresses change`
        : `ssl_stapling is on but no resolver is in effect for ${who}: if the certificate's OCSP responder is a host name (${facts.certificates.some((c) => c.kind === 'unknown' && c.reason === 'unreadable') ? 'the certificate could not be read' : 'certificates are not read in an untrusted workspace'}), nginx only resolves it at startup and logs [warn] no resolver defined to resolve ... while requesting certificate status`;
      const spot = server.own.has('ssl_stapling') ? anchorSpan(facts.stapling as Placed) : tokenSpan(server.directive, server.directive.nameToken);
      // nginx's resolver never reads /etc/hosts (ngx_resolver.c speaks DNS only): a responder this
      // machine knows from there may have no DNS answer, and a resolver would then break the staple.
      const fromHosts = hosts.filter((h) => context.settings.localHostNames.has(h.toLowerCase()));
      const edit = shared ?? insertIntoBlock(context.model.tree, server.directive, resolverLines(context, facts));
      const fix = edit && { title: shared ? `Add "resolver ${context.settings.resolvers}" to http {} (for the ${lacking.length} servers that staple without one)` : `Add "resolver ${context.settings.resolvers}" to this server`, edits: [edit] };
      findings.push({
        ...spot,
        message: fromHosts.length
          ? `${message}. ${fromHosts.join(', ')} is in this machine's /etc/hosts, which nginx's resolver never reads: check that DNS answers for it before adding a resolver, or the staple that works now breaks (no quick-fix for that reason)`
          : message,
        severity: hosts.length ? undefined : 'information',
        fixes: fix && fromHosts.length === 0 ? [fix] : [],
      });
    }
    return findings;
  },
};
