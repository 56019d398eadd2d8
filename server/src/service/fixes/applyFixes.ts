import type { ConfigDiagnostic, Fix, TextEdit } from '../diagnostics';
import { parseConfig } from '../parser/parseConfig';

/** Applies non-overlapping edits of one text (any order given). */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, 'start' | 'end' | 'newText'>[]): string {
  // Edits at one spot keep the order they have always had: the later one's text comes first.
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || b.i - a.i);
  const parts: string[] = [];
  let at = 0;
  for (const { e } of sorted) {
    parts.push(text.slice(at, e.start), e.newText);
    at = Math.max(at, e.end);
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** The fixes chosen for "fix all", and those left out with the reason. */
export interface FixSelection {
  fixes: Fix[];
  /** Fixes left out, with the reason (overlap, or a result that would not re-parse). */
  skipped: { title: string; reason: string }[];
}

/** The new text of each file after "fix all". */
export interface FixPlan {
  /** New text per file, only for files whose fixes all applied cleanly. */
  files: Map<string, string>;
  applied: number;
  skipped: FixSelection['skipped'];
}

/** Last index in a sorted array whose key is < value, or -1 (binary search). */
function lastBelow<T>(sorted: readonly T[], key: (t: T) => number, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(sorted[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function insertSorted<T>(sorted: T[], key: (t: T) => number, item: T): void {
  sorted.splice(lastBelow(sorted, key, key(item) + 1) + 1, 0, item);
}

/**
 * The edits taken so far in one file: replacements (never overlapping each other, so sorted by
 * start they are sorted by end too) and insertions; both searched by bisection, so choosing
 * among many fixes stays n log n.
 */
class TakenEdits {
  private readonly replacements: TextEdit[] = [];
  private readonly insertions: TextEdit[] = [];
  private readonly exact = new Set<string>();

  static keyOf(e: TextEdit): string {
    return `${e.file}\0${e.start}\0${e.end}\0${e.newText}`;
  }

  has(e: TextEdit): boolean {
    return this.exact.has(TakenEdits.keyOf(e));
  }

  /** Whether `e` overlaps a taken edit (two insertions never clash, even at one offset). */
  clashes(e: TextEdit): boolean {
    const r = this.replacements;
    // The first replacement ending after e.start is the only candidate to start before e's end.
    const i = lastBelow(r, (x) => x.end, e.start + 1) + 1;
    if (i < r.length && r[i].start < Math.max(e.end, e.start + 1) && (e.start < e.end || r[i].start < e.start)) return true;
    if (e.start === e.end) return false;
    const j = lastBelow(this.insertions, (x) => x.start, e.start + 1) + 1;
    return j < this.insertions.length && this.insertions[j].start < e.end;
  }

  add(e: TextEdit): void {
    this.exact.add(TakenEdits.keyOf(e));
    if (e.start === e.end) insertSorted(this.insertions, (x) => x.start, e);
    else insertSorted(this.replacements, (x) => x.start, e);
  }
}

/** Each edit once: fixes may share one (see chooseFixes). */
function uniqueEdits(edits: readonly TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const key = TakenEdits.keyOf(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The new text of each file for a set of edits, or the files whose result would not parse. */
function applyPerFile(edits: readonly TextEdit[], readText: (file: string) => string | undefined): { files: Map<string, string>; rejected: Map<string, string> } {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) {
    const list = byFile.get(e.file);
    if (list) list.push(e);
    else byFile.set(e.file, [e]);
  }
  const files = new Map<string, string>();
  const rejected = new Map<string, string>();
  for (const [file, fileEdits] of byFile) {
    const before = readText(file);
    if (before === undefined) {
      rejected.set(file, 'the file could not be read again');
      continue;
    }
    const after = applyEdits(before, fileEdits);
    if (parseConfig(after, file).problems.length > parseConfig(before, file).problems.length) {
      rejected.set(file, 'the result would not parse');
      continue;
    }
    files.set(file, after);
  }
  return { files, rejected };
}

/**
 * Chooses the first fix of every diagnostic for "fix all" (the CLI's --fix and the editor's
 * source.fixAll alike): skips a fix already chosen through another diagnostic (the same edits), a
 * fix that overlaps one already taken (an edit it shares with one taken, the same range and text,
 * is no overlap: it is made once), and every fix that touches a file whose result would not
 * parse (a fix across files is applied whole or not at all). When fixes are dropped for that, the
 * choice is made again without them, so that a fix they had crowded out gets its turn.
 * `readText` gives each file's text.
 */
export function selectFixes(diagnostics: readonly ConfigDiagnostic[], readText: (file: string) => string | undefined): FixSelection & { files: Map<string, string> } {
  const dropped = new Map<Fix, string>();
  for (;;) {
    const { taken, overlapping } = chooseFixes(diagnostics, dropped);
    const { files, rejected } = applyPerFile(uniqueEdits(taken.flatMap((f) => f.edits)), readText);
    if (rejected.size === 0) {
      const skipped = [
        ...overlapping.map((fix) => ({ title: fix.title, reason: 'overlaps another fix' })),
        ...[...dropped].map(([fix, reason]) => ({ title: fix.title, reason })),
      ];
      return { fixes: taken, skipped, files };
    }
    // Each pass drops at least one more fix, so this ends.
    for (const fix of taken) {
      const bad = fix.edits.find((e) => rejected.has(e.file));
      if (bad) dropped.set(fix, `${rejected.get(bad.file)} (${bad.file}); nothing written for this fix`);
    }
  }
}

/** The first fix of each diagnostic, in order, unless dropped, already taken, or overlapping one taken. */
function chooseFixes(diagnostics: readonly ConfigDiagnostic[], dropped: ReadonlyMap<Fix, string>): { taken: Fix[]; overlapping: Fix[] } {
  const taken: Fix[] = [];
  const overlapping: Fix[] = [];
  const perFile = new Map<string, TakenEdits>();
  const takenIn = (file: string): TakenEdits => {
    let t = perFile.get(file);
    if (!t) perFile.set(file, (t = new TakenEdits()));
    return t;
  };
  for (const d of diagnostics) {
    const fix = d.fixes[0];
    if (!fix || dropped.has(fix)) continue;
    // An edit another fix already makes (the same range and text) is made once, for both.
    const fresh = fix.edits.filter((e) => !takenIn(e.file).has(e));
    if (fresh.length === 0) continue;
    if (fresh.some((e) => takenIn(e.file).clashes(e))) {
      overlapping.push(fix);
      continue;
    }
    taken.push(fix);
    for (const e of fresh) takenIn(e.file).add(e);
  }
  return { taken, overlapping };
}

/** The new text of each file after applying selectFixes' choice. */
export function planFixes(diagnostics: readonly ConfigDiagnostic[], readText: (file: string) => string | undefined): FixPlan {
  const { fixes, skipped, files } = selectFixes(diagnostics, readText);
  return { files, applied: fixes.length, skipped };
}
