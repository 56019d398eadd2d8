import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  codeOf, deleteAt, insertAt, lastOffsetOf, openAnalyzed, outDir, repoRoot, resetEditors, summarize,
  waitForDiagnostics, wsUri,
} from './helpers';

/** The 35k-line config of the nginx-go-crossplane test data, relative to the repository. */
const LARGE_CONFIG = '../shared/corpus/nginxinc__nginx-go-crossplane/testdata/configs/large-config/nginx.conf';

/** Where the test puts it in the workspace, so that it is language nginx (matches **\/nginx/**\/*.conf). */
const TARGET = 'perf/nginx/large.conf';

/** One timed edit: what it does and the diagnostics it must lead to. */
interface TimedEdit {
  name: string;
  apply: (doc: vscode.TextDocument) => Promise<void>;
  expect: (diagnostics: vscode.Diagnostic[]) => boolean;
}

/** One measured edit → diagnostics round trip. */
interface Latency {
  edit: string;
  ms: number;
  diagnostics: number;
}

/** A predicate: the syntax errors published are exactly these messages (none when empty). */
function syntaxErrors(...messages: string[]): (diagnostics: vscode.Diagnostic[]) => boolean {
  return (diagnostics) => JSON.stringify(diagnostics.filter((d) => codeOf(d) === 'syntax-error').map((d) => d.message)) === JSON.stringify(messages);
}

const OPENED_BLOCK = '\tlocation /latency-probe {\n';
const EDITS: TimedEdit[] = [
  {
    name: 'delete the ";" of the last "api;"',
    apply: (d) => deleteAt(d, lastOffsetOf(d, 'api;') + 3, 1),
    expect: syntaxErrors('unexpected "}": expected ";" after "api"'),
  },
  { name: 'put the ";" back', apply: (d) => insertAt(d, lastOffsetOf(d, '\t\t\tapi') + 6, ';'), expect: syntaxErrors() },
  { name: 'append an extra "}"', apply: (d) => insertAt(d, d.getText().length, '}\n'), expect: syntaxErrors('unexpected "}"') },
  { name: 'remove the extra "}"', apply: (d) => deleteAt(d, d.getText().length - 2, 2), expect: syntaxErrors() },
  {
    name: 'open a block that is never closed',
    apply: (d) => insertAt(d, lastOffsetOf(d, '}'), OPENED_BLOCK),
    expect: syntaxErrors('unexpected end of file, expecting "}"'),
  },
  { name: 'remove the unclosed block', apply: (d) => deleteAt(d, lastOffsetOf(d, OPENED_BLOCK), OPENED_BLOCK.length), expect: syntaxErrors() },
];

/** Copies the large config into the workspace; undefined when the corpus is not checked out beside the repository. */
async function copyLargeConfig(): Promise<vscode.Uri | undefined> {
  const source = path.resolve(repoRoot(), LARGE_CONFIG);
  if (!fs.existsSync(source)) return undefined;
  const target = wsUri(TARGET);
  await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(target.fsPath)));
  await vscode.workspace.fs.copy(vscode.Uri.file(source), target, { overwrite: true });
  return target;
}

/** Applies an edit and resolves with the time until the diagnostics it must lead to are published. */
async function timeEdit(doc: vscode.TextDocument, edit: TimedEdit): Promise<Latency> {
  const published = waitForDiagnostics(doc.uri, edit.expect, 60000, true);
  const start = performance.now();
  await edit.apply(doc);
  const diagnostics = await published;
  return { edit: edit.name, ms: Math.round(performance.now() - start), diagnostics: diagnostics.length };
}

/** Saves the latencies to out/e2e/latency.json and prints them. */
function report(doc: vscode.TextDocument, latencies: Latency[]): void {
  const file = path.join(outDir(), 'latency.json');
  const debounceMs = vscode.workspace.getConfiguration('nginxTls').get<number>('diagnostics.debounceMs');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ file: TARGET, lines: doc.lineCount, debounceMs, host: vscode.env.appName, latencies }, null, 2)}\n`);
  console.log(`      edit -> diagnostics latency on ${doc.lineCount} lines (debounce ${debounceMs} ms), written to ${file}:`);
  for (const l of latencies) console.log(`        ${String(l.ms).padStart(6)} ms  ${l.edit}`);
}

describe('typing in a large config', () => {
  afterEach(resetEditors);

  it('tracks a syntax error introduced and removed near the end of a 35k-line file', async function () {
    const target = await copyLargeConfig();
    if (!target) {
      console.log(`      skipped: ${path.resolve(repoRoot(), LARGE_CONFIG)} is absent`);
      this.skip();
    }
    const { doc, diagnostics } = await openAnalyzed(TARGET);
    assert.equal(doc.languageId, 'nginx');
    assert.ok(doc.lineCount > 30000, `${TARGET} has ${doc.lineCount} lines`);
    assert.ok(syntaxErrors()(diagnostics), `no syntax error initially: ${JSON.stringify(summarize(diagnostics))}`);
    const original = doc.getText();
    const latencies: Latency[] = [];
    for (const edit of EDITS) latencies.push(await timeEdit(doc, edit));
    report(doc, latencies);
    assert.equal(doc.getText(), original);
  });
});
