import type { ConfigDiagnostic, TextEdit } from '../diagnostics';
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
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

/**
 * Plans the first fix of every diagnostic, skipping a fix already planned through another
 * diagnostic (the same edits), a fix that overlaps one already taken, and fixes that would add
 * syntax errors to a file; `readText` gives each file's current text.
 */
export function planFixes(diagnostics: readonly ConfigDiagnostic[], readText: (file: string) => string | undefined): FixPlan {
  const taken: TextEdit[] = [];
  const skipped: FixPlan['skipped'] = [];
  let applied = 0;
  for (const d of diagnostics) {
    const fix = d.fixes[0];
    if (!fix) continue;
    const fresh = fix.edits.filter((e) => !taken.some((t) => sameEdit(e, t)));
    if (fresh.length === 0) continue;
    if (fresh.length < fix.edits.length || fresh.some((e) => taken.some((t) => overlaps(e, t)))) {
      skipped.push({ title: fix.title, reason: 'overlaps another fix; run --fix again' });
      continue;
    }
    taken.push(...fix.edits);
    applied++;
  }
  const byFile = new Map<string, TextEdit[]>();
  for (const e of taken) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const files = new Map<string, string>();
  for (const [file, edits] of byFile) {
    const before = readText(file);
    if (before === undefined) {
      skipped.push({ title: `fixes in ${file}`, reason: 'the file could not be read again' });
      continue;
    }
    const after = applyEdits(before, edits);
    const errorsBefore = parseConfig(before, file).problems.length;
    const errorsAfter = parseConfig(after, file).problems.length;
    if (errorsAfter > errorsBefore) {
      skipped.push({ title: `fixes in ${file}`, reason: 'the result would not parse; nothing written' });
      continue;
    }
    files.set(file, after);
  }
  return { files, applied, skipped };
}
