import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { ConfigDiagnostic, Severity } from '../service/diagnostics';
import { LineIndex } from '../service/lineIndex';
import type { ConfigTree } from '../service/model/configTree';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from './protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Where a diagnostic code's documentation lives, if it has a page. */
export type DocsLink = (code: string) => string | undefined;

/** Converts service diagnostics of one tree to LSP, building each file's line index once. */
export function toLspDiagnostics(diagnostics: readonly ConfigDiagnostic[], tree: ConfigTree, version: number | undefined, docsLink: DocsLink): Diagnostic[] {
  const indexes = new Map<string, LineIndex>();
  const rangeIn = (file: string, start: number, end: number): Range => {
    let index = indexes.get(file);
    if (!index) {
      index = new LineIndex(tree.files.get(file)?.text ?? '');
      indexes.set(file, index);
    }
    return { start: index.positionAt(start), end: index.positionAt(end) };
  };
  return diagnostics.map((d) => {
    const data: DiagnosticData = {
      version,
      fixes: d.fixes.map((f) => ({
        title: f.title,
        edits: f.edits.map((e) => ({ uri: pathToFileURL(e.file).toString(), range: rangeIn(e.file, e.start, e.end), newText: e.newText })),
      })),
    };
    const href = docsLink(d.code);
    const out: Diagnostic = {
      range: rangeIn(d.file, d.start, d.end),
      severity: SEVERITY[d.severity],
      code: d.code,
      source: DIAGNOSTIC_SOURCE,
      message: d.message,
      data,
    };
    if (href) out.codeDescription = { href };
    if (d.related.length) {
      out.relatedInformation = d.related.map((r) => ({
        location: { uri: pathToFileURL(r.file).toString(), range: rangeIn(r.file, r.start, r.end) },
        message: r.message,
      }));
    }
    return out;
  });
}
