import type { ConfigDiagnostic, Fix, RelatedLocation, Severity } from '../diagnostics';
import type { Directive } from '../parser/ast';
import { treePositions, walkConfig, type ConfigTree } from '../model/configTree';
import { parseListen } from '../model/serverModel';
import { ContextKind, childContext, lookupDirective, nestedContexts, rootContextKind, variantsIn } from '../directives/directiveTable';
import type { DirectiveCheckMeta } from './check';
import type { AnalysisSettings } from '../settings';
import { createReporter, type Reporter } from '../report';
import { directiveNotAllowedHere, notAllowedMessage } from './directive-not-allowed-here';
import { checkRemoved, directiveRemoved } from './directive-removed';
import { duplicateDirective, duplicateFinding } from './duplicate-directive';
import { checkArgumentCount, invalidArgumentCount } from './invalid-argument-count';
import { findMissingSemicolons, missingSemicolon } from './missing-semicolon';
import { checkArgumentValue, invalidArgumentValue } from './invalid-argument-value';
import { checkUnknownName, checkVersion, unknownDirective } from './unknown-directive';
import type { BlockCheckMemo } from './blockCheckMemo';

export type { DirectiveCheckMeta } from './check';

/** Every directive check, sorted by id (an explicit registry; the ids are a CLI contract). */
export const DIRECTIVE_CHECKS: readonly DirectiveCheckMeta[] = [
  directiveNotAllowedHere,
  directiveRemoved,
  duplicateDirective,
  invalidArgumentCount,
  invalidArgumentValue,
  missingSemicolon,
  unknownDirective,
];

const HTTP_FAMILY = ContextKind.Http | ContextKind.Server | ContextKind.Location | ContextKind.Upstream | ContextKind.IfInServer | ContextKind.IfInLocation | ContextKind.LimitExcept;
const STREAM_FAMILY = ContextKind.Stream | ContextKind.StreamServer | ContextKind.StreamUpstream;
const MAIL_FAMILY = ContextKind.Mail | ContextKind.MailServer;

/**
 * What makes a second `listen` or `location` of one block a duplicate for nginx, with its words:
 * the same socket in an http server (ngx_http_add_listen: "a duplicate listen 0.0.0.0:8080", however
 * the address is written), the same exact or the same prefix location (ngx_http_join_exact_locations:
 * `location /a` and `location ^~ /a` clash, `= /a` and `/a` do not; regex and named ones may repeat).
 * Each measured with nginx -t 1.22.1.
 */
function repeatKey(d: Directive, context: number): { key: string; message: string } | undefined {
  if (d.name === 'listen' && context === ContextKind.Server && d.args.length > 0) {
    const socket = parseListen(d).socket;
    return { key: `listen ${socket}`, message: `a duplicate listen ${socket}: this server already listens there, and nginx -t fails` };
  }
  if (d.name === 'location' && (context === ContextKind.Server || context === ContextKind.Location)) {
    const place = locationPlace(d);
    return place && { key: `location ${place.exact ? '=' : ''}${place.name}`, message: `duplicate location "${place.name}": this block already has this ${place.exact ? 'exact' : 'prefix'} location, and nginx -t fails` };
  }
  return undefined;
}

/** An exact or prefix location's name as nginx reads it (ngx_http_core_location); undefined for regex, named and invalid ones. */
function locationPlace(d: Directive): { exact: boolean; name: string } | undefined {
  const [first, second] = d.args.map((a) => a.value);
  if (first === undefined) return undefined;
  if (second !== undefined) {
    if (d.args.length !== 2) return undefined;
    if (first === '=') return { exact: true, name: second };
    if (first === '^~') return { exact: false, name: second };
    return undefined;
  }
  if (first.startsWith('=')) return first.length > 1 ? { exact: true, name: first.slice(1) } : undefined;
  if (first.startsWith('^~')) return first.length > 2 ? { exact: false, name: first.slice(2) } : undefined;
  if (first.startsWith('~') || first.startsWith('@')) return undefined;
  return { exact: false, name: first };
}

/**
 * The contexts a file analysed alone may really be included into, given the guessed one: any
 * block of the same protocol (the guess from a file's content is often one level off).
 */
function contextFamily(kind: number): number {
  if (kind & HTTP_FAMILY) return HTTP_FAMILY;
  if (kind & STREAM_FAMILY) return STREAM_FAMILY;
  if (kind & MAIL_FAMILY) return MAIL_FAMILY;
  return nestedContexts(kind);
}

/** Keys of map/geo/split_clients bodies that are words: a file of such lines is a value list. */
const VALUE_KEYWORDS = new Set(['default', 'hostnames', 'volatile', 'ranges', 'proxy', 'proxy_recursive', 'delete']);

