import * as path from 'node:path';
import { FilePositions, type ConfigDiagnostic, type Position, type Severity } from '../service';

/** A diagnostic as the CLI's JSON contract (version 1) spells it: 0-based lines and characters. */
export interface JsonDiagnostic {
  file: string;
  range: { start: Position; end: Position };
  severity: Severity;
  code: string;
  message: string;
  fixes: { title: string; edits: { file: string; range: { start: Position; end: Position }; newText: string }[] }[];
}

/** Converts offsets to positions, building each file's line index once. */
export function toJsonDiagnostics(diagnostics: readonly ConfigDiagnostic[], textOf: (file: string) => string | undefined): JsonDiagnostic[] {
  const positions = new FilePositions(textOf);
  const range = (file: string, start: number, end: number) => positions.range(file, start, end);
  return diagnostics.map((d) => ({
    file: d.file,
    range: range(d.file, d.start, d.end),
    severity: d.severity,
    code: d.code,
    message: d.message,
    fixes: d.fixes.map((f) => ({
      title: f.title,
      edits: f.edits.map((e) => ({ file: e.file, range: range(e.file, e.start, e.end), newText: e.newText })),
    })),
  }));
}

function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `file:line:col: severity code message` lines (1-based) and a summary line. */
export function formatText(diagnostics: readonly JsonDiagnostic[], filesChecked: number, cwd: string): string {
  // Once per file: thousands of findings in one file made path.relative a tenth of a check's time.
  const shown = new Map<string, string>();
  const shownPath = (file: string): string => {
    let p = shown.get(file);
    if (p === undefined) shown.set(file, (p = displayPath(file, cwd)));
    return p;
  };
  const lines = diagnostics.map((d) =>
    `${shownPath(d.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`);
  const count = (s: Severity): number => diagnostics.filter((d) => d.severity === s).length;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning')];
  const infos = count('information') + count('hint');
  if (infos) parts.push(`${infos} information`);
  const fixable = diagnostics.filter((d) => d.fixes.length > 0).length;
  const summary = `${plural(filesChecked, 'file')} checked: ${parts.join(', ')}${fixable ? ` (${fixable} fixable with --fix)` : ''}`;
  return [...lines, summary].join('\n') + '\n';
}
