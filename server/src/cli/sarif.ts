import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { allCodes, docsPathOf, type Position, type Severity } from '../service';
import type { JsonDiagnostic } from './formatDiagnostics';

/** Where the repository's documents are published (package.json `repository.url`). */
export const DOCS_BASE_URL = 'https://example.invalid/nginx-tls/';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };


/** The documentation page of a diagnostic code: its rule page, the directive checks' page, or the README's table. */
export function docsUrl(code: string): string {
  return DOCS_BASE_URL + (docsPathOf(code) ?? 'README.md#diagnostics');
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

function artifact(file: string, cwd: string): ArtifactLocation {
  const rel = path.relative(cwd, file);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(file).toString() };
}

/** A SARIF region: 1-based lines and columns counted in UTF-16 code units (the run's columnKind). */
function region(range: { start: Position; end: Position }): Record<string, number> {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/**
 * The findings as one SARIF 2.1.0 run: a rule per code (with its docs URL), a result per finding
 * with its location, and each quick-fix as a SARIF fix (replacements per file).
 */
export function toSarif(diagnostics: readonly JsonDiagnostic[], options: { version: string; cwd: string }): object {
  const ids = [...new Set(diagnostics.map((d) => d.code))].sort();
  const ruleIndex = new Map(ids.map((id, i) => [id, i]));
  const rules = ids.map((id) => {
    const known = allCodes().get(id);
    return {
      id,
      ...(known ? { shortDescription: { text: known.summary } } : {}),
      helpUri: docsUrl(id),
      ...(known ? { defaultConfiguration: { level: LEVELS[known.defaultSeverity] } } : {}),
    };
  });
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: ruleIndex.get(d.code),
    level: LEVELS[d.severity],
    message: { text: d.message },
    locations: [{ physicalLocation: { artifactLocation: artifact(d.file, options.cwd), region: region(d.range) } }],
    ...(d.fixes.length
      ? {
          fixes: d.fixes.map((f) => {
            const byFile = new Map<string, typeof f.edits>();
            for (const e of f.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
            return {
              description: { text: f.title },
              artifactChanges: [...byFile].map(([file, edits]) => ({
                artifactLocation: artifact(file, options.cwd),
                replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
              })),
            };
          }),
        }
      : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'nginx-tls', version: options.version, informationUri: DOCS_BASE_URL, rules } },
      originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(options.cwd + path.sep).toString() } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}
