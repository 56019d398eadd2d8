/** How serious a finding is, with the names the CLI's JSON contract uses. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A stretch [start, end) of one file's text, in UTF-16 offsets. */
export interface Span {
  file: string;
  start: number;
  end: number;
}

/** A replacement of the text [start, end) of one file. */
export interface TextEdit extends Span {
  newText: string;
}

/** A quick-fix: a title and the edits, possibly across several files. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/** A secondary location that explains a diagnostic. */
export interface RelatedLocation extends Span {
  message: string;
}

/** A finding on a config file, in offsets; fronts convert to lines and characters. */
export interface ConfigDiagnostic extends Span {
  severity: Severity;
  code: string;
  message: string;
  fixes: Fix[];
  related: RelatedLocation[];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** Sorts by file, position, then severity, and drops exact duplicates (a file included twice). */
export function sortAndDedupe(diagnostics: ConfigDiagnostic[]): ConfigDiagnostic[] {
  const seen = new Set<string>();
  const out: ConfigDiagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.file}\0${d.start}\0${d.end}\0${d.code}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start || a.end - b.end || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
