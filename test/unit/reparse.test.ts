// Re-reading only the block around an edit must give exactly the parse of the whole new text:
// checked over edit scripts on the corpus, and on the edits that change the structure around a block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParsedFile } from '../../server/src/service/parser/ast';
import { MAX_NESTING_DEPTH, parseConfig } from '../../server/src/service/parser/parseConfig';
import { changeBetween, reparse } from '../../server/src/service/parser/reparse';
import { corpusSkip, CORPUS_DIR, corpusFiles } from '../support/corpus';
import { edit, random } from '../support/editScripts';

const skip = corpusSkip();
const FILE = '/conf/nginx.conf';

/** Everything a parse says, offsets included. */
function shape(parsed: ParsedFile): string {
  return JSON.stringify({ directives: parsed.directives, comments: parsed.comments, problems: parsed.problems });
}

/** The re-read parse of `after` from `before`'s, checked against a whole parse; whether a block was re-read. */
function check(before: ParsedFile, after: string, where: string): { parsed: ParsedFile; block: boolean } {
  const whole = parseConfig(after, before.path);
  const again = reparse(before, after);
  if (again) assert.equal(shape(again), shape(whole), where);
  return { parsed: again ?? whole, block: again !== undefined };
}

test('the change between two texts: common prefix and suffix, across the comparison chunks', () => {
  assert.deepEqual(changeBetween('abcdef', 'abXdef'), { start: 2, oldEnd: 3, delta: 0 });
  assert.deepEqual(changeBetween('abcdef', 'abcXYdef'), { start: 3, oldEnd: 3, delta: 2 });
  assert.deepEqual(changeBetween('abcdef', 'abef'), { start: 2, oldEnd: 4, delta: -2 });
  assert.deepEqual(changeBetween('', 'x'), { start: 0, oldEnd: 0, delta: 1 });
  assert.deepEqual(changeBetween('aaaa', 'aaaaa'), { start: 4, oldEnd: 4, delta: 1 });
  const long = 'x'.repeat(10_000);
  assert.deepEqual(changeBetween(long + 'a' + long, long + 'b' + long), { start: 10_000, oldEnd: 10_001, delta: 0 });
  assert.deepEqual(changeBetween(long, long), { start: 10_000, oldEnd: 10_000, delta: 0 });
});

test('an edit inside a block re-reads the statements around it: the directives before it are the same objects, those after it moved', () => {
  const text = 'events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            root /a;\n        }\n    }\n    server {\n        listen 81;\n    }\n}\n';
  const before = parseConfig(text, FILE);
  const after = text.replace('root /a;', 'root /a;\n            index i.html;');
  const { parsed, block } = check(before, after, 'a directive added in a location');
  assert.ok(block);
  const [events, http] = parsed.directives;
  assert.equal(events, before.directives[0]);
  const [first, second] = http.block!.children;
  // The first server's listen comes before the change: the very same object; the second server moved.
  assert.equal(first.block!.children[0], before.directives[1].block!.children[0].block!.children[0]);
  assert.notEqual(second, before.directives[1].block!.children[1]);
  assert.equal(second.start, before.directives[1].block!.children[1].start + (after.length - text.length));
  // Only the statements around the change are read again: the location's root, before it, is kept too.
  assert.equal(first.block!.children[1].block!.children[0], before.directives[1].block!.children[0].block!.children[1].block!.children[0]);
  assert.equal(reparse(before, text), before);
});

test('edits that change the structure around a block are read as a whole parse reads them', () => {
  const text = 'http {\n    server {\n        listen 443 ssl;\n        location /x {\n            return 200 "ok";\n        }\n    }\n}\n';
  const before = parseConfig(text, FILE);
  const cases: [string, string][] = [
    ['a "}" that closes the location early', text.replace('return 200', '} return 200')],
    ['a "{" left open', text.replace('return 200', '{ return 200')],
    ['a "#" before the location\'s "}"', text.replace('"ok";\n        }', '"ok"; # }')],
    ['an unterminated quote', text.replace('"ok"', '"ok')],
    ['the "{" of the location removed', text.replace('/x {', '/x ')],
    ['the "}" of the location removed', text.replace('"ok";\n        }', '"ok";\n        ')],
    ['a word glued to the "{"', text.replace('/x {', '/x{')],
    ['a variable brace before the "{"', text.replace('/x {', '/x${')],
    ['a change at the top level', text + 'events {}\n'],
    ['a change of the first character', 'x' + text],
    ['everything removed', ''],
    ['a quoted string before the "}"', text.replace('"ok";\n        }', '"ok"}')],
  ];
  for (const [name, after] of cases) check(before, after, name);
  // At least the plain edits inside the location take the short way.
  assert.ok(check(before, text.replace('"ok"', '"fine"'), 'a string changed').block);
});

