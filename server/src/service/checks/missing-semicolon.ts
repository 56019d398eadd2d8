import type { Fix } from '../diagnostics';
import type { Directive, Token } from '../parser/ast';
import { acceptsCount, lookupDirective } from '../directives/directiveTable';
import type { DirectiveCheckMeta } from './check';
import { hasNewlineBetween } from '../textScan';
import { quoteExcerpt } from '../quote';

export const missingSemicolon: DirectiveCheckMeta = {
  id: 'missing-semicolon',
  defaultSeverity: 'error',
  summary: 'A directive without its ";" runs on into the next line\'s directive, which nginx then reads as more arguments ("invalid parameter"; a warning when nginx accepts the merged line and silently drops the directive).',
};

/** A place where a `;` is missing: after `before`, the last word of a line. */
export interface MissingSemicolon {
  start: number;
  end: number;
  message: string;
  fixes: Fix[];
  /** A warning when nginx -t accepts the run-on statement as it is (see findMissingSemicolons). */
  severity?: 'warning';
}

function startsLine(text: string, previous: Token, token: Token): boolean {
  return hasNewlineBetween(text, previous.end, token.start);
}

/**
 * Directives whose words nginx takes as they come (names, files, MIME types, variables), so that
 * a run-on line passes nginx -t: measured for server_name, index, try_files, gzip_types and
 * proxy_no_cache / proxy_cache_bypass. Others check their values (listen, access_log, error_page,
 * resolver, ssl_protocols, ...) and fail on the swallowed words.
 */
function takesFreeWords(name: string): boolean {
  return FREE_WORDS.has(name) || name.endsWith('_types') || name.endsWith('_no_cache') || name.endsWith('_cache_bypass');
}

const FREE_WORDS = new Set(['server_name', 'index', 'try_files']);

/** Whether a directive `name` with `count` arguments, with or without a block, is valid in `context`. */
function validStatement(name: string, count: number, block: boolean, context: number): boolean {
  const info = lookupDirective(name);
  if (!info) return false;
  return info.variants.some((v) => (v.contexts & context) !== 0 && !!v.def.block === block && acceptsCount(v, count));
}

/**
 * Finds the line ends of `d` where a `;` was forgotten: a later line starts with a bare word that
 * is a directive allowed here, and cutting the words there gives statements that are each valid
 * (so legitimately wrapped arguments, which never split into valid directives, stay silent).
 */
export function findMissingSemicolons(d: Directive, text: string, context: number): MissingSemicolon[] {
  if (d.args.length === 0 || !startsLine(text, d.nameToken, d.args[d.args.length - 1])) return [];
  const tokens = [d.nameToken, ...d.args];
  const cuts: number[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.quote !== '' || !startsLine(text, tokens[i - 1], t)) continue;
    const info = lookupDirective(t.value);
    if (info && (info.contexts & context) !== 0) cuts.push(i);
  }
  if (cuts.length === 0) return [];
  const bounds = [0, ...cuts, tokens.length];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const last = s + 2 === bounds.length;
    const block = last && !!d.block;
    if (!validStatement(tokens[bounds[s]].value, bounds[s + 1] - bounds[s] - 1, block, context)) return [];
  }
  // A cut that would give a single-valued directive twice trades this error for "is duplicate":
  // still reported, but without a fix (which of the two is meant is the user's call).
  const names = bounds.slice(0, -1).map((b) => tokens[b].value);
  const duplicates = new Set(names.filter((n, k) => names.indexOf(n) !== k && lookupDirective(n)?.variants.some((v) => v.def.single)));
  // The run-on statement itself may be valid (server_name, index, try_files take any number of
  // words): nginx -t then passes (measured: at most a warning such as "server name ... has
  // suspicious symbols"), and the swallowed directive is silently not applied.
  const accepted = takesFreeWords(tokens[0].value) && validStatement(tokens[0].value, tokens.length - 1, !!d.block, context);
  return cuts.map((i, c) => {
    const before = tokens[i - 1];
    const head = tokens[bounds[c]];
    const duplicate = duplicates.has(tokens[i].value);
    const outcome = accepted
      ? `; nginx -t accepts that, so nothing fails, but "${quoteExcerpt(tokens[i].value)}" is never applied`
      : '';
    return {
      start: before.end,
      end: before.end,
      message: `missing ";" after "${quoteExcerpt(text, head.start, before.end)}": nginx reads the next line's "${quoteExcerpt(tokens[i].value)}" as more arguments of "${quoteExcerpt(head.value)}"${outcome}${duplicate ? `; with the ";", "${quoteExcerpt(tokens[i].value)}" would be set twice in this block, so keep only one of them` : ''}`,
      fixes: duplicate ? [] : [{ title: 'Insert the missing ";"', edits: [{ file: d.file, start: before.end, end: before.end, newText: ';' }] }],
      ...(accepted ? { severity: 'warning' as const } : {}),
    };
  });
}
