import type { Span, RelatedLocation } from '../../diagnostics';
import { readStapleFile } from '../../certificates/readStapleFile';
import { anchorSpan, directiveSpan, relatedIfIncluded, tokenSpan } from '../../model/locations';
import { resolveConfigPath, type ServerCertificate } from '../../model/serverCertificates';
import type { ConfigTree } from '../../model/configTree';
import { ownsPlaced, servesCertificates, type HttpServer, type Placed } from '../../model/serverModel';
import type { RuleContext, RuleFinding } from '../rule';
import type { AnalysisSettings } from '../../settings';
import type { StaplingFacts } from './staplingFacts';
import { findFullChainFile, issuerBeside } from './issuerFile';
import { quoteArgument } from '../../fixes/directiveEdits';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What an `ssl_stapling_file` holds for one certificate, as a browser would judge the staple. */
export type StapleVerdict =
  | { kind: 'invalid'; message: string }
  | { kind: 'expiring'; message: string }
  | { kind: 'fine' }
  | { kind: 'unknown' };

/**
 * How long before its nextUpdate a staple file is reported as expiring: a tenth of
 * `expiryWarningDays`, at least one day (a refresh job that runs daily keeps it quiet).
 */
export function stapleWarningMs(settings: AnalysisSettings): number {
  return Math.max(DAY_MS, (settings.expiryWarningDays * DAY_MS) / 10);
}

/**
 * Judges the DER OCSP response at `file` (resolved) for `certificate`: nginx reads it once at
 * startup (ngx_ssl_stapling_file: refusing to start when it is missing or not DER) and staples it
 * unchecked on every handshake, so whatever is wrong with it reaches the browser.
 */
export function judgeStapleFile(file: string, shown: string, certificate: ServerCertificate & { kind: 'ok' }, facts: StaplingFacts, settings: AnalysisSettings): StapleVerdict {
  // nginx itself never checks the file; any copy of the issuer serves to judge it, and taking the
  // one beside the certificate keeps the verdict the same before and after a fix brings it in.
  const issuer = facts.issuerCertificateOf(certificate) ?? issuerBeside(certificate);
  const read = readStapleFile(file, certificate.leaf.der, issuer?.der);
  const where = `the ssl_stapling_file "${shown}"`;
  if (read.kind === 'error') {
    if (read.reason === 'not-found') return { kind: 'invalid', message: `${where} does not exist: nginx refuses to start ([emerg] BIO_new_file("${file}") failed ... No such file or directory); fill it with nginx-tls ocsp-fetch` };
    return { kind: 'unknown' };
  }
  const check = read.check;
  if (check.responseStatus === 'unparsable') {
    return { kind: 'invalid', message: `${where} is not a DER OCSP response: nginx refuses to start ([emerg] d2i_OCSP_RESPONSE_bio("${file}") failed)` };
  }
  if (check.responseStatus !== 'successful') {
    return { kind: 'invalid', message: `${where} holds an unsuccessful OCSP response (${check.responseStatus}) with no certificate status: nginx staples it as it is and browsers cannot use it` };
  }
  if (check.forCertificate === false) {
    return { kind: 'invalid', message: `${where} answers for another certificate, not ${certificate.label} (its CertID does not match: typically the file was not refreshed after a renewal): nginx staples it as it is and Firefox refuses the site with MOZILLA_PKIX_ERROR_OCSP_RESPONSE_FOR_CERT_MISSING` };
  }
  if (check.certStatus === 'revoked') {
    return { kind: 'invalid', message: `${where} says ${certificate.label} is revoked${check.revocationTime ? ` (since ${check.revocationTime.slice(0, 10)})` : ''}: nginx staples it as it is and Firefox refuses the site with SEC_ERROR_REVOKED_CERTIFICATE` };
  }
  if (check.certStatus === 'unknown') {
    return { kind: 'invalid', message: `${where} says the responder does not know ${certificate.label} (status unknown): Firefox refuses the site with SEC_ERROR_OCSP_UNKNOWN_CERT` };
  }
  if (check.signature === 'invalid' || check.signature === 'untrusted-signer') {
    return { kind: 'invalid', message: `${where} is not signed by the issuer of ${certificate.label} or a responder it certified: browsers reject the staple` };
  }
  if (check.nextUpdate === undefined) return { kind: 'fine' };
  const nextUpdate = new Date(check.nextUpdate);
  const left = nextUpdate.getTime() - settings.now.getTime();
  if (left <= 0) {
    return { kind: 'invalid', message: `${where} expired at its nextUpdate ${check.nextUpdate}: nginx never refreshes it and keeps stapling it, and Firefox refuses the site with SEC_ERROR_OCSP_OLD_RESPONSE` };
  }
  if (left < stapleWarningMs(settings)) {
    const hours = Math.floor(left / (60 * 60 * 1000));
    return { kind: 'expiring', message: `${where} expires at its nextUpdate ${check.nextUpdate}, in ${hours < 48 ? `${hours} hours` : `${Math.floor(hours / 24)} days`}: nginx never refreshes it; when it expires Firefox refuses the site with SEC_ERROR_OCSP_OLD_RESPONSE (is the refresh job running? nginx-tls ocsp-fetch, then nginx -s reload)` };
  }
  return { kind: 'fine' };
}