/**
 * Whether a top-level word of a file analysed alone is rather a value (a map key, a MIME type, an
 * address): the file is then likely the body of a map, geo or types block included elsewhere.
 */
function looksLikeValue(name: string): boolean {
  return !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || VALUE_KEYWORDS.has(name);
}

/** The body context of the first context in `mask` where block `name` opens a known context. */
function firstChildContext(mask: number, name: string): number {
  for (let bit = 1; bit <= mask; bit <<= 1) {
    if (mask & bit) {
      const child = childContext(bit, name);
      if (child !== ContextKind.Unchecked) return child;
    }
  }
  return ContextKind.Unchecked;
}

/**
 * Checks every directive of a tree against the directive table in one pass: unknown names,
 * directives outside their contexts, argument counts, single-valued directives set twice in a
 * block, and forgotten semicolons. Bodies of value-list blocks (map, types, geo, split_clients,
 * charset_map), of unknown blocks and of `*_by_lua_block` are not checked; nor is anything inside
 * a block that was reported or never closed. A file analysed alone (tree.rootContext not empty)
 * has a guessed top level: there a directive that belongs in a block nested inside the guessed
 * context is accepted, since the file may be a snippet included there. Reports through
 * `reporter` and returns its diagnostics. With `memo` (kept between analyses), the bodies of blocks
 * checked before with the same text are not checked again (see BlockCheckMemo).
 */
