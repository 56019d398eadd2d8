/** A zero-based line and UTF-16 character, as LSP and the CLI's JSON use. */
export interface Position {
  line: number;
  character: number;
}

/** Converts offsets of one text to positions and back. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i >= 0) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.lineStarts = starts;
  }

  /** The position of `offset` (clamped to the text). */
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  /** The offset of `position` (clamped to its line and the text). */
  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = this.lineStarts[position.line];
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    return Math.max(start, Math.min(start + position.character, next));
  }
}

/** A range of positions, as LSP and the CLI's JSON use. */
export interface Range {
  start: Position;
  end: Position;
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
      index = new LineIndex(this.textOf(file) ?? '');
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
