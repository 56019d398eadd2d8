import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { provideCodeActions } from '../../server/src/lsp/codeActions';
import { DIAGNOSTIC_SOURCE, type DiagnosticData, type LspFix } from '../../server/src/lsp/protocol';

const range = { start: { line: 3, character: 4 }, end: { line: 3, character: 20 } };
const fix: LspFix = { title: 'Use this server\'s settings in the default server', edits: [{ uri: 'file:///x/nginx.conf', range, newText: 'ssl_session_tickets off;' }] };

function diagnostic(code: string, fixes: LspFix[]): Diagnostic {
  const data: DiagnosticData = { version: 1, fixes };
  return { range, code, source: DIAGNOSTIC_SOURCE, message: code, data };
}

test('a fix shared by several findings is offered once, for all of them', () => {
  const diagnostics = [diagnostic('session-tickets-mismatch', [fix]), diagnostic('session-settings-from-default-server', [fix]), diagnostic('session-settings-from-default-server', [fix])];
  const actions = provideCodeActions({ textDocument: { uri: 'file:///x/nginx.conf' }, range, context: { diagnostics, only: ['quickfix'] } }, diagnostics, 1, () => ({ edits: [], count: 0 }));
  assert.deepEqual(actions.map((a) => a.title), [fix.title]);
  assert.equal(actions[0].diagnostics?.length, 3);
});

test('different fixes stay separate entries', () => {
  const other: LspFix = { ...fix, title: 'Another fix' };
  const diagnostics = [diagnostic('a', [fix]), diagnostic('b', [other])];
  const actions = provideCodeActions({ textDocument: { uri: 'file:///x/nginx.conf' }, range, context: { diagnostics, only: ['quickfix'] } }, diagnostics, 1, () => ({ edits: [], count: 0 }));
  assert.deepEqual(actions.map((a) => a.title), [fix.title, 'Another fix']);
});

test('"fix all" is worked out when asked for by kind (fix on save, the Source Action menu) or invoked, not for the light bulb\'s automatic requests', () => {
  const diagnostics = [diagnostic('a', [fix])];
  let asked = 0;
  const fixAll = (): { edits: LspFix[]; count: number } => {
    asked++;
    return { edits: [fix], count: 1 };
  };
  const params = (only?: string[], triggerKind?: 1 | 2): Parameters<typeof provideCodeActions>[0] => ({ textDocument: { uri: 'file:///x/nginx.conf' }, range, context: { diagnostics, ...(only ? { only } : {}), ...(triggerKind ? { triggerKind } : {}) } });
  const automatic = 2;
  const invoked = 1;
  assert.deepEqual(provideCodeActions(params(undefined, automatic), diagnostics, 1, fixAll).map((a) => a.title), [fix.title]);
  assert.equal(asked, 0);
  assert.deepEqual(provideCodeActions(params(['source.fixAll'], automatic), diagnostics, 1, fixAll).map((a) => a.title), ['Fix all nginx TLS problems (1)']);
  assert.deepEqual(provideCodeActions(params(['source']), diagnostics, 1, fixAll).map((a) => a.title), ['Fix all nginx TLS problems (1)']);
  assert.deepEqual(provideCodeActions(params(undefined, invoked), diagnostics, 1, fixAll).map((a) => a.title), [fix.title, 'Fix all nginx TLS problems (1)']);
  // A client that says nothing of how it was asked (before LSP 3.17) gets the whole list.
  assert.deepEqual(provideCodeActions(params(), diagnostics, 1, fixAll).map((a) => a.title), [fix.title, 'Fix all nginx TLS problems (1)']);
  assert.equal(asked, 4);
});
