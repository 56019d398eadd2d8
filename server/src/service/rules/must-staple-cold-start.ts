import { serverRule, type RuleFinding } from './rule';
import type { Fix } from '../diagnostics';
import { responderFor } from './support/staplingFacts';
import { fetchedStapleFileLine, STAPLE_FILE_SUFFIX } from './support/stapleFile';
import { serverPathRelated, serverPathSpan } from '../model/locations';
import { insertIntoBlock } from '../fixes/directiveEdits';
import { enableStaplingFix } from './support/staplingFix';
import { describeServer, servesCertificates } from '../model/serverModel';

/**
 * A Must-Staple certificate that nginx staples, or will staple once must-staple-without-stapling
 * is fixed, by fetching lazily (no `ssl_stapling_file`): the first handshakes of every worker
 * after a start or reload carry no staple, and Firefox refuses exactly those connections. Reported
 * whether or not stapling works yet, so that the fix switching it on adds no finding.
 */
export const mustStapleColdStart = serverRule({
  id: 'must-staple-cold-start',
  defaultSeverity: 'warning',
  summary: 'A Must-Staple certificate stapled (or to be stapled) by nginx\'s lazy per-worker fetch, without ssl_stapling_file: the first handshakes after each start or reload carry no staple',
  perServer: {
    servers: 'http',
    check(server, context) {
      const findings: RuleFinding[] = [];
      if (!servesCertificates(server)) return findings;
      const facts = context.stapling(server);
      if (facts.file || facts.perHandshake) return findings;
      for (const cert of facts.certificates) {
        if (cert.kind !== 'ok' || !cert.leaf.mustStaple) continue;
        // A responder nginx cannot use is must-staple-without-stapling's alone: no file is fetched for it either.
        if (!['host', 'ip'].includes(responderFor(facts, cert).kind)) continue;
        const who = describeServer(server, context.model.tree);
        const fetch = cert.inline ? 'nginx-tls ocsp-fetch --out FILE CERTIFICATE' : `nginx-tls ocsp-fetch --out ${cert.path}${STAPLE_FILE_SUFFIX} ${cert.path}`;
        const staplesNow = facts.on && facts.issuerOf(cert) !== 'missing';
        const line = fetchedStapleFileLine(facts, context.settings);
        let fix: Fix | undefined;
        if (line && facts.on) {
          const edit = insertIntoBlock(context.model.tree, server.directive, [line]);
          if (edit) fix = { title: `Serve the fetched OCSP response from the first handshake (${line.slice(0, -1)})`, edits: [edit] };
        } else if (line) {
          // The very edits of must-staple-without-stapling's fix, which adds the line with ssl_stapling on ("fix all" applies them once).
          const enable = enableStaplingFix(server, facts, context);
          if (enable) fix = { title: `Enable OCSP stapling, served from the fetched response from the first handshake (${line.slice(0, -1)})`, edits: enable.edits };
        }
        const lazily = staplesNow
          ? `for ${who} nginx fetches it lazily, per worker: after every start or reload the first handshakes of each worker carry no staple`
          : `nginx does not staple it for ${who} yet (must-staple-without-stapling), and once it does it will fetch it lazily, per worker: after every start or reload the first handshakes of each worker will carry no staple`;
        findings.push({
          ...serverPathSpan(server, cert.placed),
          message: `${cert.label} requires a stapled OCSP response (Must-Staple), and ${lazily}, and Firefox refuses exactly those connections with MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING. Serve it from a file: ${fetch} (from cron, before its nextUpdate), then ssl_stapling_file`,
          fixes: fix ? [fix] : [],
          related: serverPathRelated(server, cert.placed, 'the Must-Staple certificate is set here'),
        });
      }
      return findings;
    },
  },
});
