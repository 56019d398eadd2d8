import type { StreamItem } from './tokenStream';

/** How the layout indents and aligns. */
export interface LayoutOptions {
  tabSize: number;
  insertSpaces: boolean;
  alignArguments: boolean;
}

/** A statement (or a `}`, or a comment on its own line) as range formatting selects it: items first..last. */
export interface LayoutUnit {
  first: number;
  last: number;
  /** For a `}` unit: the first item of the statement that opened the block, when known. */
  blockFirst?: number;
}

/** The whitespace the layout wants before each item (`gaps[i]` precedes item i; `gaps[n]` ends the file). */
export interface Layout {
  gaps: string[];
  units: LayoutUnit[];
  /** Items after this index are left as they are (a syntax error follows); -1 when nothing is laid out. */
  lastItem: number;
}

const NEWLINE = 10;

function isNginxSpace(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

function countNewlines(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === NEWLINE) n++;
  return n;
}

/** Display column of an offset, tabs advancing to the next multiple of tabSize. */
function columnOf(text: string, offset: number, tabSize: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let col = 0;
  for (let i = lineStart; i < offset; i++) col = text.charCodeAt(i) === 9 ? col - (col % tabSize) + tabSize : col + 1;
  return col;
}

/** The line ending the file uses (that of its first line), so that a CRLF file stays CRLF. */
export function lineEndingOf(text: string): string {
  const lf = text.indexOf('\n');
  return lf > 0 && text.charCodeAt(lf - 1) === 13 ? '\r\n' : '\n';
}

/** Whether an item ends a statement (or stands alone between statements). */
function endsStatement(item: StreamItem): boolean {
  return item.kind === 'semicolon' || item.kind === 'open' || item.kind === 'close' || item.kind === 'lua';
}

/**
 * The index of the last item that ends a statement before `limit` (the first syntax error):
 * formatting stops there, so the broken statement and everything after it stay as written.
 */
export function lastCleanItem(items: readonly StreamItem[], limit: number): number {
  let last = -1;
  let inStatement = false;
  for (let i = 0; i < items.length && items[i].end <= limit; i++) {
    const it = items[i];
    if (it.kind === 'word') inStatement = true;
    else if (endsStatement(it)) { inStatement = false; last = i; }
    else if (!inStatement) last = i;
  }
  return last;
}

/** Padding after each statement's name for argument alignment: item index of the name → spaces. */
function alignmentPads(text: string, items: readonly StreamItem[], lastItem: number): Map<number, number> {
  const pads = new Map<number, number>();
  let group: { name: number; width: number }[] = [];
  const flush = (): void => {
    if (group.length > 1) {
      const width = Math.max(...group.map((g) => g.width));
      for (const g of group) pads.set(g.name, width - g.width + 1);
    }
    group = [];
  };
  let i = 0;
  while (i <= lastItem) {
    const it = items[i];
    if (it.kind !== 'word') {
      // A comment on its own line, a block's brace, a blank line: all end a group.
      if (it.kind === 'comment' && i > 0 && countNewlines(text, items[i - 1].end, it.start) === 0) { i++; continue; }
      flush();
      i++;
      continue;
    }
    if (i > 0 && countNewlines(text, items[i - 1].end, it.start) > 1) flush();
    let j = i + 1;
    while (j <= lastItem && items[j].kind === 'word') j++;
    const simple = j <= lastItem && items[j].kind === 'semicolon' && j > i + 1;
    const sameLine = simple && countNewlines(text, it.end, items[i + 1].start) === 0 && items[i + 1].start > it.end;
    if (simple && sameLine && !it.raw.includes('\n')) group.push({ name: i, width: it.raw.length });
    else flush();
    i = simple ? j + 1 : j;
  }
  flush();
  return pads;
}

/**
 * Lays out the whitespace between tokens: one statement per line, indentation by block depth,
 * `{` on its statement's line, `}` on its own line, same-line comments kept on their line, blank
 * lines kept (at most one in a row, none right after `{` or before `}`), one space between
 * words; continuation lines of a statement keep their offset from the statement's first column.
 * Only items up to `lastItem` are laid out. Throws when text between two items is not whitespace.
 */
