import { ownCopy } from './textScan';

/** A zero-based line and UTF-16 character, as LSP and the CLI's JSON use. */
export interface Position {
  line: number;
  character: number;
}

const LF = 10;
const CR = 13;

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Line starts of a text without `\r`: indexOf runs natively, several times faster than a loop over the characters. */
function lineStartsLf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Line starts where `\r\n`, `\r` and `\n` each end a line. */
function lineStartsWithCr(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) starts.push(i + 1);
    else if (c === CR) {
      if (text.charCodeAt(i + 1) === LF) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * Converts offsets of one text to positions and back, counting lines as every LSP client does:
 * `\r\n`, `\n` and a lone `\r` each end a line.
 */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    this.lineStarts = text.includes('\r') ? lineStartsWithCr(text) : lineStartsLf(text);
  }

  /** Whether this is the index of `text`. */
  indexes(text: string): boolean {
    return this.text === text;
  }

  /** The number of lines (a text ending with a line end has an empty last line). */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  /**
   * The position of `offset`, clamped to the text, and moved back to a character boundary: never
   * between `\r` and `\n`, never inside a surrogate pair.
   */
  positionAt(offset: number): Position {
    let o = Math.max(0, Math.min(Math.trunc(offset) || 0, this.text.length));
    if (o > 0 && o < this.text.length) {
      const before = this.text.charCodeAt(o - 1);
      const at = this.text.charCodeAt(o);
      if ((before === CR && at === LF) || (isHighSurrogate(before) && isLowSurrogate(at))) o--;
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  /** The offset where line `line`'s content ends (before its line end). */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === LF) end--;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === CR) end--;
    return end;
  }

  /** The offset of `position` (clamped to its line's content and the text), as LSP clamps it. */
  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = this.lineStarts[position.line];
    return Math.max(start, Math.min(start + Math.max(0, position.character), this.lineEnd(position.line)));
  }
}

/** A range of positions, as LSP and the CLI's JSON use. */
export interface Range {
  start: Position;
  end: Position;
}

// The line indexes of the files analysed last: an analysis and the conversion of its findings
// would otherwise index a 35k-line file again on every keystroke (4 ms each time).
const MAX_RECENT_INDEXES = 64;
const recentIndexes = new Map<string, LineIndex>();

/** The line index of `text`, the one built last for `file` when the text is the same. */
function lineIndexOf(file: string, text: string): LineIndex {
  const recent = recentIndexes.get(file);
  if (recent?.indexes(text)) return recent;
  const index = new LineIndex(text);
  if (recentIndexes.size >= MAX_RECENT_INDEXES) recentIndexes.clear();
  recentIndexes.set(ownCopy(file), index);
  return index;
}

/**
 * The one way from offsets to positions (and back) in the files of an analysis: one LineIndex
 * per file, built on first use from the text the analysis read.
 */
export class FilePositions {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(private readonly textOf: (file: string) => string | undefined) {}

  /** The line index of a file (an empty text when the file is not known). */
  index(file: string): LineIndex {
    let index = this.indexes.get(file);
    if (!index) {
      index = lineIndexOf(file, this.textOf(file) ?? '');
      this.indexes.set(file, index);
    }
    return index;
  }

  positionAt(file: string, offset: number): Position {
    return this.index(file).positionAt(offset);
  }

  offsetAt(file: string, position: Position): number {
    return this.index(file).offsetAt(position);
  }

  range(file: string, start: number, end: number): Range {
    const index = this.index(file);
    return { start: index.positionAt(start), end: index.positionAt(end) };
  }
}
