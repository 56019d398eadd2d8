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

test('"fix all" is worked out only when asked for by kind (fix on save, the Source Action menu), not for the light bulb', () => {
  const diagnostics = [diagnostic('a', [fix])];
  let asked = 0;
  const fixAll = (): { edits: LspFix[]; count: number } => {
    asked++;
    return { edits: [fix], count: 1 };
  };
  const params = (only?: string[]): Parameters<typeof provideCodeActions>[0] => ({ textDocument: { uri: 'file:///x/nginx.conf' }, range, context: { diagnostics, ...(only ? { only } : {}) } });
  assert.deepEqual(provideCodeActions(params(), diagnostics, 1, fixAll).map((a) => a.title), [fix.title]);
  assert.equal(asked, 0);
  assert.deepEqual(provideCodeActions(params(['source.fixAll']), diagnostics, 1, fixAll).map((a) => a.title), ['Fix all nginx TLS problems (1)']);
  assert.deepEqual(provideCodeActions(params(['source']), diagnostics, 1, fixAll).map((a) => a.title), ['Fix all nginx TLS problems (1)']);
  assert.equal(asked, 2);
});