export function layoutItems(text: string, items: readonly StreamItem[], lastItem: number, options: LayoutOptions): Layout {
  const eol = lineEndingOf(text);
  const unit = options.insertSpaces ? ' '.repeat(options.tabSize) : '\t';
  const indents: string[] = [''];
  const pads = options.alignArguments ? alignmentPads(text, items, lastItem) : new Map<number, number>();
  const gaps: string[] = new Array(items.length + 1);
  const units: LayoutUnit[] = [];
  const openers: number[] = [];
  /** A new line indented for `depth`, after a blank line when `blank`. */
  function lineBreak(depth: number, blank: boolean): string {
    const d = Math.max(0, depth);
    while (indents.length <= d) indents.push(indents[indents.length - 1] + unit);
    return blank ? eol + eol + indents[d] : eol + indents[d];
  }
  /** A continuation line of a statement: as far right of the statement's first column as it was. */
  function continuation(depth: number, at: number, statementAt: number): string {
    const delta = columnOf(text, at, options.tabSize) - columnOf(text, statementAt, options.tabSize);
    if (delta <= 0) return lineBreak(depth + 1, false);
    const extra = options.insertSpaces ? ' '.repeat(delta) : '\t'.repeat(Math.floor(delta / options.tabSize)) + ' '.repeat(delta % options.tabSize);
    return lineBreak(depth, false) + extra;
  }
  let depth = 0;
  let statementFirst = -1;
  let unitFirst = -1;
  for (let i = 0; i <= lastItem; i++) {
    const it = items[i];
    const prev = i > 0 ? items[i - 1] : undefined;
    const gapStart = prev ? prev.end : 0;
    if (!isNginxSpace(text, gapStart, it.start)) {
      throw new Error(`text between tokens at offset ${gapStart} is not whitespace: ${JSON.stringify(text.slice(gapStart, Math.min(it.start, gapStart + 40)))}`);
    }
    const newlines = countNewlines(text, gapStart, it.start);
    if (it.kind === 'close') depth--;
    let gap: string;
    if (!prev) gap = '';
    else if (it.kind === 'comment' && newlines === 0) gap = ' ';
    else if (statementFirst >= 0) {
      // Inside a statement: after its name, before its `;` or `{`.
      if (prev.kind === 'comment' || (newlines > 0 && (it.kind === 'word' || it.kind === 'comment'))) gap = continuation(depth, it.start, items[statementFirst].start);
      else if (it.kind === 'semicolon') gap = '';
      else if (it.kind === 'open' || it.kind === 'lua') gap = ' ';
      else if (it.start === prev.end) gap = ''; // `"a")` in an `if`: nginx splits them; keep them glued.
      else gap = prev.kind === 'word' && pads.has(i - 1) ? ' '.repeat(pads.get(i - 1) as number) : ' ';
    } else if (it.kind === 'close') {
      gap = prev.kind === 'open' ? '' : lineBreak(depth, false);
    } else {
      gap = lineBreak(depth, prev.kind !== 'open' && newlines > 1);
    }
    gaps[i] = gap;

    // Units for range formatting, and the statement being read.
    if (it.kind === 'word' && statementFirst < 0) {
      statementFirst = i;
      unitFirst = i;
    } else if (it.kind === 'comment' && statementFirst < 0 && !(prev && newlines === 0 && units.length && units[units.length - 1].last === i - 1)) {
      units.push({ first: i, last: i });
    } else if (it.kind === 'comment' && statementFirst < 0) {
      units[units.length - 1].last = i;
    } else if (it.kind === 'close') {
      const opener = openers.pop();
      units.push({ first: i, last: i, blockFirst: opener });
    }
    if (it.kind === 'open') openers.push(statementFirst);
    if (it.kind === 'open') depth++;
    if (endsStatement(it) && it.kind !== 'close') {
      units.push({ first: unitFirst >= 0 ? unitFirst : i, last: i });
      statementFirst = -1;
      unitFirst = -1;
    }
  }
  gaps[items.length] = lastItem === items.length - 1 && lastItem >= 0 ? eol : text.slice(items.length ? items[items.length - 1].end : 0);
  return { gaps, units, lastItem };
}