/** Where a staple-file finding goes: the server's own ssl_stapling_file, else its `server` keyword. */
export function stapleFileSpot(server: HttpServer, file: Placed): Span & { related: RelatedLocation[] } {
  const own = ownsPlaced(server, file);
  return own
    ? { ...anchorSpan(file), related: relatedIfIncluded(file, 'ssl_stapling_file is set here') }
    : { ...tokenSpan(server.directive, server.directive.nameToken), related: [{ ...directiveSpan(file.directive), message: 'ssl_stapling_file is set here' }] };
}

/**
 * Each readable certificate of a server whose `ssl_stapling_file` nginx serves, with its verdict;
 * empty when nginx does not read the file (stapling off, certificates loaded per handshake) or
 * certificates are not read (untrusted workspace).
 */
export function stapleFileVerdicts(tree: ConfigTree, facts: StaplingFacts, settings: AnalysisSettings): StapleFileVerdict[] {
  return facts.on ? stapleFileVerdictsOnceOn(tree, facts, settings) : [];
}

/** A certificate of a server and what its `ssl_stapling_file` holds for it. */
export interface StapleFileVerdict {
  certificate: ServerCertificate & { kind: 'ok' };
  verdict: StapleVerdict;
}

/**
 * stapleFileVerdicts as they will be once `ssl_stapling` is on (nginx reads the file only then):
 * what a fix that switches stapling on would make nginx serve.
 */
export function stapleFileVerdictsOnceOn(tree: ConfigTree, facts: StaplingFacts, settings: AnalysisSettings): StapleFileVerdict[] {
  const value = facts.file?.directive.args[0]?.value;
  if (!facts.file || facts.perHandshake || !settings.readCertificates || value === undefined || value.includes('$')) return [];
  const file = resolveConfigPath(tree, value);
  return facts.certificates.flatMap((certificate) =>
    certificate.kind === 'ok' ? [{ certificate, verdict: judgeStapleFile(file, value, certificate, facts, settings) }] : []);
}

/** The findings of one staple-file verdict kind, for every server nginx staples from a file. */
export function stapleFileFindings(context: RuleContext, kind: 'invalid' | 'expiring'): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const server of context.model.servers) {
    if (!servesCertificates(server)) continue;
    const facts = context.stapling(server);
    for (const { verdict } of stapleFileVerdicts(context.model.tree, facts, context.settings)) {
      if (verdict.kind === kind && facts.file) findings.push({ ...stapleFileSpot(server, facts.file), message: verdict.message });
    }
  }
  return findings;
}

/** Where the fixes and the docs put a certificate's staple file: beside it, `<certificate>.ocsp.der`. */
export const STAPLE_FILE_SUFFIX = '.ocsp.der';

/**
 * The `ssl_stapling_file` line for a server's only certificate, when `<certificate>.ocsp.der`
 * already holds a good, current response for it (what `nginx-tls ocsp-fetch` writes); otherwise
 * undefined: pointing nginx at a missing file makes nginx -t fail ([emerg] BIO_new_file(...)
 * failed), and a bad file is served as it is. When the certificate file lacks the issuer, the
 * response may also sit beside the full-chain file that certificate-chain-incomplete's fix
 * switches to: looking there too gives the same line before and after that fix.
 */
export function fetchedStapleFileLine(facts: StaplingFacts, settings: AnalysisSettings): string | undefined {
  if (facts.file) return undefined;
  const [certificate, ...others] = facts.certificates;
  if (!certificate || others.length > 0 || certificate.kind !== 'ok' || certificate.inline || !settings.readCertificates) return undefined;
  const candidates = [{ path: certificate.path, written: certificate.placed.directive.args[0]?.value ?? '' }];
  const fullChain = certificate.file.issuerInChain ? undefined : findFullChainFile(certificate);
  if (fullChain) candidates.push({ path: fullChain.path, written: fullChain.written });
  for (const candidate of candidates) {
    const written = `${candidate.written}${STAPLE_FILE_SUFFIX}`;
    if (judgeStapleFile(`${candidate.path}${STAPLE_FILE_SUFFIX}`, written, certificate, facts, settings).kind !== 'fine') continue;
    return `ssl_stapling_file ${quoteArgument(written)};`;
  }
  return undefined;
}
