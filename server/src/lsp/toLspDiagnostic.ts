import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { treePositions, type ConfigDiagnostic, type ConfigTree, type FilePositions, type Fix, type Severity } from '../service';
import { DIAGNOSTIC_SOURCE, type DiagnosticData, type LspFix } from './protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Where a diagnostic code's documentation lives, if it has a page. */
export type DocsLink = (code: string) => string | undefined;

/** A service fix in LSP coordinates. */
export function toLspFix(fix: Fix, positions: FilePositions): LspFix {
  return {
    title: fix.title,
    edits: fix.edits.map((e) => ({ uri: pathToFileURL(e.file).toString(), range: positions.range(e.file, e.start, e.end), newText: e.newText })),
  };
}

/** Converts service diagnostics of one tree to LSP (every finding, the probe's included, goes through here). */
export function toLspDiagnostics(diagnostics: readonly ConfigDiagnostic[], tree: ConfigTree, version: number | undefined, docsLink: DocsLink): Diagnostic[] {
  const positions = treePositions(tree);
  return diagnostics.map((d) => {
    const data: DiagnosticData = { version, fixes: d.fixes.map((f) => toLspFix(f, positions)) };
    const href = docsLink(d.code);
    const out: Diagnostic = {
      range: positions.range(d.file, d.start, d.end),
      severity: SEVERITY[d.severity],
      code: d.code,
      source: DIAGNOSTIC_SOURCE,
      message: d.message,
      data,
    };
    if (href) out.codeDescription = { href };
    if (d.related.length) {
      out.relatedInformation = d.related.map((r) => ({
        location: { uri: pathToFileURL(r.file).toString(), range: positions.range(r.file, r.start, r.end) },
        message: r.message,
      }));
    }
    return out;
  });
}
