// The per-file limit of published diagnostics: the editor's own choice (most severe first) made before sending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { limitPublication, mostSevere, type Rank } from '../../server/src/lsp/diagnosticLimit';

const item = (name: string, rank: Rank) => ({ name, rank });
const names = (xs: { name: string }[]): string[] => xs.map((x) => x.name);
const byRank = (x: { rank: Rank }): Rank => x.rank;

test('mostSevere keeps the most severe, ties in the given order, everything in the given order', () => {
  const items = [item('i1', 3), item('w1', 2), item('h1', 4), item('e1', 1), item('i2', 3), item('w2', 2), item('e2', 1)];
  assert.deepEqual(names(mostSevere(items, 2, byRank)), ['e1', 'e2']);
  assert.deepEqual(names(mostSevere(items, 3, byRank)), ['w1', 'e1', 'e2']);
  assert.deepEqual(names(mostSevere(items, 5, byRank)), ['i1', 'w1', 'e1', 'w2', 'e2']);
  assert.deepEqual(names(mostSevere(items, 6, byRank)), ['i1', 'w1', 'e1', 'i2', 'w2', 'e2']);
  // Near misses: exactly as many as the limit, one fewer than the limit, and no limit.
  assert.deepEqual(names(mostSevere(items, 7, byRank)), names(items));
  assert.deepEqual(names(mostSevere(items, 8, byRank)), names(items));
  assert.deepEqual(names(mostSevere(items, 0, byRank)), names(items));
  assert.deepEqual(names(mostSevere(items, 1, byRank)), ['e1']);
});

const diagnostic = (line: number, severity: DiagnosticSeverity): Diagnostic => ({ range: { start: { line, character: 0 }, end: { line, character: 1 } }, severity, message: `at ${line}` });

test('a publication over the limit shows one fewer than the limit and says how many it left out', () => {
  const ds = [diagnostic(1, DiagnosticSeverity.Information), diagnostic(2, DiagnosticSeverity.Warning), diagnostic(3, DiagnosticSeverity.Error), diagnostic(4, DiagnosticSeverity.Information)];
  // Within the limit, or no limit: unchanged.
  assert.deepEqual(limitPublication(ds, 4, 4), ds);
  assert.deepEqual(limitPublication(ds, 4, 0), ds);
  const out = limitPublication(ds, 4, 3);
  assert.equal(out.length, 3);
  assert.deepEqual(out.slice(0, 2).map((d) => d.message), ['at 2', 'at 3']);
  assert.match(String(out[2].message), /^2 more findings in this file are not shown: the editor gets the 2 most severe \(nginxTls\.diagnostics\.maxPerFile is 3;/);
  assert.equal(out[2].severity, DiagnosticSeverity.Information);
  assert.deepEqual(out[2].range.start, { line: 0, character: 0 });
  // Findings converted only in part (the rest counted in `total`) are counted in the note.
  const partial = limitPublication(ds, 10, 4);
  assert.equal(partial.length, 4);
  assert.match(String(partial[3].message), /^7 more findings/);
  // Always at least two left out: one more than the limit shows one fewer than the limit, plus the note.
  assert.deepEqual(limitPublication(ds.slice(0, 3), 3, 2).map((d) => String(d.message).slice(0, 12)), ['at 3', '2 more findi']);
  // A hint-only file keeps its first hints.
  const hints = [diagnostic(1, DiagnosticSeverity.Hint), diagnostic(2, DiagnosticSeverity.Hint), diagnostic(3, DiagnosticSeverity.Hint)];
  assert.deepEqual(limitPublication(hints, 3, 3), hints);
  assert.deepEqual(limitPublication(hints, 3, 2).map((d) => String(d.message).slice(0, 6)), ['at 1', '2 more']);
});
