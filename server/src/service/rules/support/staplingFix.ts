import type { Fix, TextEdit } from '../../diagnostics';
import { insertIntoBlock, replaceArguments, insertAfter, quoteArgument } from '../../fixes/directiveEdits';
import type { RuleContext } from '../rule';
import type { HttpServer } from '../../model/serverModel';
import type { ServerCertificate } from '../../model/serverCertificates';
import { findFullChainFile, findIssuerFile } from './issuerFile';
import { fetchedStapleFileLine, stapleFileVerdictsOnceOn } from './stapleFile';
import { responderFor, type StaplingFacts } from './staplingFacts';

/** Lines that give a server a working resolver for OCSP (`nginxTls.quickFix.resolvers`). */
export function resolverLines(context: RuleContext, facts: StaplingFacts): string[] {
  const lines = [`resolver ${context.settings.resolvers} valid=300s;`];
  if (!facts.resolverTimeout) lines.push('resolver_timeout 5s;');
  return lines;
}

/** Whether the server's responders need a resolver (a host name, or unknown because unreadable). */
export function needsResolver(facts: StaplingFacts): boolean {
  if (facts.file || facts.resolver || facts.perHandshake) return false;
  return facts.certificates.some((c) => {
    const r = responderFor(facts, c);
    return r.kind === 'host' || r.kind === 'unknown';
  });
}

/**
 * The `ssl_trusted_certificate` line that lets nginx find the issuers it lacks, when the server
 * sets no trust file yet (a second one would be a duplicate) and a CA file beside a certificate
 * holds the issuer; undefined when no issuer is missing or no such file is found.
 */
function trustedCertificateLine(facts: StaplingFacts): string | undefined {
  if (facts.trusted) return undefined;
  const lacking = facts.certificates.filter((c) => facts.issuerOf(c) === 'missing');
  if (lacking.length === 0) return undefined;
  const files = new Set(lacking.map((c) => findIssuerFile(c)));
  if (files.size !== 1) return undefined;
  const [file] = files;
  return file === undefined ? undefined : `ssl_trusted_certificate ${quoteArgument(file)};`;
}

/**
 * For each certificate whose issuer nginx does not find, the edit that points its
 * `ssl_certificate` at the full-chain file beside it; undefined unless every one has such a file.
 * The chain of the certificate file is where nginx also looks for the signer of an OCSP response
 * (OCSP_basic_verify is given that chain, not ssl_trusted_certificate), so this works whoever
 * signs the CA's responses.
 */
export function fullChainEdits(certificates: readonly ServerCertificate[]): { edits: TextEdit[]; files: string[] } | undefined {
  if (certificates.length === 0) return undefined;
  const edits: TextEdit[] = [];
  const files: string[] = [];
  for (const certificate of certificates) {
    const found = findFullChainFile(certificate);
    const edit = found && replaceArguments(certificate.placed.directive, quoteArgument(found.written));
    if (!found || !edit) return undefined;
    edits.push(edit);
    files.push(quoteArgument(found.written));
  }
  return { edits, files };
}

/**
 * The fix that gives nginx the issuers it lacks for stapling: the full-chain files beside the
 * certificates (see fullChainEdits), else an `ssl_trusted_certificate` (which lets nginx ask for a
 * response, and verify it when the CA's responder sends its own certificate with it).
 */
export function issuerFix(server: HttpServer, facts: StaplingFacts, context: RuleContext): Fix | undefined {
  const chain = fullChainEdits(facts.certificates.filter((c) => facts.issuerOf(c) === 'missing'));
  if (chain) return { title: `Use ${chain.files.join(', ')} (the certificate with its intermediate) so that nginx has the issuer`, edits: chain.edits };
  return trustedCertificateFix(server, facts, context);
}

/** The fix that adds the missing `ssl_trusted_certificate` to the server block. */
export function trustedCertificateFix(server: HttpServer, facts: StaplingFacts, context: RuleContext): Fix | undefined {
  const line = trustedCertificateLine(facts);
  if (!line) return undefined;
  const edit = insertIntoBlock(context.model.tree, server.directive, [line]);
  return edit ? { title: `Add "${line.slice(0, -1)}" so that nginx finds the issuer`, edits: [edit] } : undefined;
}

/**
 * What is wrong with the server's `ssl_stapling_file` for one of its certificates, when nginx
 * would serve it as it is once stapling is on (stapling-file-invalid, stapling-file-expiring).
 */
export function staleStapleFile(facts: StaplingFacts, context: RuleContext): string | undefined {
  for (const { verdict } of stapleFileVerdictsOnceOn(context.model.tree, facts, context.settings)) {
    if (verdict.kind === 'invalid' || verdict.kind === 'expiring') return verdict.message;
  }
  return undefined;
}

/**
 * The fix that makes stapling work for a server: the server's own `ssl_stapling off` is flipped,
 * otherwise `ssl_stapling on` is inserted into the server block, with a resolver when the
 * responder is a host name and none is in effect, and `ssl_trusted_certificate` when nginx would
 * not find an issuer. `ssl_stapling_verify` is left alone: with a CA that signs OCSP responses
 * with a delegated signer it fails unless the whole chain is trusted, and then nothing is stapled.
 * None when the setting comes from a file included into the block (a second one would be a
 * duplicate directive), and when the server's `ssl_stapling_file` would be served bad (switching
 * stapling on would then trade one refusal for another) or is about to expire (the fix would
 * bring up stapling-file-expiring, and a fix adds no finding: the file needs refreshing first).
 */
export function enableStaplingFix(server: HttpServer, facts: StaplingFacts, context: RuleContext): Fix | undefined {
  const tree = context.model.tree;
  const own = server.own.get('ssl_stapling');
  if (own?.some((p) => p.anchor !== p.directive)) return undefined;
  if (staleStapleFile(facts, context)) return undefined;
  const extra: string[] = [];
  if (needsResolver(facts)) extra.push(...resolverLines(context, facts));
  const chain = fullChainEdits(facts.certificates.filter((c) => facts.issuerOf(c) === 'missing'));
  const trusted = chain ? undefined : trustedCertificateLine(facts);
  if (trusted) extra.push(trusted);
  // A Must-Staple certificate also needs its staple from the first handshake (must-staple-cold-start).
  const stapleFile = facts.certificates.some((c) => c.kind === 'ok' && c.leaf.mustStaple) ? fetchedStapleFileLine(facts, context.settings) : undefined;
  if (stapleFile) extra.push(stapleFile);
  const title = `Enable OCSP stapling (ssl_stapling on)${chain ? `, with ${chain.files.join(', ')} (the certificate with its intermediate)` : ''}`;
  const chainEdits = chain?.edits ?? [];
  if (own?.length) {
    const last = own[own.length - 1].directive;
    const flip = replaceArguments(last, 'on');
    if (!flip) return undefined;
    return { title, edits: [...(extra.length ? [flip, insertAfter(tree, last, extra)] : [flip]), ...chainEdits] };
  }
  const edit = insertIntoBlock(tree, server.directive, ['ssl_stapling on;', ...extra]);
  return edit ? { title, edits: [edit, ...chainEdits] } : undefined;
}
