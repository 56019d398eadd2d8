import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The extension under test, as package.json names it. */
export const EXTENSION_ID = 'nginx-tls.nginx-tls';

/** The `source` of every diagnostic the extension publishes. */
export const SOURCE = 'nginx-tls';

/** How long a test waits for the language server by default. */
export const DEFAULT_TIMEOUT_MS = 30000;

/** A diagnostic reduced to what the tests compare: code, 1-based "line:col-line:col" range, severity, message. */
export interface DiagnosticSummary {
  code: string;
  range: string;
  severity: string;
  message: string;
}

/** The extension under test; fails the test when the host did not load it. */
export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in the extension host`);
  return ext;
}

/** The repository the extension under test lives in. */
export function repoRoot(): string {
  return process.env.E2E_REPO_ROOT ?? extension().extensionPath;
}

/** Where the suite writes its artifacts (latency.json, result.json). */
export function outDir(): string {
  return process.env.E2E_OUT_DIR ?? path.join(repoRoot(), 'out', 'e2e');
}

/** The opened workspace folder: a temp copy of test/e2e/fixtures/workspace. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri.fsPath;
}

/** URI of a file in the workspace folder, by its path relative to it. */
export function wsUri(relative: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), relative));
}

/** Codes of the foundation's checks (parser, includes, files); the TLS rules' codes are left to their own tests. */
export const FOUNDATION_CODES: ReadonlySet<string> = new Set([
  'syntax-error', 'include-not-found', 'include-cycle', 'invalid-argument-count', 'file-unreadable', 'file-too-large', 'binary-file',
]);

/** Only the diagnostics of the foundation's checks. */
export function foundation(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
  return diagnostics.filter((d) => FOUNDATION_CODES.has(codeOf(d)));
}

/** The diagnostics this extension published for a URI. */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** The code of a diagnostic as a string. */
export function codeOf(d: vscode.Diagnostic): string {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return code === undefined ? '' : String(code);
}

/** A range as "line:col-line:col", 1-based as the editor's status bar shows it. */
export function rangeText(r: vscode.Range): string {
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

/** Diagnostics in a form whose assertion diffs are readable, sorted by position. */
export function summarize(diagnostics: readonly vscode.Diagnostic[]): DiagnosticSummary[] {
  return [...diagnostics]
    .sort((a, b) => a.range.start.compareTo(b.range.start))
    .map((d) => ({ code: codeOf(d), range: rangeText(d.range), severity: vscode.DiagnosticSeverity[d.severity], message: d.message }));
}

/** A predicate: some diagnostic has this code. */
export function hasCode(code: string): (diagnostics: vscode.Diagnostic[]) => boolean {
  return (diagnostics) => diagnostics.some((d) => codeOf(d) === code);
}

/** A predicate: no diagnostic has this code. */
export function lacksCode(code: string): (diagnostics: vscode.Diagnostic[]) => boolean {
  return (diagnostics) => !diagnostics.some((d) => codeOf(d) === code);
}

/**
 * Resolves with our diagnostics for `uri` once `predicate` holds for them, checking now (unless `changesOnly`) and on
 * every `onDidChangeDiagnostics` event for that URI; rejects after `timeoutMs` with the last diagnostics seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  changesOnly = false,
): Promise<vscode.Diagnostic[]> {
  const key = uri.toString();
  return new Promise((resolve, reject) => {
    let last: vscode.Diagnostic[] = ours(uri);
    const finish = (result: () => void): void => {
      clearTimeout(timer);
      subscription.dispose();
      result();
    };
    const check = (): void => {
      last = ours(uri);
      if (predicate(last)) finish(() => resolve(last));
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === key)) check();
    });
    const timer = setTimeout(() => finish(() => reject(new Error(
      `no matching diagnostics for ${vscode.workspace.asRelativePath(uri)} within ${timeoutMs} ms; last seen: ${JSON.stringify(summarize(last), null, 1)}`,
    ))), timeoutMs);
    if (!changesOnly) check();
  });
}

/** Resolves with the next diagnostics the server publishes for `uri`, ignoring the current ones. */
export function nextDiagnostics(uri: vscode.Uri, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, () => true, timeoutMs, true);
}

/** Whether the extension host (and so the language server) has a document open. */
function isOpen(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
}

/**
 * Opens a workspace file in an editor and resolves once the server has analysed it: on its first publish, or at once
 * when the document was still open from an earlier test (its diagnostics are then current, see resetEditors).
 */
export async function openAnalyzed(relative: string): Promise<{ doc: vscode.TextDocument; diagnostics: vscode.Diagnostic[] }> {
  const uri = wsUri(relative);
  const published = isOpen(uri) ? undefined : nextDiagnostics(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return { doc, diagnostics: published ? await published : ours(uri) };
}

/** Applies one text replacement to a document in the editor, without saving. */
export async function replace(doc: vscode.TextDocument, range: vscode.Range, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, range, text);
  assert.ok(await vscode.workspace.applyEdit(edit), `edit of ${vscode.workspace.asRelativePath(doc.uri)} applied`);
}

/** Inserts text at an offset of a document, without saving. */
export function insertAt(doc: vscode.TextDocument, offset: number, text: string): Promise<void> {
  const at = doc.positionAt(offset);
  return replace(doc, new vscode.Range(at, at), text);
}

/** Deletes `length` characters at an offset of a document, without saving. */
export function deleteAt(doc: vscode.TextDocument, offset: number, length: number): Promise<void> {
  return replace(doc, new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length)), '');
}

/** Offset of the last occurrence of `needle` in a document; fails the test when absent. */
export function lastOffsetOf(doc: vscode.TextDocument, needle: string): number {
  const offset = doc.getText().lastIndexOf(needle);
  assert.ok(offset >= 0, `"${needle}" occurs in ${vscode.workspace.asRelativePath(doc.uri)}`);
  return offset;
}

/** The file's contents on disk (unsaved editor changes excluded). */
export function diskText(uri: vscode.Uri): string {
  return fs.readFileSync(uri.fsPath, 'utf8');
}

/**
 * Resolves once the server has analysed the document's current text: a code action request makes it analyse a pending
 * edit at once, and whatever it publishes for it is sent before the answer. (The server publishes only diagnostics that
 * changed, so waiting for a publication after an edit that changes nothing would wait forever.)
 */
export async function analysisCaughtUp(uri: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, new vscode.Range(0, 0, 0, 0));
}

/**
 * Reverts every dirty document, waiting for the server's analysis of the reverted text, and closes all editors, so
 * each test starts from the fixture files on disk with current diagnostics.
 */
export async function resetEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await analysisCaughtUp(doc.uri);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Whether a provider result is a CodeAction rather than a bare Command. */
function isCodeAction(a: vscode.CodeAction | vscode.Command): a is vscode.CodeAction {
  return typeof (a as vscode.Command).command !== 'string';
}

/** The kind of the extension's "fix all" source action (`editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('nginxTls');

