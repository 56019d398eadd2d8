import { serverRule, type RuleFinding } from './rule';
import type { Fix } from '../diagnostics';
import { responderFor } from './support/staplingFacts';
import { describePathValue } from '../model/serverCertificates';
import { enableStaplingFix, fullChainEdits, issuerFix, staleStapleFile } from './support/staplingFix';
import { serverPathRelated, serverPathSpan } from '../model/locations';
import { describeServer, isOn, servesCertificates } from '../model/serverModel';
import { compareVersions } from '../versions';

const FIREFOX_ERROR = 'MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING';

/** The stream module has ssl_stapling only from this version (nginx CHANGES, 1.27.2). */
const STREAM_STAPLING_SINCE = '1.27.2';

/** Why a stream server does not staple, as precisely as the nginx version is known. */
function streamStaplingState(version: string | undefined): string {
  if (version === undefined) return `nginx's stream module has ssl_stapling only from ${STREAM_STAPLING_SINCE} (set nginxTls.nginxVersion to be told which applies), and it is not on here`;
  if (compareVersions(version, STREAM_STAPLING_SINCE) < 0) return `nginx ${version}'s stream module cannot staple at all (ssl_stapling exists there only from ${STREAM_STAPLING_SINCE})`;
  return `ssl_stapling is not on (nginx ${version} supports it in stream {})`;
}

/** A Must-Staple certificate that nginx will not staple: Firefox refuses the site. */
export const mustStapleWithoutStapling = serverRule({
  id: 'must-staple-without-stapling',
  defaultSeverity: 'error',
  summary: 'A certificate with OCSP Must-Staple is served without working OCSP stapling',
  perServer: {
    servers: 'all',
    check(server, context) {
      const findings: RuleFinding[] = [];
      if (server.protocol === 'stream') {
        if (!server.tls || isOn(server, 'ssl_stapling', false)) return findings;
        for (const cert of context.certificates(server)) {
          if (cert.kind !== 'ok' || !cert.leaf.mustStaple) continue;
          findings.push({
            ...serverPathSpan(server, cert.placed),
            message: `${cert.label} requires a stapled OCSP response (Must-Staple) but this stream {} server staples nothing: ${streamStaplingState(context.settings.nginxVersion)}; clients that enforce Must-Staple (Firefox) refuse the connection with ${FIREFOX_ERROR}`,
            related: serverPathRelated(server, cert.placed, 'the Must-Staple certificate is set here'),
          });
        }
        return findings;
      }
      if (!servesCertificates(server)) return findings;
      const facts = context.stapling(server);
      const who = describeServer(server, context.model.tree);
      for (const cert of facts.certificates) {
        if (cert.kind !== 'ok' || !cert.leaf.mustStaple) continue;
        const needs = `${cert.label} requires a stapled OCSP response (Must-Staple)`;
        const responder = responderFor(facts, cert);
        let message: string | undefined;
        let severity: 'warning' | undefined;
        let fix: Fix | undefined;
        if (facts.perHandshake) {
          const value = facts.perHandshake.directive.args[0]?.value ?? '';
          const what = describePathValue(value, facts.perHandshake.directive.name === 'ssl_certificate_key' ? 'certificate key' : 'certificate');
          message = `${needs} but ${what} has variables, so nginx loads this server's certificates per handshake and staples none of them (without any warning): Firefox refuses the site with ${FIREFOX_ERROR}`;
        } else if (facts.on && facts.file) {
          continue;
        } else if (responder.kind === 'invalid' && !facts.file) {
          const source = facts.responder ? `ssl_stapling_responder "${responder.url}"` : `its OCSP responder URL "${responder.url}"`;
          message = `${needs} but nginx cannot use ${source}: its OCSP client speaks plain http:// only, so it logs [warn] "ssl_stapling" ignored, ${responder.logged} in OCSP responder and staples nothing: Firefox refuses the site with ${FIREFOX_ERROR}`;
        } else if (!facts.on) {
          const state = facts.stapling ? 'ssl_stapling is off' : 'ssl_stapling is not enabled';
          const stale = staleStapleFile(facts, context);
          message = `${needs} but ${state} for ${who}: Firefox refuses the site with ${FIREFOX_ERROR}${stale ? `. No quick-fix: nginx reads the ssl_stapling_file only once stapling is on, and this one is bad (${stale}); refresh it first` : ''}`;
          fix = enableStaplingFix(server, facts, context);
        } else if (cert.leaf.ocspUrls.length === 0 && !facts.responder) {
          message = `${needs} but has no OCSP responder URL, so nginx ignores ssl_stapling for it ("ssl_stapling" ignored, no OCSP responder URL in the certificate): Firefox refuses the site with ${FIREFOX_ERROR}`;
        } else if (facts.issuerOf(cert) === 'missing') {
          message = `${needs} but nginx cannot find its issuer (not in that file, no ssl_trusted_certificate holding it), so it logs "ssl_stapling" ignored, issuer certificate not found and staples nothing: Firefox refuses the site with ${FIREFOX_ERROR}`;
          fix = issuerFix(server, facts, context);
        } else if (facts.issuerOf(cert) === 'trusted') {
          // Measured with nginx 1.22.1: a responder that signs with the issuing CA's key and sends no certificate.
          message = `${needs} and nginx finds its issuer only in ssl_trusted_certificate: that lets nginx ask for the response, but nginx looks for the response's signer only in ${cert.label}'s chain and in the certificates the response carries, so with a CA that signs its OCSP responses with the issuing certificate itself (the response then carries none) every fetch fails with OCSP_basic_verify() failed (... signer certificate not found), nothing is stapled, and Firefox refuses the site with ${FIREFOX_ERROR}. A file with the certificate and its intermediate (fullchain.pem) works whoever signs the responses`;
          severity = 'warning';
          const chain = fullChainEdits([cert]);
          fix = chain && { title: `Use ${chain.files.join(', ')} (the certificate with its intermediate) so that nginx can verify OCSP responses`, edits: chain.edits };
        }
        if (!message) continue;
        findings.push({
          ...serverPathSpan(server, cert.placed),
          ...(severity ? { severity } : {}),
          message,
          fixes: fix ? [fix] : [],
          related: serverPathRelated(server, cert.placed, 'the Must-Staple certificate is set here'),
        });
      }
      return findings;
    },
  },
});
