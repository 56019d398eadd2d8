import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { allCodes, treePositions, type ConfigDiagnostic, type ConfigTree, type FilePositions, type Fix, type Severity } from '../service';
import { DIAGNOSTIC_SOURCE, NGINX_TEST_SOURCE, type DiagnosticData, type LspFix } from './protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Where a diagnostic code's documentation lives, if it has a page. */
export type DocsLink = (code: string) => string | undefined;

/** The URI of a file of the local disk. */
export const fileUri = (file: string): string => pathToFileURL(file).toString();

/** A service fix in LSP coordinates. */
export function toLspFix(fix: Fix, positions: FilePositions): LspFix {
  return {
    title: fix.title,
    edits: fix.edits.map((e) => ({ uri: fileUri(e.file), range: positions.range(e.file, e.start, e.end), newText: e.newText })),
  };
}

/** Converts service diagnostics of one tree to LSP (every finding, the probe's included, goes through here). */
export function toLspDiagnostics(diagnostics: readonly ConfigDiagnostic[], tree: ConfigTree, version: number | undefined, docsLink: DocsLink): Diagnostic[] {
  return toLspDiagnosticsAt(diagnostics, treePositions(tree), version, docsLink);
}

/** Converts service diagnostics to LSP with the positions of the texts they were made on (nginx -t's: the disk), their related files at `uriOf`. */
export function toLspDiagnosticsAt(diagnostics: readonly ConfigDiagnostic[], positions: FilePositions, version: number | undefined, docsLink: DocsLink, uriOf = fileUri): Diagnostic[] {
  return diagnostics.map((d) => {
    const data: DiagnosticData = { version, fixes: d.fixes.map((f) => toLspFix(f, positions)) };
    const href = docsLink(d.code);
    const out: Diagnostic = {
      range: positions.range(d.file, d.start, d.end),
      severity: SEVERITY[d.severity],
      code: d.code,
      source: allCodes().get(d.code)?.origin === 'nginx-t' ? NGINX_TEST_SOURCE : DIAGNOSTIC_SOURCE,
      message: d.message,
      data,
    };
    if (href) out.codeDescription = { href };
    if (d.related.length) {
      out.relatedInformation = d.related.map((r) => ({
        location: { uri: uriOf(r.file), range: positions.range(r.file, r.start, r.end) },
        message: r.message,
      }));
    }
    return out;
  });
}
