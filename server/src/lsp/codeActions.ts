import { CodeActionKind, CodeActionTriggerKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE, FIX_ALL_KIND, type DiagnosticData, type LspFix } from './protocol';

function fixesOf(d: Diagnostic): LspFix[] {
  if (d.source !== DIAGNOSTIC_SOURCE) return [];
  const data = d.data as DiagnosticData | undefined;
  return Array.isArray(data?.fixes) ? data.fixes : [];
}

function toWorkspaceEdit(fixes: readonly LspFix[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  // Fixes may share an edit (the same range and text: see selectFixes); an editor refuses it twice.
  const seen = new Set<string>();
  for (const fix of fixes) {
    for (const e of fix.edits) {
      const key = JSON.stringify([e.uri, e.range, e.newText]);
      if (seen.has(key)) continue;
      seen.add(key);
      (changes[e.uri] ??= []).push({ range: e.range, newText: e.newText });
    }
  }
  return { changes };
}

/** What "fix all" does to the files (as fixes, or one edit per file after several rounds) and how many fixes that is. */
export interface FixAllEdits {
  edits: LspFix[];
  count: number;
}

/**
 * Code actions from the fixes carried on the diagnostics (no per-rule logic here): one quick-fix
 * per fix, and the "fix all" source action with the fixes the service chooses (`fixAll`, the same
 * choice as the CLI's --fix).
 */
export function provideCodeActions(params: CodeActionParams, allDiagnostics: readonly Diagnostic[], version: number | undefined, fixAll: () => FixAllEdits): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string): boolean => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];
  // Fixes carry the document version they were computed for: an edit for older text would land
  // at the wrong place, so a stale diagnostic takes its fixes from the current analysis instead.
  const current = (d: Diagnostic): Diagnostic | undefined => {
    if ((d.data as DiagnosticData | undefined)?.version === version) return d;
    return allDiagnostics.find((f) => f.code === d.code && f.message === d.message);
  };
  if (wants(CodeActionKind.QuickFix)) {
    const offered = new Map<string, CodeAction>();
    for (const stale of params.context.diagnostics) {
      const d = current(stale);
      if (!d) continue;
      fixesOf(d).forEach((fix, i) => {
        // One entry per fix: several findings often share one (e.g. the session settings of a site).
        const key = JSON.stringify([fix.title, fix.edits]);
        const same = offered.get(key);
        if (same) {
          same.diagnostics?.push(d);
          return;
        }
        const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: i === 0, edit: toWorkspaceEdit([fix]) };
        offered.set(key, action);
        actions.push(action);
      });
    }
  }
  // Not for the light bulb's automatic requests (VS Code sends one with every cursor move and
  // never shows source actions there): "fix all" may analyse the fixed texts again, round after
  // round. Asked for by kind (fix on save, the Source Action menu) or invoked by the user
  // (editors that list every action on request), it is worked out.
  if (wants(FIX_ALL_KIND) && (only || params.context.triggerKind !== CodeActionTriggerKind.Automatic)) {
    const { edits, count } = fixAll();
    if (edits.length) actions.push({ title: `Fix all nginx TLS problems (${count})`, kind: FIX_ALL_KIND, edit: toWorkspaceEdit(edits) });
  }
  return actions;
}