test('a file that ends inside a block (the head of a longer file): an edit in a closed block inside it is re-read alone', () => {
  const text = 'http {\n    server {\n        listen 80;\n    }\n    server {\n        listen 81;\n    }\n    gzip on\n';
  const before = parseConfig(text, FILE);
  assert.equal(before.directives[0].block!.close, undefined);
  const { parsed, block } = check(before, text.replace('listen 81;', 'listen 82;'), 'in the second server');
  assert.ok(block);
  assert.equal(parsed.directives[0].block!.children[0], before.directives[0].block!.children[0]);
  // In the block that is never closed, outside the closed ones: the whole text.
  assert.equal(check(before, text.replace('gzip on', 'gzip off'), 'in the unclosed block').block, false);
  assert.equal(check(before, text + '}\n', 'the block closed at last').block, false);
});

test('a Lua block: an edit in its body re-reads the block around it, as nginx-opaque text', () => {
  const text = 'http {\n    server {\n        content_by_lua_block {\n            ngx.say("}")\n        }\n        listen 80;\n    }\n}\n';
  const before = parseConfig(text, FILE);
  for (const after of [text.replace('ngx.say', 'ngx.print'), text.replace('ngx.say("}")', 'ngx.say("{")'), text.replace('listen 80;', 'listen 81;')]) {
    assert.ok(check(before, after, after).block, after);
  }
});

test('nesting at the limit: a re-read that would nest too deep falls back to the whole parse', () => {
  const open = (n: number): string => 'a {'.repeat(n);
  const close = (n: number): string => '}'.repeat(n);
  const full = `${open(MAX_NESTING_DEPTH)} x; ${close(MAX_NESTING_DEPTH)}\n`;
  const before = parseConfig(full, FILE);
  assert.equal(before.problems.length, 0);
  // One more level inside the innermost block passes the limit: the same verdict as a whole parse.
  const { block } = check(before, full.replace(' x; ', ' b { x; } '), 'one level too deep');
  assert.equal(block, false);
  assert.ok(check(before, full.replace(' x; ', ' y; '), 'at the limit, no deeper').block);
});

test('a quote never closed before the change: a quote typed after it closes it, so the whole text is read again', () => {
  const text = 'http {\n    add_header X "never closed;\n    server {\n        listen 80;\n    }\n}\n';
  const before = parseConfig(text, FILE);
  assert.ok(before.problems.some((p) => p.message.startsWith('unterminated string')));
  const { block } = check(before, text.replace('listen 80;', 'listen "80;'), 'the closing quote typed in a later block');
  assert.equal(block, false);
  // A quote never closed after the change depends only on what follows it, which did not change.
  const after = 'http {\n    server {\n        listen 80;\n    }\n}\nx "never closed;\n';
  assert.ok(check(parseConfig(after, FILE), after.replace('listen 80;', 'listen 81;'), 'a quote never closed after the block').block);
});

test('edit scripts over corpus files: every re-read parse equals the whole parse of the same text', { skip }, () => {
  const files = corpusFiles().filter((f) => f.endsWith('.conf'));
  const sample = files.filter((_, i) => i % 5 === 0);
  let blocks = 0;
  let steps = 0;
  sample.forEach((rel, k) => {
    let text = fs.readFileSync(path.join(CORPUS_DIR, rel), 'utf8');
    let parsed = parseConfig(text, path.join(CORPUS_DIR, rel));
    const history = [text];
    const pick = random(5000 + k);
    for (let step = 1; step <= 30; step++) {
      text = edit(text, history, pick);
      history.push(text);
      const result = check(parsed, text, `${rel}, seed ${5000 + k}, step ${step}`);
      parsed = result.parsed;
      steps++;
      if (result.block) blocks++;
    }
  });
  // The comparison means something only if many edits were indeed re-read as one block.
  assert.ok(blocks > steps / 4, `${blocks} of ${steps} edits re-read one block`);
});

test('CRLF text: lone \\r and \\n, line ends split, comments typed before a "}": every re-read parse equals the whole parse', () => {
  const base = 'http {\r\n    server {\r\n        listen 80;\r\n        location / {\r\n            root /a; # c\r\n        }\r\n    }\r\n}\r\n';
  let blocks = 0;
  let steps = 0;
  for (let seed = 0; seed < 100; seed++) {
    let text = base;
    let parsed = parseConfig(text, FILE);
    const history = [text];
    const pick = random(seed);
    for (let step = 0; step < 20; step++) {
      const at = pick(text.length + 1);
      text = pick(3) === 0 ? edit(text, history, pick) : text.slice(0, at) + ['\r', '\n', '\r\n', 'x', ' ', '#', '}', '"'][pick(8)] + text.slice(at);
      history.push(text);
      const result = check(parsed, text, `seed ${seed}, step ${step}: ${JSON.stringify(text)}`);
      parsed = result.parsed;
      steps++;
      if (result.block) blocks++;
    }
  }
  assert.ok(blocks > steps / 4, `${blocks} of ${steps} edits re-read one block`);
});
