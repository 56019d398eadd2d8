import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, MAX_NESTING_DEPTH } from '../../server/src/service/parser/parseConfig';
import type { Directive } from '../../server/src/service/parser/ast';

function words(text: string): string[][] {
  const out: string[][] = [];
  const visit = (list: Directive[]): void => {
    for (const d of list) {
      out.push([d.name, ...d.args.map((a) => a.value)]);
      if (d.block) visit(d.block.children);
    }
  };
  visit(parseConfig(text, '/t.conf').directives);
  return out;
}

function problems(text: string): { at: string; message: string }[] {
  return parseConfig(text, '/t.conf').problems.map((p) => ({ at: `${p.start}-${p.end}`, message: p.message }));
}

test('whitespace, comments and simple directives', () => {
  const parsed = parseConfig('# head\nuser  nobody;\t# tail\r\nworker_processes\n  2 ;', '/t.conf');
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.directives.map((d) => [d.name, d.args.map((a) => a.value)]), [['user', ['nobody']], ['worker_processes', ['2']]]);
  assert.deepEqual(parsed.comments.map((c) => c.text), [' head', ' tail']);
  const user = parsed.directives[0];
  assert.equal(parsed.text.slice(user.start, user.end), 'user  nobody;');
  assert.equal(user.semicolon, 19);
  assert.equal(parsed.comments[1].end, parsed.text.indexOf('\r'), 'a comment ends before CR LF');
});

test('a # inside a word is part of the word, as in nginx', () => {
  assert.deepEqual(words('server_name a#b c;'), [['server_name', 'a#b', 'c']]);
  assert.deepEqual(words('server_name# x;'), [['server_name#', 'x']]);
});

test('quotes: values unescaped, raw kept, ranges include the quotes', () => {
  const parsed = parseConfig(`add_header X "a \\"b\\" \\\\ \\t \\q" 'it\\'s';`, '/t.conf');
  const [, dq, sq] = parsed.directives[0].args;
  assert.equal(dq.value, 'a "b" \\ \t \\q');
  assert.equal(dq.quote, '"');
  assert.equal(dq.raw, `"a \\"b\\" \\\\ \\t \\q"`);
  assert.equal(parsed.text.slice(dq.start, dq.end), dq.raw);
  assert.equal(sq.value, "it's");
  assert.equal(sq.quote, "'");
});

test('quotes and braces inside an unquoted word are literal', () => {
  assert.deepEqual(words(`return 200 a"b'c}d;`), [['return', '200', `a"b'c}d`]]);
});

test('a { ends an unquoted word and opens a block, unless it follows $', () => {
  assert.deepEqual(words('location /a{ return 204; }'), [['location', '/a'], ['return', '204']]);
  assert.deepEqual(words('set $x "${host}y"; set $y ${host}z;'), [['set', '$x', '${host}y'], ['set', '$y', '${host}z']]);
});

test('a backslash escapes the next character, even a ; or a space', () => {
  assert.deepEqual(words('rewrite a\\;b c\\ d;'), [['rewrite', 'a\\;b', 'c\\ d']]);
});

test('multi-line quoted strings are one token', () => {
  assert.deepEqual(words('log_format x "a\nb";'), [['log_format', 'x', 'a\nb']]);
});

test('if conditions keep nginx token boundaries', () => {
  assert.deepEqual(words('if ($a = "b") { return 403; }'), [['if', '($a', '=', 'b', ')'], ['return', '403']]);
});

test('nesting', () => {
  const parsed = parseConfig('http { server { location / { } } }', '/t.conf');
  const http = parsed.directives[0];
  const server = http.block!.children[0];
  const location = server.block!.children[0];
  assert.equal(http.name, 'http');
  assert.equal(server.name, 'server');
  assert.equal(location.name, 'location');
  assert.deepEqual(location.block!.children, []);
  assert.equal(http.block!.close, parsed.text.length - 1);
  assert.equal(http.end, parsed.text.length);
});

test('Lua blocks are raw: braces in Lua strings, comments and long strings do not count', () => {
  const text = [
    'http {',
    '  content_by_lua_block {',
    '    local t = { a = "}", b = \'{\' } -- } comment',
    '    local s = [[ } ]] --[==[ } ]==]',
    '    ngx.say(t)',
    '  }',
    '  set_by_lua_block $res { return 1 }',
    '  default_type text/plain;',
    '}',
  ].join('\n');
  const parsed = parseConfig(text, '/t.conf');
  assert.deepEqual(parsed.problems, []);
  const children = parsed.directives[0].block!.children;
  assert.deepEqual(children.map((d) => d.name), ['content_by_lua_block', 'set_by_lua_block', 'default_type']);
  const lua = children[0].luaBody!;
  assert.match(parsed.text.slice(lua.start, lua.end), /^\n {4}local t[\s\S]*ngx\.say\(t\)\n {2}$/);
  assert.deepEqual(children[1].args.map((a) => a.value), ['$res']);
});

