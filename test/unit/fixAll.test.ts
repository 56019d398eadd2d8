// fixAll's rounds with analyses written for the purpose: where they stop, and what they report.
// (The rules' fixes themselves are checked in fixConvergence.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixAll, MAX_FIX_ROUNDS, wholeChangeEdit } from '../../server/src/service/fixes/fixAll';
import type { ConfigDiagnostic } from '../../server/src/service/diagnostics';
import { selectFixes } from '../../server/src/service/fixes/applyFixes';

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

test('fixes that end where they started count as none applied', () => {
  const analyse = (text: string): ConfigDiagnostic[] => [replacing(text, text === 'a;' ? 'b;' : 'a;')];
  assert.equal(fixAll(analyse('a;'), () => 'a;', (texts) => analyse(texts.get(FILE) as string)).applied, 0);
});

test('the one edit per file never starts or ends inside a surrogate pair or a CRLF', () => {
  const cases: [string, string][] = [
    ['# \u{1F600};', '# \u{1F601};'],
    ['a;\r\nb;', 'a;\rX\nb;'],
    ['a;\r\nb;', 'a;\nb;'],
    ['\u{1F600}\u{1F600}', '\u{1F600}x\u{1F600}'],
    ['x;', 'x;'],
    ['', 'events {}\n'],
  ];
  for (const [before, after] of cases) {
    const edit = wholeChangeEdit(FILE, before, after);
    assert.equal(before.slice(0, edit.start) + edit.newText + before.slice(edit.end), after, JSON.stringify([before, after]));
    for (const at of [edit.start, edit.end]) {
      const pair = before.slice(at - 1, at + 1);
      assert.ok(!/^[\uD800-\uDBFF][\uDC00-\uDFFF]$/.test(pair) && pair !== '\r\n', `${JSON.stringify([before, after])}: a boundary at ${at} splits ${JSON.stringify(pair)}`);
    }
  }
});

test('a fix crowded out by one whose result would not parse gets its turn', () => {
  const text = 'events {}\n';
  const at = (title: string, newText: string): ConfigDiagnostic => ({ file: FILE, start: 0, end: 6, severity: 'warning', code: 'test', message: title, related: [], fixes: [{ title, edits: [{ file: FILE, start: 0, end: 6, newText }] }] });
  const unparsable = at('breaks the file', 'events {');
  const good = at('renames the block', 'stream');
  const selection = selectFixes([unparsable, good], () => text);
  assert.deepEqual(selection.fixes.map((f) => f.title), ['renames the block']);
  assert.equal(selection.files.get(FILE), 'stream {}\n');
  assert.deepEqual(selection.skipped.map((s) => s.title), ['breaks the file']);
});

test('two fixes that share an edit (the same range and text) are both taken, and the edit is made once', () => {
  const text = 'ssl_certificate cert.pem;\nssl_stapling off;\n';
  const chain = { file: FILE, start: 16, end: 24, newText: 'fullchain.pem' };
  const flip = { file: FILE, start: 39, end: 42, newText: 'on' };
  const finding = (code: string, edits: (typeof chain)[]): ConfigDiagnostic => ({ file: FILE, start: 0, end: 1, severity: 'warning', code, message: code, related: [], fixes: [{ title: code, edits }] });
  const selection = selectFixes([finding('chain', [chain]), finding('stapling', [flip, chain])], () => text);
  assert.deepEqual(selection.fixes.map((f) => f.title), ['chain', 'stapling']);
  assert.deepEqual(selection.skipped, []);
  assert.equal(selection.files.get(FILE), 'ssl_certificate fullchain.pem;\nssl_stapling on;\n');
  // The near miss: another text on the same range still overlaps.
  const other = selectFixes([finding('chain', [chain]), finding('stapling', [flip, { ...chain, newText: 'other.pem' }])], () => text);
  assert.deepEqual(other.fixes.map((f) => f.title), ['chain']);
  assert.deepEqual(other.skipped.map((s) => s.reason), ['overlaps another fix']);
});
