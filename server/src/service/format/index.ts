import { parseConfig } from '../parser/parseConfig';
import type { ParsedFile } from '../parser/ast';
import { lastCleanItem, layoutItems, type Layout } from './layout';
import { compareStreams, tokenStream, type StreamItem } from './tokenStream';

export { tokenStream, type StreamItem } from './tokenStream';

/** How to format: the editor's tab options, and argument alignment (off by default). */
export interface FormatOptions {
  tabSize: number;
  insertSpaces: boolean;
  alignArguments?: boolean;
}

/** A replacement of the text in [start, end) (UTF-16 offsets). */
export interface FormatEdit {
  start: number;
  end: number;
  newText: string;
}

/** Edits that format a text, and why it was formatted only in part or not at all. */
export interface FormatResult {
  edits: FormatEdit[];
  /** Set when some or all of the text was left as it is: a syntax error, or a failed guarantee check. */
  reason?: string;
  /** With a syntax error: the offset where formatting stopped (the text from there on is as written). */
  stoppedAt?: number;
  /** The guarantee check (or the layout) refused the edits: a bug, reported in `reason`. */
  refused?: boolean;
}

/** The default style of the CLI: four spaces. */
export const DEFAULT_FORMAT_OPTIONS: FormatOptions = { tabSize: 4, insertSpaces: true, alignArguments: false };

/** A half-open offset range of the text. */
export interface OffsetRange {
  start: number;
  end: number;
}

/** Applies non-overlapping edits (any order) in one pass. */
export function applyFormatEdits(text: string, edits: readonly FormatEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const e of sorted) {
    parts.push(text.slice(at, e.start), e.newText);
    at = e.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * The formatter's guarantee: the token stream nginx reads (words with their quoting and escapes,
 * `;`, `{`, `}`, Lua blocks, comments' text) and the syntax errors of `after` are those of
 * `before`. Returns why not, or undefined when they are the same.
 */
export function checkSameTokens(before: string, after: string): string | undefined {
  return compareStreams(parseConfig(before, ''), parseConfig(after, ''));
}

interface Prepared {
  parsed: ParsedFile;
  items: StreamItem[];
  layout?: Layout;
  refused?: boolean;
  reason?: string;
  stoppedAt?: number;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function prepare(text: string, options: FormatOptions): Prepared {
  const parsed = parseConfig(text, '');
  const items = tokenStream(parsed);
  const first = parsed.problems.reduce<number | undefined>((m, p) => (m === undefined || p.start < m ? p.start : m), undefined);
  const lastItem = first === undefined ? items.length - 1 : lastCleanItem(items, first);
  let reason: string | undefined;
  let stoppedAt: number | undefined;
  if (first !== undefined) {
    const problem = parsed.problems.find((p) => p.start === first);
    stoppedAt = lastItem >= 0 ? items[lastItem].end : 0;
    reason = lastItem >= 0
      ? `formatted up to line ${lineOf(text, stoppedAt)} only: syntax error on line ${lineOf(text, first)}: ${problem?.message}`
      : `not formatted: syntax error on line ${lineOf(text, first)}: ${problem?.message}`;
  }
  try {
    const layout = layoutItems(text, items, lastItem, { tabSize: Math.max(1, options.tabSize | 0), insertSpaces: options.insertSpaces, alignArguments: !!options.alignArguments });
    return { parsed, items, layout, reason, stoppedAt };
  } catch (err) {
    return { parsed, items, refused: true, reason: `not formatted: ${(err as Error).message}` };
  }
}

/** The edits for the gaps of items first..last (gap i precedes item i), only where they change. */
function gapEdits(text: string, p: Prepared, first: number, last: number, out: FormatEdit[]): void {
  const { items, layout } = p;
  if (!layout) return;
  for (let i = first; i <= last; i++) {
    const start = i > 0 ? items[i - 1].end : 0;
    const end = i < items.length ? items[i].start : text.length;
    const gap = layout.gaps[i];
    if (gap === undefined || (gap === '' && start === end)) continue;
    if (text.slice(start, end) !== gap) out.push({ start, end, newText: gap });
  }
}

/** Returns the edits if the guarantee holds for them, else no edits and why. */
function guarded(text: string, p: Prepared, edits: FormatEdit[]): FormatResult {
  const base = {
    ...(p.reason !== undefined ? { reason: p.reason } : {}),
    ...(p.stoppedAt !== undefined ? { stoppedAt: p.stoppedAt } : {}),
    ...(p.refused ? { refused: true } : {}),
  };
  if (edits.length === 0) return { edits, ...base };
  const after = applyFormatEdits(text, edits);
  const differs = compareStreams(p.parsed, parseConfig(after, ''), p.items);
  if (differs) return { edits: [], refused: true, reason: `not formatted: the result would not read the same as the original (${differs})` };
  return { edits, ...base };
}

/**
 * Formats a whole nginx configuration text: whitespace between tokens only, checked by
 * re-reading the result (see checkSameTokens). With a syntax error, formats up to the statement
 * before it and says so in `reason`.
 */
export function formatDocument(text: string, options: FormatOptions): FormatResult {
  const p = prepare(text, options);
  const edits: FormatEdit[] = [];
  if (p.layout) gapEdits(text, p, 0, p.layout.lastItem === p.items.length - 1 ? p.items.length : p.layout.lastItem, edits);
  return guarded(text, p, edits);
}

/** Formats the whole statements (and `}` and comment lines) that a range touches, with their indentation. */
export function formatRange(text: string, range: OffsetRange, options: FormatOptions): FormatResult {
  const p = prepare(text, options);
  const edits: FormatEdit[] = [];
  if (p.layout) {
    for (const u of p.layout.units) {
      const start = p.items[u.first].start;
      const end = p.items[u.last].end;
      const touched = range.start === range.end ? start <= range.start && range.start <= end : start < range.end && range.start < end;
      if (touched) gapEdits(text, p, u.first, u.last, edits);
    }
  }
  return guarded(text, p, edits);
}

/**
 * Formatting as you type: after `;` the statement it ends, after `}` the whole block it closes.
 * `offset` is just after the typed character.
 */
export function formatOnType(text: string, offset: number, ch: string, options: FormatOptions): FormatResult {
  const p = prepare(text, options);
  if (!p.layout) return guarded(text, p, []);
  const kind = ch === ';' ? 'semicolon' : ch === '}' ? 'close' : undefined;
  const unit = kind && p.layout.units.find((u) => p.items[u.last].end === offset && p.items[u.last].kind === kind || (p.items[u.first].kind === kind && p.items[u.first].end === offset));
  if (!unit) return { edits: [], ...(p.reason ? { reason: p.reason } : {}) };
  const first = unit.blockFirst !== undefined && unit.blockFirst >= 0 ? unit.blockFirst : unit.first;
  const edits: FormatEdit[] = [];
  gapEdits(text, p, first, unit.last, edits);
  return guarded(text, p, edits);
}
