import { serverRule, type RuleFinding } from './rule';
import type { Fix } from '../diagnostics';
import { anchorSpan, relatedIfIncluded } from '../model/locations';
import { removeDirective, replaceArguments } from '../fixes/directiveEdits';
import { samePlace, servesCertificates, type HttpServer, type Placed } from '../model/serverModel';
import type { RuleContext } from './rule';

function ownInFile(server: HttpServer, name: string): Placed[] {
  return (server.own.get(name) ?? []).filter((p) => p.anchor === p.directive);
}

/**
 * Drops the server's own `ssl_stapling` when it is written in the server's file: removed with its
 * `ssl_stapling_verify`, or set to off where `http {}` would switch it back on.
 */
function removeNoOpStapling(server: HttpServer, stapling: Placed, context: RuleContext): Fix | undefined {
  const own = ownInFile(server, 'ssl_stapling');
  if (!own.some((p) => samePlace(p, stapling))) return undefined;
  const inherited = server.inherited.get('ssl_stapling');
  if (inherited?.length && inherited[inherited.length - 1].directive.args[0]?.value.toLowerCase() === 'on') {
    const edit = replaceArguments(stapling.directive, 'off');
    return edit ? { title: 'Set "ssl_stapling off": it has no effect for this certificate', edits: [edit] } : undefined;
  }
  const placed = [...own, ...ownInFile(server, 'ssl_stapling_verify')];
  return { title: 'Remove the ssl_stapling directives that have no effect', edits: placed.map((p) => removeDirective(context.model.tree, p.directive)) };
}

/** `ssl_stapling on` for a certificate without an OCSP URL: nginx ignores it with a warning. */
export const staplingWithoutOcspUrl = serverRule({
  id: 'stapling-without-ocsp-url',
  defaultSeverity: 'information',
  summary: 'ssl_stapling is on but the certificate has no OCSP responder URL, so nginx ignores it',
  perServer: {
    servers: 'http',
    check(server, context) {
      const findings: RuleFinding[] = [];
      if (!servesCertificates(server)) return findings;
      const facts = context.stapling(server);
      if (!facts.on || !facts.stapling || facts.responder || facts.file || facts.perHandshake) return findings;
      const certs = facts.certificates.filter((c) => c.kind === 'ok' && c.leaf.ocspUrls.length === 0 && !c.leaf.mustStaple);
      if (certs.length === 0) return findings;
      const allWithout = facts.certificates.every((c) => c.kind === 'ok' && c.leaf.ocspUrls.length === 0);
      const fix = allWithout ? removeNoOpStapling(server, facts.stapling, context) : undefined;
      for (const cert of certs) {
        findings.push({
          ...anchorSpan(facts.stapling),
          message: `ssl_stapling has no effect for ${cert.label}: the certificate has no OCSP responder URL (like every Let's Encrypt certificate since May 2025), so nginx logs [warn] "ssl_stapling" ignored, no OCSP responder URL in the certificate`,
          fixes: fix ? [fix] : [],
          related: [...relatedIfIncluded(facts.stapling, 'ssl_stapling is switched on here'), { ...anchorSpan(cert.placed), message: 'the certificate without an OCSP URL' }],
        });
      }
      return findings;
    },
  },
});