export function runDirectiveChecks(
  tree: ConfigTree,
  settings: Partial<Pick<AnalysisSettings, 'nginxVersion' | 'severities'>> = {},
  reporter: Reporter = createReporter(settings.severities),
  memo?: BlockCheckMemo,
): ConfigDiagnostic[] {
  // Skipping a body would leave walkConfig's budget of directives unspent: not where it matters.
  const blocks = tree.expansionLimited ? undefined : memo;
  blocks?.begin(JSON.stringify([settings.nginxVersion, settings.severities]));
  const enabled = (meta: DirectiveCheckMeta): boolean => reporter.enabled(meta.id);
  const report = (meta: DirectiveCheckMeta, d: Directive, start: number, end: number, message: string, severity: Severity = meta.defaultSeverity, fixes: Fix[] = [], related: RelatedLocation[] = []): void => {
    const diagnostic: ConfigDiagnostic = { file: d.file, start, end, severity, code: meta.id, message, fixes, related };
    reporter.report(diagnostic);
    blocks?.record(diagnostic);
  };
  const replay = (diagnostic: ConfigDiagnostic): void => reporter.report(diagnostic);
  const rootKind = rootContextKind(tree.rootContext);
  const guessedRoot = tree.rootContext.length > 0 ? contextFamily(rootKind) : 0;
  const bodyKinds = new Map<Directive, number>();
  // A file included twice shares its Directive objects: each visit of a block gets its own key.
  const visits = new Map<Directive, object>();
  const rootVisit = {};
  const seenInVisit = new Map<object, Map<string, Directive>>();
  /** The directive that took `key` first in this visit of `parent`'s block (or the top level); `d` takes it when none has. */
  const firstInBlock = (key: string, d: Directive, parent: Directive | undefined): Directive | undefined => {
    const visit = parent ? visits.get(parent) ?? rootVisit : rootVisit;
    let seen = seenInVisit.get(visit);
    if (!seen) seenInVisit.set(visit, (seen = new Map()));
    const first = seen.get(key);
    if (!first) seen.set(key, d);
    return first;
  };
  const textOf = (file: string): string => tree.files.get(file)?.text ?? '';
  let reportedUnclosed = false;

  walkConfig(tree, (d, ancestors) => {
    blocks?.visit(d, ancestors, d.name === 'include' || tree.includes.has(d));
    const parent = ancestors.length ? ancestors[ancestors.length - 1] : undefined;
    const context = parent ? bodyKinds.get(parent) ?? ContextKind.Unchecked : rootKind;
    if (context === ContextKind.Unchecked) return false;
    const skipBody = (): false => {
      if (d.block) bodyKinds.set(d, ContextKind.Unchecked);
      return false;
    };

    const info = lookupDirective(d.name);
    if (!info) {
      const valueLike = !parent && guessedRoot !== 0 && looksLikeValue(d.name);
      if (enabled(unknownDirective) && !valueLike) {
        const f = checkUnknownName(d, context);
        report(unknownDirective, d, d.nameToken.start, d.nameToken.end, f.message, f.severity, f.fixes);
      }
      return skipBody();
    }
    const versionProblem = checkVersion(d, info, settings.nginxVersion);
    if (versionProblem && enabled(unknownDirective)) report(unknownDirective, d, d.nameToken.start, d.nameToken.end, versionProblem);
    if (enabled(directiveRemoved)) for (const f of checkRemoved(tree, d, parent, settings.nginxVersion)) report(directiveRemoved, d, f.start, f.end, f.message, f.severity, f.fixes);

    let allowedIn = info.contexts & context;
    if (allowedIn === 0 && !parent && guessedRoot !== 0) allowedIn = info.contexts & guessedRoot;
    if (allowedIn === 0) {
      const unclosed = ancestors.filter((a) => a.block?.close === undefined);
      // Inside blocks that never close, everything after the missing "}" reads one level too
      // deep: nginx stops at the first directive that is then out of place (where a "}" is
      // missing above), and so do we; the rest would be the same mistake again.
      if (enabled(directiveNotAllowedHere) && !(unclosed.length > 0 && reportedUnclosed)) {
        const hint = unclosed.length > 0 ? `; a "}" is probably missing above this line (the file ends inside ${unclosed.map((a) => `"${a.name}" of line ${treePositions(tree).positionAt(a.file, a.start).line + 1}`).join(' and ')}, never closed)` : '';
        report(directiveNotAllowedHere, d, d.nameToken.start, d.nameToken.end, notAllowedMessage(d, info, context) + hint);
        if (unclosed.length > 0) reportedUnclosed = true;
      }
      return skipBody();
    }
    const variants = variantsIn(info, allowedIn);

    const text = textOf(d.file);
    const runOn = findMissingSemicolons(d, text, allowedIn);
    if (runOn.length > 0) {
      if (enabled(missingSemicolon)) for (const m of runOn) report(missingSemicolon, d, m.start, m.end, m.message, m.severity, m.fixes);
      return skipBody();
    }

    // A statement the parser had to end itself (no ";" and no block) is already a syntax error.
    const recovered = d.semicolon === undefined && !d.block;
    // A block directive ended by ";" is checkBlockStructure's syntax error ("has no opening {"), which nginx stops at.
    const missingBlock = !d.block && variants.length > 0 && variants.every((v) => v.def.block);
    if (!recovered && !missingBlock && d.name !== 'include' && enabled(invalidArgumentCount)) {
      const message = checkArgumentCount(d, variants);
      if (message) {
        const last = d.args.length ? d.args[d.args.length - 1] : d.nameToken;
        report(invalidArgumentCount, d, d.nameToken.start, last.end, message);
      }
    }
    if (!recovered && !missingBlock && enabled(invalidArgumentValue)) {
      const bad = checkArgumentValue(d, variants, settings.nginxVersion);
      if (bad) report(invalidArgumentValue, d, bad.start, bad.end, bad.message);
    }

    // The same socket twice in one server, the same exact or prefix location twice in one block.
    const statementKey = recovered ? undefined : repeatKey(d, context);
    if (statementKey && enabled(duplicateDirective)) {
      const first = firstInBlock(statementKey.key, d, parent);
      if (first) report(duplicateDirective, d, d.nameToken.start, (d.args[d.args.length - 1] ?? d.nameToken).end, statementKey.message, undefined, [], [{ file: first.file, start: first.start, end: first.end, message: `the first ${d.name} of this block` }]);
    }

    if (!recovered && variants[0]?.def.single && enabled(duplicateDirective)) {
      const first = firstInBlock(d.name === 'alias' ? 'root' : d.name, d, parent);
      if (first) {
        const f = duplicateFinding(first, d, text);
        report(duplicateDirective, d, d.nameToken.start, d.nameToken.end, f.message, undefined, f.fixes, f.related);
      }
    }

    if (d.block) {
      // A block never closed (the file ends inside it) is read on, as nginx does, for the
      // directive that shows where its "}" is missing (see above); nothing in it is kept.
      if (d.block.close === undefined && d.luaBody) return skipBody();
      const bodyKind = allowedIn === (info.contexts & context) ? childContext(context, d.name) : firstChildContext(allowedIn, d.name);
      const parsed = bodyKind !== ContextKind.Unchecked ? tree.files.get(d.file) : undefined;
      // Not kept inside blocks that never close: what is reported there depends on what came before (see above).
      if (parsed && !ancestors.some((a) => a.block?.close === undefined) && blocks?.enter(d, parsed, bodyKind, replay)) return false;
      visits.set(d, {});
      bodyKinds.set(d, bodyKind);
    }
    return true;
  });
  blocks?.end();
  return reporter.diagnostics;
}
