import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Rule, RuleFinding } from './rule';
import type { Fix } from '../diagnostics';
import { staplingFacts, type StaplingFacts } from '../tls/staplingFacts';
import { anchorSpot, tokenSpot } from '../tls/locations';
import { insertAfter, insertIntoBlock } from '../fixes/directiveEdits';
import type { HttpServer } from '../tls/serverModel';
import type { RuleContext } from './rule';

/** certbot's layout: `chain.pem` (intermediates) beside `cert.pem`/`fullchain.pem`. */
const CHAIN_FILE_NAME = 'chain.pem';

function knownChainFile(facts: StaplingFacts, context: RuleContext): string | undefined {
  if (!context.settings.readCertificates) return undefined;
  for (const c of facts.certificates) {
    if (c.kind === 'unknown' && c.reason === 'variable') continue;
    const candidate = path.join(path.dirname(c.path), CHAIN_FILE_NAME);
    if (candidate !== c.path && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function trustFix(server: HttpServer, facts: StaplingFacts, context: RuleContext): Fix | undefined {
  const chain = knownChainFile(facts, context);
  if (!chain) return undefined;
  const line = `ssl_trusted_certificate ${chain};`;
  const verify = facts.verify;
  const edit = verify && verify.anchor === verify.directive && server.own.get('ssl_stapling_verify')?.includes(verify)
    ? insertAfter(context.model.tree, verify.directive, [line])
    : insertIntoBlock(context.model.tree, server.directive, [line]);
  return edit ? { title: `Add "ssl_trusted_certificate ${chain}"`, edits: [edit] } : undefined;
}

/** `ssl_stapling_verify on` without `ssl_trusted_certificate` and without the issuer in the chain. */
export const staplingVerifyWithoutTrust: Rule = {
  id: 'stapling-verify-without-trust',
  defaultSeverity: 'warning',
  summary: 'ssl_stapling_verify on with no ssl_trusted_certificate and the issuer not known to be in the ssl_certificate chain',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const server of context.model.servers) {
      if (!server.tls) continue;
      const facts = staplingFacts(server, context);
      if (!facts.on || !facts.verifyOn || !facts.verify || facts.trusted) continue;
      const lacking = facts.certificates.filter((c) => (c.kind === 'ok' ? !c.file.issuerInChain : c.reason !== 'variable'));
      if (lacking.length === 0) continue;
      const cert = lacking[0];
      const why = cert.kind === 'ok'
        ? `the issuer of "${cert.path}" is not in that file's chain`
        : `the certificate could not be read, so whether its chain holds the issuer is unknown`;
      const spot = server.own.has('ssl_stapling_verify') ? anchorSpot(facts.verify) : tokenSpot(server.directive, server.directive.nameToken);
      const fix = trustFix(server, facts, context);
      findings.push({
        ...spot,
        message: `ssl_stapling_verify is on with no ssl_trusted_certificate and ${why}: nginx cannot find the issuer ("ssl_stapling" ignored, issuer certificate not found) or cannot verify the responses (OCSP_basic_verify() failed), and sends no staple`,
        severity: cert.kind === 'ok' ? undefined : 'information',
        fixes: fix ? [fix] : [],
      });
    }
    return findings;
  },
};
