import { serverRule, type RuleFinding } from './rule';
import type { Fix } from '../diagnostics';
import { responderFor } from './support/staplingFacts';
import { fetchedStapleFileLine, STAPLE_FILE_SUFFIX } from './support/stapleFile';
import { serverPathRelated, serverPathSpan } from '../model/locations';
import { insertIntoBlock } from '../fixes/directiveEdits';
import { describeServer } from '../model/serverModel';
import { fetchedStaplesOf } from './support/fetchedStaples';

/**
 * A Must-Staple certificate that nginx staples by fetching lazily (`ssl_stapling on`, no
 * `ssl_stapling_file`): the first handshakes of every worker after a start or reload carry no
 * staple, and Firefox refuses exactly those connections.
 */
export const mustStapleColdStart = serverRule({
  id: 'must-staple-cold-start',
  defaultSeverity: 'warning',
  summary: 'A Must-Staple certificate stapled by nginx\'s lazy per-worker fetch (no ssl_stapling_file): the first handshakes after each start or reload carry no staple',
  perServer: {
    servers: 'http',
    check(server, context) {
      const findings: RuleFinding[] = [];
      for (const { facts, certificate: cert } of fetchedStaplesOf(server, context)) {
        if (!cert.leaf.mustStaple) continue;
        const who = describeServer(server, context.model.tree);
        // Where nginx cannot staple at all, must-staple-without-stapling reports an error instead.
        if (!['host', 'ip'].includes(responderFor(facts, cert).kind) || facts.issuerOf(cert) === 'missing') continue;
        const fetch = cert.inline ? 'nginx-tls ocsp-fetch --out FILE CERTIFICATE' : `nginx-tls ocsp-fetch --out ${cert.path}${STAPLE_FILE_SUFFIX} ${cert.path}`;
        let fix: Fix | undefined;
        const line = fetchedStapleFileLine(facts, context.settings);
        const edit = line ? insertIntoBlock(context.model.tree, server.directive, [line]) : undefined;
        if (line && edit) fix = { title: `Serve the fetched OCSP response from the first handshake (${line.slice(0, -1)})`, edits: [edit] };
        findings.push({
          ...serverPathSpan(server, cert.placed),
          message: `${cert.label} requires a stapled OCSP response (Must-Staple), and for ${who} nginx fetches it lazily, per worker: after every start or reload the first handshakes of each worker carry no staple, and Firefox refuses exactly those connections with MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING. Serve it from a file: ${fetch} (from cron, before its nextUpdate), then ssl_stapling_file`,
          fixes: fix ? [fix] : [],
          related: serverPathRelated(server, cert.placed, 'the Must-Staple certificate is set here'),
        });
      }
      return findings;
    },
  },
});
