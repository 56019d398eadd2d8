import type { Fix } from '../diagnostics';
import { insertIntoBlock, replaceArguments, insertAfter } from '../fixes/directiveEdits';
import type { RuleContext } from '../rules/rule';
import type { HttpServer } from './serverModel';
import { responderFor, type StaplingFacts } from './staplingFacts';

/** Lines that give a server a working resolver for OCSP (`nginxTls.quickFix.resolvers`). */
export function resolverLines(context: RuleContext, facts: StaplingFacts): string[] {
  const lines = [`resolver ${context.settings.resolvers} valid=300s;`];
  if (!facts.resolverTimeout) lines.push('resolver_timeout 5s;');
  return lines;
}

/** Whether `ssl_stapling_verify on` can succeed: the issuer is in every chain, or a trust file is set. */
export function canVerify(facts: StaplingFacts): boolean {
  if (facts.trusted) return true;
  return facts.certificates.length > 0 && facts.certificates.every((c) => c.kind === 'ok' && c.file.issuerInChain);
}

/** Whether the server's responders need a resolver (a host name, or unknown because unreadable). */
export function needsResolver(facts: StaplingFacts): boolean {
  if (facts.file || facts.resolver) return false;
  return facts.certificates.some((c) => {
    const r = responderFor(facts, c);
    return r.kind === 'host' || (r.kind === 'unknown' && !(c.kind === 'unknown' && c.reason === 'variable'));
  });
}

/**
 * The fix that turns stapling on for a server where it takes effect: the server's own
 * `ssl_stapling off` is flipped, otherwise the directives are inserted into the server block
 * (adding `ssl_stapling_verify` only when it can verify, and a resolver when one is missing).
 * None when the setting comes from a file included into the block (a second one would be a
 * duplicate directive).
 */
export function enableStaplingFix(server: HttpServer, facts: StaplingFacts, context: RuleContext): Fix | undefined {
  const tree = context.model.tree;
  const own = server.own.get('ssl_stapling');
  if (own?.some((p) => p.anchor !== p.directive)) return undefined;
  const extra: string[] = [];
  if (!facts.verify && canVerify(facts)) extra.push('ssl_stapling_verify on;');
  if (needsResolver(facts)) extra.push(...resolverLines(context, facts));
  const title = 'Enable OCSP stapling (ssl_stapling on)';
  if (own?.length) {
    const last = own[own.length - 1].directive;
    const flip = replaceArguments(last, 'on');
    if (!flip) return undefined;
    return { title, edits: extra.length ? [flip, insertAfter(tree, last, extra)] : [flip] };
  }
  const edit = insertIntoBlock(tree, server.directive, ['ssl_stapling on;', ...extra]);
  return edit ? { title, edits: [edit] } : undefined;
}
