import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/service/lineIndex';
import { quoteExcerpt, truncate } from '../../server/src/service/quote';

test('lines end at \\r\\n, \\n and a lone \\r, as LSP counts them', () => {
  const index = new LineIndex('a\rb\r\nc\nd');
  assert.equal(index.lineCount, 4);
  assert.deepEqual(index.positionAt(2), { line: 1, character: 0 });
  assert.deepEqual(index.positionAt(5), { line: 2, character: 0 });
  assert.deepEqual(index.positionAt(7), { line: 3, character: 0 });
  assert.equal(index.offsetAt({ line: 2, character: 0 }), 5);
});

test('a position never falls between \\r and \\n or inside a surrogate pair', () => {
  const crlf = new LineIndex('ab\r\ncd');
  assert.deepEqual(crlf.positionAt(3), { line: 0, character: 2 });
  const emoji = new LineIndex('x\u{1F600}y');
  assert.deepEqual(emoji.positionAt(2), { line: 0, character: 1 });
  assert.deepEqual(emoji.positionAt(3), { line: 0, character: 3 });
});

test('offsets are clamped to the line content, as LSP clamps a character past the line end', () => {
  const index = new LineIndex('ab\r\ncd\n');
  assert.equal(index.offsetAt({ line: 0, character: 99 }), 2);
  assert.equal(index.offsetAt({ line: 1, character: 99 }), 6);
  assert.equal(index.offsetAt({ line: 9, character: 0 }), 7);
  assert.equal(index.offsetAt({ line: -1, character: 5 }), 0);
});

test('quoted excerpts are capped and never end in half a character', () => {
  assert.equal(quoteExcerpt('short'), 'short');
  const long = 'x'.repeat(79) + '\u{1F600}' + 'y'.repeat(100);
  const q = quoteExcerpt(long);
  assert.ok(q.length <= 80);
  assert.ok(!/[\ud800-\udbff]$/.test(q.slice(0, -1)), q);
  assert.equal(truncate('abc', 2), 'a…');
  assert.equal(quoteExcerpt('a\n   b'), 'a b');
  assert.equal(quoteExcerpt(' '.repeat(1000) + 'z').length <= 80, true);
});
