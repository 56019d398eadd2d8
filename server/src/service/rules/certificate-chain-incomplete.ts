import type { Rule, RuleContext, RuleFinding } from './rule';
import type { Fix } from '../diagnostics';
import type { Directive } from '../parser/ast';
import { readCertificateFile, type CertificateInfo } from '../certificates';
import { quoteArgument, replaceArguments } from '../fixes/directiveEdits';
import { pathSpan, relatedIfIncluded } from '../model/locations';
import { resolveConfigPath, type ServerCertificate } from '../model/serverCertificates';
import { effectiveValue, servesCertificates, type HttpServer } from '../model/serverModel';
import { findFullChainFile } from './support/issuerFile';
import { holdsIssuerOf } from './support/staplingFacts';

type ReadableCertificate = Extract<ServerCertificate, { kind: 'ok' }>;

/** Files the config may name that hold CA certificates nginx never sends to clients. */
const UNSENT_CA_FILES = ['ssl_trusted_certificate', 'ssl_client_certificate'] as const;

/** The leaf's issuer in a CA file the server names (which nginx does not send), with that file. */
function issuerInUnsentFiles(context: RuleContext, server: HttpServer, leaf: CertificateInfo): { issuer: CertificateInfo; directive: string; file: string } | undefined {
  if (!context.settings.readCertificates) return undefined;
  for (const directive of UNSENT_CA_FILES) {
    const value = effectiveValue(server, directive)?.value;
    if (value === undefined || value.includes('$')) continue;
    const file = readCertificateFile(resolveConfigPath(context.model.tree, value));
    if (file.kind !== 'ok') continue;
    const issuer = file.chain.find((candidate) => holdsIssuerOf(leaf, [candidate]));
    if (issuer) return { issuer, directive, file: value };
  }
  return undefined;
}

function isSelfSigned(certificate: CertificateInfo): boolean {
  return holdsIssuerOf(certificate, [certificate]);
}

const FAILING_CLIENTS = 'clients that do not fetch missing intermediates fail with "unable to get local issuer certificate": curl ("SSL certificate problem: unable to get local issuer certificate"), OpenSSL, Python, Node ("unable to verify the first certificate"), Go, Java, Android apps, API clients and monitoring';

/** What browsers make of it: they can fetch the intermediate only from the CA Issuers URL. */
function browserOutcome(leaf: CertificateInfo): string {
  const url = leaf.caIssuersUrls[0];
  if (url) return `browsers mostly cope: Chrome, Edge and Safari fetch the intermediate from the certificate's CA Issuers URL (${url}), Firefox knows the intermediates of public CAs`;
  return 'the certificate names no CA Issuers URL, so browsers cannot fetch the intermediate either (Chrome NET::ERR_CERT_AUTHORITY_INVALID, Firefox SEC_ERROR_UNKNOWN_ISSUER) unless they have it cached';
}

/**
 * A certificate file without the certificate's issuer (typically the leaf alone, certbot's
 * `cert.pem` instead of `fullchain.pem`). nginx sends exactly the certificates of that file, never
 * those of `ssl_trusted_certificate` or `ssl_client_certificate` (measured with nginx 1.22.1:
 * `openssl s_client` shows the leaf alone and `verify error:num=20:unable to get local issuer
 * certificate`). Not flagged: self-signed certificates, and a leaf whose issuer is a root the
 * config names (a leaf issued directly by a root needs no intermediate).
 */
export const certificateChainIncomplete: Rule = {
  id: 'certificate-chain-incomplete',
  defaultSeverity: 'warning',
  summary: 'The ssl_certificate file lacks the certificate\'s issuer (the intermediate): clients that do not fetch intermediates fail',
  check(context) {
    const findings: RuleFinding[] = [];
    const seen = new Set<Directive>();
    for (const server of context.model.servers) {
      if (!servesCertificates(server)) continue;
      for (const cert of context.certificates(server)) {
        if (cert.kind !== 'ok' || cert.file.issuerInChain || seen.has(cert.placed.directive)) continue;
        const leaf = cert.leaf;
        if (isSelfSigned(leaf)) continue;
        const unsent = issuerInUnsentFiles(context, server, leaf);
        if (unsent && isSelfSigned(unsent.issuer)) continue;
        seen.add(cert.placed.directive);
        const holds = cert.file.chain.length === 1 ? 'holds only the server\'s certificate' : 'does not hold the issuer of its first certificate';
        const where = unsent
          ? `its issuer "${unsent.issuer.subject}" is in ${unsent.directive} "${unsent.file}", but nginx never sends that file to clients`
          : `nginx sends only what the file holds, and its issuer "${leaf.issuer}" is not there (fine only if that is itself a root CA the clients trust)`;
        const found = findFullChainFile(cert);
        const chainFile = found && quoteArgument(found.written);
        const fix: Fix | undefined = chainFile === undefined ? undefined : fixTo(cert, chainFile);
        findings.push({
          ...pathSpan(cert.placed),
          message: `${cert.label} ${holds}: ${where}; ${FAILING_CLIENTS}; ${browserOutcome(leaf)}. Use a file with the certificate followed by its intermediate(s)${chainFile ? ` (${chainFile})` : ' (certbot: fullchain.pem)'}`,
          fixes: fix ? [fix] : [],
          related: relatedIfIncluded(cert.placed, 'the certificate is set here'),
        });
      }
    }
    return findings;
  },
};

function fixTo(cert: ReadableCertificate, chainFile: string): Fix | undefined {
  const edit = replaceArguments(cert.placed.directive, chainFile);
  return edit ? { title: `Use ${chainFile} (the same certificate with its intermediate)`, edits: [edit] } : undefined;
}
