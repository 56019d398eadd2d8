// fixAll's rounds with analyses written for the purpose: where they stop, and what they report.
// (The rules' fixes themselves are checked in fixConvergence.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixAll, MAX_FIX_ROUNDS } from '../../server/src/service/fixes/fixAll';
import type { ConfigDiagnostic } from '../../server/src/service/diagnostics';

const FILE = '/etc/nginx/nginx.conf';

/** A finding whose fix replaces the whole text with `to`. */
function replacing(text: string, to: string): ConfigDiagnostic {
  return { file: FILE, start: 0, end: text.length, severity: 'warning', code: 'test', message: `becomes ${to}`, related: [], fixes: [{ title: `to ${to}`, edits: [{ file: FILE, start: 0, end: text.length, newText: to }] }] };
}

test('rounds go on while a fix applies, and stop at the first round with nothing to fix', () => {
  // Each text asks for the next one: a;  ->  b;  ->  c;  -> nothing.
  const next: Record<string, string | undefined> = { 'a;': 'b;', 'b;': 'c;' };
  const analyse = (text: string): ConfigDiagnostic[] => (next[text] ? [replacing(text, next[text] as string)] : []);
  let analyses = 0;
  const result = fixAll(analyse('a;'), () => 'a;', (texts) => {
    analyses++;
    return analyse(texts.get(FILE) as string);
  });
  assert.deepEqual([...result.files], [[FILE, 'c;']]);
  assert.equal(result.rounds, 2);
  assert.equal(result.applied, 2);
  assert.equal(result.unsettled, undefined);
  assert.equal(analyses, 2);
  assert.deepEqual(result.diagnostics, []);
});

test('fixes that undo each other stop at the first repeated state, and say so', () => {
  const analyse = (text: string): ConfigDiagnostic[] => [replacing(text, text === 'a;' ? 'b;' : 'a;')];
  const result = fixAll(analyse('a;'), () => 'a;', (texts) => analyse(texts.get(FILE) as string));
  assert.match(result.unsettled ?? '', /undo each other/);
  assert.ok(result.rounds <= 2, `${result.rounds} rounds`);
  // Back where it started: nothing to write.
  assert.deepEqual([...result.files], []);
});

test('fixes that never settle stop after MAX_FIX_ROUNDS rounds, and say so', () => {
  const analyse = (text: string): ConfigDiagnostic[] => [replacing(text, `${text}#`)];
  const result = fixAll(analyse('a;'), () => 'a;', (texts) => analyse(texts.get(FILE) as string));
  assert.equal(result.rounds, MAX_FIX_ROUNDS);
  assert.match(result.unsettled ?? '', new RegExp(`after ${MAX_FIX_ROUNDS} rounds`));
  assert.equal(result.files.get(FILE), `a;${'#'.repeat(MAX_FIX_ROUNDS)}`);
});