test('syntax errors are all reported with exact ranges, and parsing recovers', () => {
  const text = 'events {}\nhttp {\n  server_name a\n}\n}\n;\nuser "x"y;\nworker_processes 1;\n';
  const parsed = parseConfig(text, '/t.conf');
  assert.deepEqual(parsed.problems.map((p) => [text.slice(p.start, p.end), p.message]), [
    ['}', 'unexpected "}": expected ";" after "server_name a"'],
    ['}', 'unexpected "}"'],
    [';', 'unexpected ";"'],
    ['y', 'unexpected "y" after a quoted string: a space, ";" or "{" must follow it'],
  ]);
  assert.deepEqual(parsed.directives.map((d) => d.name), ['events', 'http', 'user', 'worker_processes']);
  assert.equal(parsed.problems[0].start, text.indexOf('}\n}'));
});

test('unexpected end of file: inside a directive, and inside a block with the opening brace related', () => {
  const eofArgs = 'http {\n  listen 80';
  assert.deepEqual(problems(eofArgs), [{ at: `${eofArgs.length}-${eofArgs.length}`, message: 'unexpected end of file, expecting ";" or "}" after "listen 80"' }]);
  const text = 'http {\n  server {\n  }\n';
  const parsed = parseConfig(text, '/t.conf');
  assert.equal(parsed.problems.length, 1);
  assert.equal(parsed.problems[0].message, 'unexpected end of file, expecting "}"');
  assert.equal(parsed.problems[0].start, text.length);
  assert.deepEqual(parsed.problems[0].related?.map((r) => r.start), [0 + 'http '.length]);
});

test('an unterminated quote is reported where it opens and the next lines are still analysed', () => {
  const text = 'add_header X "oops;\nworker_processes 2;\n';
  const parsed = parseConfig(text, '/t.conf');
  assert.equal(parsed.problems[0].start, text.indexOf('"'));
  assert.match(parsed.problems[0].message, /^unterminated string/);
  assert.ok(parsed.directives.some((d) => d.name === 'worker_processes'));
});

test('a nameless block is an error but keeps braces balanced', () => {
  const parsed = parseConfig('{ a b; }\nc d;', '/t.conf');
  assert.deepEqual(parsed.problems.map((p) => p.message), ['unexpected "{"']);
  assert.deepEqual(parsed.directives.map((d) => d.name), ['c']);
});

test('deep nesting is bounded and reported once', () => {
  const depth = MAX_NESTING_DEPTH + 50;
  const text = 'a {'.repeat(depth) + '}'.repeat(depth);
  const parsed = parseConfig(text, '/t.conf');
  assert.equal(parsed.problems.filter((p) => /nested deeper/.test(p.message)).length, 1);
});

test('never throws on arbitrary input', () => {
  let seed = 42;
  const rand = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const alphabet = ' \t\n\r;{}"\'\\$#abc_lua_block(){}[[]]--=\u00e9\ufffd\u0000';
  for (let n = 0; n < 300; n++) {
    let s = '';
    const len = Math.floor(rand() * 400);
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    const parsed = parseConfig(s, '/f.conf');
    for (const p of parsed.problems) assert.ok(p.start >= 0 && p.end <= s.length && p.start <= p.end);
  }
});

test('a byte-order mark is reported with a fix, and the rest is read as if it were absent', () => {
  const parsed = parseConfig('\ufeffevents {}\nhttp {}\n', '/t.conf');
  assert.equal(parsed.problems.length, 1);
  assert.deepEqual([parsed.problems[0].start, parsed.problems[0].end], [0, 1]);
  assert.deepEqual(parsed.problems[0].fix, { title: 'Remove the byte-order mark', start: 0, end: 1, newText: '' });
  assert.deepEqual(parsed.directives.map((d) => d.name), ['events', 'http']);
});

test('a } glued to a quoted string is one error, as nginx stops once there', () => {
  const text = 'http {\n  return 200 "a"}\n';
  assert.deepEqual(problems(text).map((p) => p.message), ['unexpected "}" after a quoted string: a space, ";" or "{" must follow it']);
});