/** The code actions of a kind that the providers offer for a range, as the light bulb or "Fix all" would list them. */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range, kind: vscode.CodeActionKind): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[] | undefined>(
    'vscode.executeCodeActionProvider', uri, range, kind.value,
  );
  assert.ok(Array.isArray(actions), 'vscode.executeCodeActionProvider returned a list');
  return actions.filter(isCodeAction).filter((a) => a.kind !== undefined && kind.contains(a.kind));
}

/** The quick-fixes offered for a range. */
export function quickFixesAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return codeActionsAt(uri, range, vscode.CodeActionKind.QuickFix);
}

/** Applies the first quick-fix offered for a range (edit, then command) and returns its title; undefined when none is offered. */
export async function applyFirstQuickFix(uri: vscode.Uri, range: vscode.Range): Promise<string | undefined> {
  const [fix] = await quickFixesAt(uri, range);
  if (!fix) return undefined;
  if (fix.edit) assert.ok(await vscode.workspace.applyEdit(fix.edit), `quick-fix "${fix.title}" applied`);
  if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
  return fix.title;
}

/** Only the diagnostics of the TLS rules and the live probe (everything but the foundation's checks). */
export function tlsOnly(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
  return diagnostics.filter((d) => !FOUNDATION_CODES.has(codeOf(d)));
}

/** Only the live probe's findings (codes `probe-*`). */
export function probeOnly(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
  return diagnostics.filter((d) => codeOf(d).startsWith('probe-'));
}

/** The related locations of a diagnostic as "workspace/relative/path:range message". */
export function relatedText(d: vscode.Diagnostic): string[] {
  return (d.relatedInformation ?? []).map((r) => `${vscode.workspace.asRelativePath(r.location.uri)}:${rangeText(r.location.range)} ${r.message}`);
}

/** Settles with the promise, or rejects naming `what` once `ms` have passed. */
export function withDeadline<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(promise), deadline]).finally(() => clearTimeout(timer));
}

/** Every tab of every editor group. */
export function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

/**
 * Resolves with the first tab matching `predicate`, now or on a later `onDidChangeTabs`; resolves undefined when none
 * has appeared after `timeoutMs` (callers assert on it, so absence can be asserted too).
 */
export function waitForTab(predicate: (tab: vscode.Tab) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<vscode.Tab | undefined> {
  return new Promise((resolve) => {
    const finish = (tab: vscode.Tab | undefined): void => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(tab);
    };
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = allTabs().find(predicate);
      if (tab) finish(tab);
    });
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const now = allTabs().find(predicate);
    if (now) finish(now);
  });
}

/**
 * Sets settings of a section in the workspace settings (undefined removes one), writing only those that change. Each
 * write has fired its configuration change (and the language client its didChangeConfiguration) when this resolves, so a
 * document opened afterwards is analysed, and any request sent after that is handled, with the new values.
 */
export async function setWorkspaceSettings(section: string, values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration(section);
  for (const [key, value] of Object.entries(values)) {
    if (JSON.stringify(config.inspect(key)?.workspaceValue) === JSON.stringify(value)) continue;
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  }
}
