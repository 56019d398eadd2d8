import type { ConfigDiagnostic, Fix, TextEdit } from '../diagnostics';
import { parseConfig } from '../parser/parseConfig';

/** Applies non-overlapping edits of one text (any order given). */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, 'start' | 'end' | 'newText'>[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The new text of each file after a fix. */
export interface FixPlan {
  /** New text per file, only for files whose fixes all applied cleanly. */
  files: Map<string, string>;
  applied: number;
  /** Fixes left out, with the reason (overlap, or a result that would not re-parse). */
  skipped: { title: string; reason: string }[];
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.file === b.file && a.start === b.start && a.end === b.end && a.newText === b.newText;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  // Two insertions never clash, even at one offset: both texts go in.
  if (a.start === a.end && b.start === b.end) return false;
  return a.start < b.end && b.start < a.end;
}

/** The new text of each file for a set of edits, or the files whose result would not parse. */
function applyPerFile(edits: readonly TextEdit[], readText: (file: string) => string | undefined): { files: Map<string, string>; rejected: Map<string, string> } {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
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
 * Plans the first fix of every diagnostic, skipping a fix already planned through another
 * diagnostic (the same edits), a fix that overlaps one already taken, and every fix that touches
 * a file whose result would not parse (a fix across files is applied whole or not at all);
 * `readText` gives each file's current text.
 */
export function planFixes(diagnostics: readonly ConfigDiagnostic[], readText: (file: string) => string | undefined): FixPlan {
  let taken: Fix[] = [];
  const skipped: FixPlan['skipped'] = [];
  for (const d of diagnostics) {
    const fix = d.fixes[0];
    if (!fix) continue;
    const planned = taken.flatMap((f) => f.edits);
    const fresh = fix.edits.filter((e) => !planned.some((t) => sameEdit(e, t)));
    if (fresh.length === 0) continue;
    if (fresh.length < fix.edits.length || fresh.some((e) => planned.some((t) => overlaps(e, t)))) {
      skipped.push({ title: fix.title, reason: 'overlaps another fix; run --fix again' });
      continue;
    }
    taken.push(fix);
  }
  for (;;) {
    const { files, rejected } = applyPerFile(taken.flatMap((f) => f.edits), readText);
    if (rejected.size === 0) return { files, applied: taken.length, skipped };
    const kept: Fix[] = [];
    for (const fix of taken) {
      const bad = fix.edits.find((e) => rejected.has(e.file));
      if (bad) skipped.push({ title: fix.title, reason: `${rejected.get(bad.file)} (${bad.file}); nothing written for this fix` });
      else kept.push(fix);
    }
    taken = kept;
  }
}
