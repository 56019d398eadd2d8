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

/** Sorts by file, position, then severity, and drops exact duplicates (a file included twice), keeping the first. */
export function sortAndDedupe(diagnostics: ConfigDiagnostic[]): ConfigDiagnostic[] {
  // Compared field by field among those at the same place: a key string per diagnostic (its
  // message included) cost more than the rest of the sort for the 7,500 findings of a 35k-line file.
  const atPlace = new Map<string, Map<number, ConfigDiagnostic[]>>();
  const out: ConfigDiagnostic[] = [];
  for (const d of diagnostics) {
    let byStart = atPlace.get(d.file);
    if (!byStart) atPlace.set(d.file, (byStart = new Map()));
    const here = byStart.get(d.start);
    if (!here) byStart.set(d.start, [d]);
    else if (here.some((o) => o.end === d.end && o.code === d.code && o.message === d.message)) continue;
    else here.push(d);
    out.push(d);
  }
  return out.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start || a.end - b.end || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
