import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { ConfigDiagnostic, Severity } from '../service';
import { DIAGNOSTIC_SOURCE } from './protocol';

/**
 * VS Code shows at most 1,000 diagnostics per file and drops the rest (errors first, then
 * warnings, information, hints; extHostDiagnostics.ts, `_maxDiagnosticsPerFile`). A file of
 * thousands of findings (the 35k-line corpus config has 7,513 unknown directives) costs the server
 * and the editor a multi-megabyte publication of which they show a seventh, so the server makes
 * the same choice before sending and says what it left out.
 */
export const DEFAULT_MAX_PER_FILE = 1000;

/** Severity as a rank: 1 (error) to 4 (hint), as LSP numbers them. */
export type Rank = 1 | 2 | 3 | 4;

/**
 * The `max` items of the lowest rank (most severe), ties in the given order, kept in the given
 * order; all of them when `max` is 0 or there are no more than `max`.
 */
export function mostSevere<T>(items: readonly T[], max: number, rank: (item: T) => Rank): T[] {
  if (max <= 0 || items.length <= max) return items as T[];
  const counts = [0, 0, 0, 0, 0];
  for (const item of items) counts[rank(item)]++;
  // The rank at which the limit falls, and how many of that rank still fit.
  let cut = 1;
  let room = max;
  while (counts[cut] < room) room -= counts[cut++];
  const kept: T[] = [];
  for (const item of items) {
    const r = rank(item);
    if (r < cut) kept.push(item);
    else if (r === cut && room > 0) {
      kept.push(item);
      room--;
    }
  }
  return kept;
}

const SERVICE_RANK: Record<Severity, Rank> = { error: 1, warning: 2, information: 3, hint: 4 };
/** A service diagnostic's rank, as it will be published. */
export const serviceRank = (d: ConfigDiagnostic): Rank => SERVICE_RANK[d.severity];
const lspRank = (d: Diagnostic): Rank => (d.severity ?? DiagnosticSeverity.Error) as Rank;

/**
 * What goes out for a file: everything when its findings (`total` of them, of which `diagnostics`
 * are the most severe ones, at least `max` when there are more) fit in `max`; otherwise the
 * `max - 1` most severe and one diagnostic at the top of the file saying how many were left out
 * (at least two: a file one over the limit loses one finding to the note).
 */
export function limitPublication(diagnostics: readonly Diagnostic[], total: number, max: number): Diagnostic[] {
  if (max <= 0 || total <= max) return diagnostics as Diagnostic[];
  const shown = mostSevere(diagnostics, max - 1, lspRank);
  const left = total - shown.length;
  const note: Diagnostic = {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    message: `${left} more findings in this file are not shown: the editor gets the ${shown.length} most severe (nginxTls.diagnostics.maxPerFile is ${max}; VS Code shows at most ${DEFAULT_MAX_PER_FILE} per file). \`nginx-tls check\` lists them all.`,
  };
  return [...shown, note];
}
