import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const ROOT = typeof __dirname === 'string' ? path.resolve(__dirname, '..', '..') : process.cwd();
const GRAMMAR_PATH = path.join(ROOT, 'syntaxes', 'nginx.tmLanguage.json');
const LANGUAGE_CONFIGURATION_PATH = path.join(ROOT, 'language-configuration.json');
const WASM_PATH = path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm');

/** A stand-in for VS Code's Lua grammar: a `function ... (params)` rule plus keywords, enough to prove the embedding. */
const STUB_LUA_GRAMMAR = {
  scopeName: 'source.lua',
  patterns: [
    {
      begin: '\\b(function)\\b',
      beginCaptures: { 1: { name: 'keyword.control.lua' } },
      end: '(?<=[\\)\\-{}\\[\\]"\'])',
      name: 'meta.function.lua',
      patterns: [{ begin: '\\(', end: '(\\))|(?=[\\-\\.{}\\[\\]"\'])', name: 'meta.parameter.lua' }],
    },
    { match: '\\b(return|end|local|if|then)\\b', name: 'keyword.control.lua' },
  ],
};

interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let onigLib: Promise<vsctm.IOnigLib> | undefined;

/** Loads onig.wasm from node_modules once and exposes it as a vscode-textmate regex engine. */
function getOnigLib(): Promise<vsctm.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = fs.readFileSync(WASM_PATH);
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    };
  })();
  return onigLib;
}

const grammars = new Map<string, Promise<vsctm.IGrammar>>();

/** The nginx grammar, with `source.lua` resolved to the stub Lua grammar or left unresolved (null). */
function getGrammar(withLua: boolean): Promise<vsctm.IGrammar> {
  const key = withLua ? 'lua' : 'plain';
  let grammar = grammars.get(key);
  if (!grammar) {
    const registry = new vsctm.Registry({
      onigLib: getOnigLib(),
      loadGrammar: async (scopeName) => {
        if (scopeName === 'source.nginx') {
          return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
        }
        if (scopeName === 'source.lua' && withLua) {
          return vsctm.parseRawGrammar(JSON.stringify(STUB_LUA_GRAMMAR), 'lua.json');
        }
        return null;
      },
    });
    grammar = registry.loadGrammar('source.nginx').then((g) => {
      assert.ok(g, 'source.nginx grammar did not load');
      return g;
    });
    grammars.set(key, grammar);
  }
  return grammar;
}

/** Tokenizes `source` line by line (rule stack carried across lines); returns one token list per line. */
async function tokenize(source: string, withLua = false): Promise<Token[][]> {
  const grammar = await getGrammar(withLua);
  let state = vsctm.INITIAL;
  return source.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex),
      start: t.startIndex,
      end: t.endIndex,
      scopes: t.scopes,
    }));
  });
}

/** The tokens overlapping the `nth` occurrence of `text` on 0-based line `line`. */
function tokensCovering(doc: Token[][], line: number, text: string, nth = 0): Token[] {
  const tokens = doc[line];
  assert.ok(tokens, `no line ${line}`);
  const lineText = tokens.map((t) => t.text).join('');
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = lineText.indexOf(text, index + 1);
    assert.notEqual(index, -1, `occurrence ${nth} of ${JSON.stringify(text)} not found on line ${line}: ${JSON.stringify(lineText)}`);
  }
  const end = index + text.length;
  return tokens.filter((t) => t.start < end && t.end > index);
}

/** Renders tokens for assertion messages. */
function describeTokens(tokens: Token[]): string {
  return tokens.map((t) => `${JSON.stringify(t.text)} [${t.scopes.join(', ')}]`).join('\n  ');
}

/** Asserts that every token covering `text` on `line` has exactly the scope `scope` in its scope list. */
function assertScope(doc: Token[][], line: number, text: string, scope: string, nth = 0): void {
  const tokens = tokensCovering(doc, line, text, nth);
  const missing = tokens.filter((t) => !t.scopes.includes(scope));
  assert.equal(missing.length, 0, `${JSON.stringify(text)} on line ${line} should be ${scope}:\n  ${describeTokens(tokens)}`);
}

/** Asserts that no token covering `text` on `line` has a scope equal to or starting with `prefix`. */
function assertNoScope(doc: Token[][], line: number, text: string, prefix: string, nth = 0): void {
  const tokens = tokensCovering(doc, line, text, nth);
  const offending = tokens.filter((t) => t.scopes.some((s) => s === prefix || s.startsWith(`${prefix}.`)));
  assert.equal(offending.length, 0, `${JSON.stringify(text)} on line ${line} should not be ${prefix}:\n  ${describeTokens(tokens)}`);
}

/** Asserts that `text` on `line` is exactly one token (it is not split). */
function assertSingleToken(doc: Token[][], line: number, text: string, nth = 0): void {
  const tokens = tokensCovering(doc, line, text, nth);
  assert.equal(tokens.length, 1, `${JSON.stringify(text)} on line ${line} spans several tokens:\n  ${describeTokens(tokens)}`);
  assert.equal(tokens[0]?.text, text);
}

describe('nginx grammar', () => {
  test('grammar file is valid JSON with scopeName source.nginx and every regex compiles', async () => {
    const raw = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8')) as { scopeName: string };
    assert.equal(raw.scopeName, 'source.nginx');
    await getOnigLib();
    const regexes: string[] = [];
    const walk = (node: unknown, key: string): void => {
      if (typeof node === 'string') {
        if (key === 'match' || key === 'begin' || key === 'while') regexes.push(node);
        if (key === 'end') regexes.push(node.replace(/\\(\d)/g, ''));
      } else if (Array.isArray(node)) {
        node.forEach((n) => walk(n, ''));
      } else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) walk(v, k);
      }
    };
    walk(raw, '');
    assert.ok(regexes.length > 30, `only ${regexes.length} regexes found`);
    for (const re of regexes) {
      assert.doesNotThrow(() => new oniguruma.OnigScanner([re]).dispose(), `regex does not compile: ${re}`);
    }
  });

  test('comments start only at the beginning of a token', async () => {
    const doc = await tokenize(
      ['# full line', 'listen 443 ssl; # trailing', 'server_name a#b c.test;', 'add_header X-A $a#b;', '  #indented'].join('\n'),
    );
    assertScope(doc, 0, '# full line', 'comment.line.number-sign.nginx');
    assertScope(doc, 0, '#', 'punctuation.definition.comment.nginx');
    assertScope(doc, 1, '# trailing', 'comment.line.number-sign.nginx');
    assertNoScope(doc, 1, 'listen', 'comment');
    assertNoScope(doc, 2, 'a#b c.test', 'comment');
    assertScope(doc, 2, ';', 'punctuation.terminator.nginx');
    assertNoScope(doc, 3, '#b', 'comment');
    assertScope(doc, 3, '$a', 'variable.other.nginx');
    assertScope(doc, 4, '#indented', 'comment.line.number-sign.nginx');
  });

  test('a comment inside a statement does not end it', async () => {
    const doc = await tokenize(['server_name a.test # first', '    b.test;', 'listen 80;'].join('\n'));
    assertScope(doc, 0, '# first', 'comment.line.number-sign.nginx');
    assertNoScope(doc, 1, 'b.test', 'keyword.other.directive.nginx');
    assertScope(doc, 1, 'b.test', 'meta.directive.nginx');
    assertScope(doc, 2, 'listen', 'keyword.other.directive.nginx');
  });

  test('directive names and block names', async () => {
    const doc = await tokenize(
      [
        'events { worker_connections 1024; }',
        'http {',
        '  server {',
        '    ssl_stapling_verify on;',
        '  }',
        '  upstream backend {',
        '    server 10.0.0.1:8080 weight=5;',
        '  }',
        '  map $http_upgrade $connection_upgrade { default upgrade; }',
        '  types { text/html html; }',
        '}',
        'stream { }',
        'mail { }',
        'limit_except GET { deny all; }',
        'geo $a { default 0; }',
        'split_clients "$x" $v { * a; }',
      ].join('\n'),
    );
    assertScope(doc, 0, 'events', 'storage.type.block.nginx');
    assertScope(doc, 0, 'worker_connections', 'keyword.other.directive.nginx');
    assertScope(doc, 1, 'http', 'storage.type.block.nginx');
    assertScope(doc, 2, 'server', 'storage.type.block.nginx');
    assertScope(doc, 3, 'ssl_stapling_verify', 'keyword.other.directive.nginx');
    assertSingleToken(doc, 3, 'ssl_stapling_verify');
    assertScope(doc, 5, 'upstream', 'storage.type.block.nginx');
    assertScope(doc, 5, 'backend', 'entity.name.section.upstream.nginx');
    assertScope(doc, 6, 'server', 'keyword.other.directive.nginx');
    assertNoScope(doc, 6, 'server', 'storage.type.block.nginx');
    assertScope(doc, 8, 'map', 'storage.type.block.nginx');
    assertScope(doc, 8, 'default', 'keyword.other.directive.nginx');
    assertScope(doc, 9, 'types', 'storage.type.block.nginx');
    assertNoScope(doc, 9, 'html;', 'keyword.other.directive.nginx');
    assertScope(doc, 11, 'stream', 'storage.type.block.nginx');
    assertScope(doc, 12, 'mail', 'storage.type.block.nginx');
    assertScope(doc, 13, 'limit_except', 'storage.type.block.nginx');
    assertScope(doc, 14, 'geo', 'storage.type.block.nginx');
    assertScope(doc, 15, 'split_clients', 'storage.type.block.nginx');
  });

  test('arguments are not directive names', async () => {
    const doc = await tokenize('proxy_set_header Upgrade $http_upgrade;');
    assertScope(doc, 0, 'proxy_set_header', 'keyword.other.directive.nginx');
    assertNoScope(doc, 0, 'Upgrade', 'keyword.other.directive.nginx');
    assertScope(doc, 0, 'Upgrade', 'meta.directive.nginx');
  });

  test('punctuation: semicolons and braces', async () => {
    const doc = await tokenize('server { listen 80; }');
    assertScope(doc, 0, '{', 'punctuation.section.block.begin.nginx');
    assertScope(doc, 0, ';', 'punctuation.terminator.nginx');
    assertScope(doc, 0, '}', 'punctuation.section.block.end.nginx');
  });

  test('double-quoted strings with escapes and variables', async () => {
    const doc = await tokenize(
      ['add_header X "a \\" b \\\\ c\\t $host ${scheme}x" always;', 'return 200 "a#b; {c}";', 'listen 80;'].join('\n'),
    );
    assertScope(doc, 0, '"', 'punctuation.definition.string.begin.nginx');
    assertScope(doc, 0, '\\"', 'constant.character.escape.nginx');
    assertScope(doc, 0, '\\"', 'string.quoted.double.nginx');
    assertScope(doc, 0, ' b ', 'string.quoted.double.nginx');
    assertScope(doc, 0, '\\\\', 'constant.character.escape.nginx');
    assertScope(doc, 0, '\\t', 'constant.character.escape.nginx');
    assertScope(doc, 0, '$host', 'variable.other.nginx');
    assertScope(doc, 0, '$host', 'string.quoted.double.nginx');
    assertScope(doc, 0, '${scheme}', 'variable.other.nginx');
    assertScope(doc, 0, '${scheme}', 'string.quoted.double.nginx');
    assertScope(doc, 0, '{', 'punctuation.definition.variable.begin.nginx');
    assertScope(doc, 0, 'scheme', 'variable.other.nginx');
    assertScope(doc, 0, '}', 'punctuation.definition.variable.end.nginx');
    assertScope(doc, 0, 'x"', 'string.quoted.double.nginx');
    assertScope(doc, 0, '"', 'punctuation.definition.string.end.nginx', 2);
    assertNoScope(doc, 0, ' always', 'string');
    assertScope(doc, 0, ';', 'punctuation.terminator.nginx');
    assertScope(doc, 1, 'a#b; {c}', 'string.quoted.double.nginx');
    assertNoScope(doc, 1, 'a#b; {c}', 'comment');
    assertNoScope(doc, 1, 'a#b; {c}', 'punctuation');
    assertScope(doc, 2, 'listen', 'keyword.other.directive.nginx');
  });

  test('single-quoted strings', async () => {
    const doc = await tokenize("log_format main '$remote_addr \\' \"$request\"';");
    assertScope(doc, 0, "'", 'punctuation.definition.string.begin.nginx');
    assertScope(doc, 0, '$remote_addr', 'string.quoted.single.nginx');
    assertScope(doc, 0, '$remote_addr', 'variable.other.nginx');
    assertScope(doc, 0, "\\'", 'constant.character.escape.nginx');
    assertScope(doc, 0, '"$request"', 'string.quoted.single.nginx');
    assertScope(doc, 0, ';', 'punctuation.terminator.nginx');
  });

  test('quotes inside a word do not open a string', async () => {
    const doc = await tokenize('add_header X a"b;\nlisten 80;');
    assertNoScope(doc, 0, 'a"b', 'string');
    assertScope(doc, 0, ';', 'punctuation.terminator.nginx');
    assertScope(doc, 1, 'listen', 'keyword.other.directive.nginx');
  });

  test('strings may span lines', async () => {
    const doc = await tokenize(
      ['log_format main "$remote_addr', '    # not a comment; {', '    $status" combined;', 'access_log off;'].join('\n'),
    );
    assertScope(doc, 0, '"$remote_addr', 'string.quoted.double.nginx');
    assertScope(doc, 1, '# not a comment; {', 'string.quoted.double.nginx');
    assertNoScope(doc, 1, '# not a comment; {', 'comment');
    assertScope(doc, 2, '$status', 'variable.other.nginx');
    assertScope(doc, 2, '$status', 'string.quoted.double.nginx');
    assertScope(doc, 2, '"', 'punctuation.definition.string.end.nginx');
    assertNoScope(doc, 2, 'combined', 'string');
    assertScope(doc, 2, ';', 'punctuation.terminator.nginx');
    assertScope(doc, 3, 'access_log', 'keyword.other.directive.nginx');
    assertScope(doc, 3, 'off', 'constant.language.boolean.nginx');
  });

  test('variables: $name, ${name}, $1', async () => {
    const doc = await tokenize(['set $a 1;', 'return 301 https://$host${request_uri}/$1;'].join('\n'));
    assertScope(doc, 0, 'set', 'keyword.other.directive.nginx');
    assertScope(doc, 0, '$a', 'variable.other.nginx');
    assertScope(doc, 0, '$', 'punctuation.definition.variable.nginx');
    assertScope(doc, 0, '1', 'constant.numeric.integer.nginx');
    assertScope(doc, 0, ';', 'punctuation.terminator.nginx');
    assertScope(doc, 1, '$host', 'variable.other.nginx');
    assertScope(doc, 1, '${request_uri}', 'variable.other.nginx');
    assertScope(doc, 1, '$1', 'variable.other.capture.nginx');
    assertNoScope(doc, 1, 'https://', 'variable');
    assertScope(doc, 1, ';', 'punctuation.terminator.nginx');
  });

  test('numbers, sizes and times', async () => {
    const doc = await tokenize(
      [
        'client_max_body_size 10k 1m 2G;',
        'proxy_read_timeout 5s 300ms 1h30m 2d;',
        'keepalive_requests 1000;',
        'gzip_http_version 1.1;',
        'limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;',
        'ssl_protocols TLSv1.2 TLSv1.3;',
        'root /var/www/10m;',
      ].join('\n'),
    );
    for (const size of ['10k', '1m', '2G']) assertScope(doc, 0, size, 'constant.numeric.dimension.nginx');
    assertScope(doc, 0, 'k', 'keyword.other.unit.nginx');
    assertNoScope(doc, 0, '10', 'keyword.other.unit.nginx');
    for (const time of ['5s', '300ms', '1h30m', '2d']) assertScope(doc, 1, time, 'constant.numeric.dimension.nginx');
    assertScope(doc, 1, 'ms', 'keyword.other.unit.nginx');
    assertScope(doc, 1, '30', 'constant.numeric.dimension.nginx');
    assertNoScope(doc, 1, '30', 'keyword.other.unit.nginx');
    assertScope(doc, 2, '1000', 'constant.numeric.integer.nginx');
    assertScope(doc, 3, '1.1', 'constant.numeric.decimal.nginx');
    assertScope(doc, 4, '10m', 'constant.numeric.dimension.nginx');
    assertNoScope(doc, 4, '1r/s', 'constant.numeric');
    assertNoScope(doc, 5, 'TLSv1.2', 'constant.numeric');
    assertNoScope(doc, 6, '/var/www/10m', 'constant.numeric');
  });

  test('on/off constants', async () => {
    const doc = await tokenize(['ssl_stapling on;', 'ssl_session_tickets off;', 'add_header X-on onward;'].join('\n'));
    assertScope(doc, 0, 'ssl_stapling', 'keyword.other.directive.nginx');
    assertScope(doc, 0, 'on', 'constant.language.boolean.nginx');
    assertScope(doc, 1, 'off', 'constant.language.boolean.nginx');
    assertNoScope(doc, 2, 'X-on', 'constant');
    assertNoScope(doc, 2, 'onward', 'constant');
  });

  test('IP addresses and CIDR ranges', async () => {
    const doc = await tokenize(['listen 127.0.0.1:8443 ssl;', 'allow 10.0.0.0/8;', 'proxy_pass http://10.0.0.1:80/;'].join('\n'));
    assertScope(doc, 0, '127.0.0.1', 'constant.numeric.ip-address.nginx');
    assertScope(doc, 0, '8443', 'constant.numeric.integer.nginx');
    assertScope(doc, 1, '10.0.0.0/8', 'constant.numeric.ip-address.nginx');
    assertScope(doc, 1, '/', 'punctuation.separator.cidr.nginx');
    assertNoScope(doc, 2, '10.0.0.1:80', 'constant.numeric');
  });

  test('location modifiers and regex arguments', async () => {
    const doc = await tokenize(
      [
        'location ~* \\.(png|jpg)$ {',
        '}',
        'location = /x { return 204; }',
        'location ^~ /static/ { }',
        'location ~ "^/a{2}$" { }',
        'location /plain { }',
        'location @fallback { }',
        'location ~^/glued { }',
      ].join('\n'),
    );
    assertScope(doc, 0, 'location', 'storage.type.block.nginx');
    assertScope(doc, 0, '~*', 'keyword.operator.modifier.nginx');
    assertScope(doc, 0, '\\.(png|jpg)$', 'string.regexp.nginx');
    assertSingleToken(doc, 0, '\\.(png|jpg)$');
    assertScope(doc, 0, '{', 'punctuation.section.block.begin.nginx');
    assertScope(doc, 1, '}', 'punctuation.section.block.end.nginx');
    assertScope(doc, 2, '=', 'keyword.operator.modifier.nginx');
    assertScope(doc, 2, '/x', 'string.unquoted.path.nginx');
    assertNoScope(doc, 2, '/x', 'string.regexp');
    assertScope(doc, 2, 'return', 'keyword.other.directive.nginx');
    assertScope(doc, 3, '^~', 'keyword.operator.modifier.nginx');
    assertScope(doc, 3, '/static/', 'string.unquoted.path.nginx');
    assertScope(doc, 4, '~', 'keyword.operator.modifier.nginx');
    assertScope(doc, 4, '"^/a{2}$"', 'string.regexp.nginx');
    assertScope(doc, 4, '{', 'punctuation.section.block.begin.nginx', 1);
    assertScope(doc, 5, '/plain', 'string.unquoted.path.nginx');
    assertScope(doc, 6, 'fallback', 'entity.name.function.location.nginx');
    assertScope(doc, 7, '~', 'keyword.operator.modifier.nginx');
    assertScope(doc, 7, '^/glued', 'string.regexp.nginx');
  });

  test('regex arguments of rewrite, server_name and map keys', async () => {
    const doc = await tokenize(
      ['rewrite ^/(.*)\\.html$ /$1 last;', 'server_name ~^(www\\.)?(?<d>.+)$;', 'map $uri $new { ~*^/old/(.*)$ /new/$1; }'].join(
        '\n',
      ),
    );
    assertScope(doc, 0, 'rewrite', 'keyword.other.directive.nginx');
    assertScope(doc, 0, '^/(.*)\\.html$', 'string.regexp.nginx');
    assertScope(doc, 0, '$1', 'variable.other.capture.nginx');
    assertNoScope(doc, 0, '/$1', 'string.regexp');
    assertScope(doc, 1, '~', 'keyword.operator.regex.nginx');
    assertScope(doc, 1, '^(www\\.)?(?<d>.+)$', 'string.regexp.nginx');
    assertScope(doc, 1, ';', 'punctuation.terminator.nginx');
    assertScope(doc, 2, '~*', 'keyword.operator.regex.nginx');
    assertScope(doc, 2, '^/old/(.*)$', 'string.regexp.nginx');
  });

  test('if conditions', async () => {
    const doc = await tokenize(
      [
        'if ($http_user_agent ~* ^Mozilla/(5|6)$) {',
        '  return 403;',
        '}',
        'if (!-f $request_filename) { }',
        'if ($request_method = POST) { }',
        'if ( $a !~ "x{2}" ) { }',
      ].join('\n'),
    );
    assertScope(doc, 0, 'if', 'keyword.control.conditional.nginx');
    assertScope(doc, 0, '(', 'punctuation.section.condition.begin.nginx');
    assertScope(doc, 0, '$http_user_agent', 'variable.other.nginx');
    assertScope(doc, 0, '~*', 'keyword.operator.regex.nginx');
    assertScope(doc, 0, '^Mozilla/(5|6)$', 'string.regexp.nginx');
    assertSingleToken(doc, 0, '^Mozilla/(5|6)$');
    assertScope(doc, 0, ')', 'punctuation.section.condition.end.nginx', 1);
    assertNoScope(doc, 0, ')', 'string.regexp', 1);
    assertScope(doc, 0, '{', 'punctuation.section.block.begin.nginx');
    assertScope(doc, 1, 'return', 'keyword.other.directive.nginx');
    assertScope(doc, 3, '!-f', 'keyword.operator.comparison.nginx');
    assertScope(doc, 3, '$request_filename', 'variable.other.nginx');
    assertScope(doc, 4, '=', 'keyword.operator.comparison.nginx');
    assertScope(doc, 5, '!~', 'keyword.operator.regex.nginx');
    assertScope(doc, 5, '"x{2}"', 'string.regexp.nginx');
    assertScope(doc, 5, ')', 'punctuation.section.condition.end.nginx');
  });

  test('content_by_lua_block ends at its own closing brace', async () => {
    const doc = await tokenize(
      [
        'location /lua {',
        '  content_by_lua_block { local t = { a = "}" } -- } comment',
        '    ngx.say(t) }',
        '  add_header X-Lua yes;',
        '}',
      ].join('\n'),
    );
    assertScope(doc, 1, 'content_by_lua_block', 'keyword.other.directive.nginx');
    assertScope(doc, 1, '{', 'punctuation.section.embedded.begin.nginx');
    assertScope(doc, 1, ' local t = ', 'source.lua');
    assertScope(doc, 1, ' local t = ', 'meta.embedded.block.lua');
    assertScope(doc, 1, '{ a', 'source.lua', 0);
    assertNoScope(doc, 1, '{ a', 'punctuation.section.embedded');
    assertScope(doc, 1, '"}"', 'source.lua');
    assertScope(doc, 1, '} --', 'source.lua');
    assertNoScope(doc, 1, '} --', 'punctuation.section.embedded');
    assertScope(doc, 1, '-- } comment', 'source.lua');
    assertScope(doc, 2, 'ngx.say(t)', 'source.lua');
    assertScope(doc, 2, '}', 'punctuation.section.embedded.end.nginx');
    assertNoScope(doc, 2, '}', 'source.lua');
    assertScope(doc, 3, 'add_header', 'keyword.other.directive.nginx');
    assertNoScope(doc, 3, 'add_header', 'source.lua');
    assertNoScope(doc, 3, 'add_header', 'meta.embedded');
    assertScope(doc, 3, ';', 'punctuation.terminator.nginx');
    assertScope(doc, 4, '}', 'punctuation.section.block.end.nginx');
  });

  test('Lua strings, long strings, comments and nested tables do not close the block', async () => {
    const doc = await tokenize(
      [
        'access_by_lua_block {',
        "  local s = '}' .. [==[ } ]==] --[[ } ]]",
        '  local t = { { x = "\\"}" }, { } }',
        '  --[=[',
        '  }',
        '  ]=]',
        '}',
        'init_by_lua_block { require "x" }',
        'set_by_lua_block $res { return 1 }',
        'server_tokens off;',
      ].join('\n'),
    );
    assertScope(doc, 0, 'access_by_lua_block', 'keyword.other.directive.nginx');
    assertScope(doc, 1, "'}'", 'source.lua');
    assertScope(doc, 1, '[==[ } ]==]', 'source.lua');
    assertScope(doc, 1, '--[[ } ]]', 'source.lua');
    assertScope(doc, 2, '{ { x = "\\"}" }, { } }', 'source.lua');
    assertNoScope(doc, 2, '{ { x = "\\"}" }, { } }', 'punctuation.section.embedded');
    assertScope(doc, 4, '}', 'source.lua');
    assertScope(doc, 6, '}', 'punctuation.section.embedded.end.nginx');
    assertScope(doc, 7, 'init_by_lua_block', 'keyword.other.directive.nginx');
    assertScope(doc, 7, 'require "x"', 'source.lua');
    assertScope(doc, 7, '}', 'punctuation.section.embedded.end.nginx');
    assertScope(doc, 8, 'set_by_lua_block', 'keyword.other.directive.nginx');
    assertScope(doc, 8, '$res', 'variable.other.nginx');
    assertNoScope(doc, 8, '$res', 'source.lua');
    assertScope(doc, 8, 'return 1', 'source.lua');
    assertScope(doc, 8, '}', 'punctuation.section.embedded.end.nginx');
    assertScope(doc, 9, 'server_tokens', 'keyword.other.directive.nginx');
    assertNoScope(doc, 9, 'server_tokens', 'meta.embedded');
  });

  test('an unterminated Lua string stops at the end of its line', async () => {
    const doc = await tokenize(['content_by_lua_block {', '  local s = "oops', '}', 'listen 80;'].join('\n'));
    assertScope(doc, 1, '"oops', 'source.lua');
    assertScope(doc, 2, '}', 'punctuation.section.embedded.end.nginx');
    assertScope(doc, 3, 'listen', 'keyword.other.directive.nginx');
  });

  test('source.lua is embedded when available', async () => {
    const doc = await tokenize(
      ['content_by_lua_block {', '  local f = function(x) return { x } end', '}', 'listen 80;'].join('\n'),
      true,
    );
    assertScope(doc, 1, 'function', 'keyword.control.lua');
    assertScope(doc, 1, 'return', 'keyword.control.lua');
    assertScope(doc, 1, 'return', 'source.lua');
    assertScope(doc, 2, '}', 'punctuation.section.embedded.end.nginx');
    assertScope(doc, 3, 'listen', 'keyword.other.directive.nginx');
  });

  test('pathological input tokenizes quickly and recovers', async () => {
    const long = 'a\\'.repeat(5000);
    const source = [
      `location ~ ${long} {`,
      `if ($a ~ ${'('.repeat(5000)}) { }`,
      `rewrite ${'x'.repeat(20000)}`,
      `server_name ${'1'.repeat(5000)}m${'1h'.repeat(2000)}x;`,
      'listen 80;',
    ].join('\n');
    const started = process.hrtime.bigint();
    const doc = await tokenize(source);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(elapsedMs < 2000, `tokenizing took ${elapsedMs} ms`);
    assertScope(doc, 4, 'listen', 'keyword.other.directive.nginx');
  });
});

describe('language-configuration.json', () => {
  interface LanguageConfiguration {
    comments: { lineComment: string };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
    surroundingPairs: [string, string][];
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
    onEnterRules: { beforeText: string; afterText?: string; action: { indent: string } }[];
  }

  const config = JSON.parse(fs.readFileSync(LANGUAGE_CONFIGURATION_PATH, 'utf8')) as LanguageConfiguration;

  test('comments and brackets', () => {
    assert.equal(config.comments.lineComment, '#');
    assert.deepEqual(config.brackets, [
      ['{', '}'],
      ['(', ')'],
      ['[', ']'],
    ]);
    assert.deepEqual(
      config.surroundingPairs.map(([open, close]) => open + close),
      ['{}', '()', '[]', '""', "''"],
    );
  });

  test('auto-closing pairs, with quotes not inside strings or comments', () => {
    const pairs = new Map(config.autoClosingPairs.map((p) => [p.open + p.close, p.notIn ?? []]));
    assert.deepEqual([...pairs.keys()], ['{}', '()', '[]', '""', "''"]);
    assert.deepEqual(pairs.get('""'), ['string', 'comment']);
    assert.deepEqual(pairs.get("''"), ['string', 'comment']);
  });

  test('wordPattern keeps variables, directive names, sizes and paths whole', () => {
    const re = new RegExp(config.wordPattern, 'g');
    const words = 'ssl_stapling_verify on; set $var 10m; include /etc/nginx/x.conf; root /srv/${host}/www;'.match(re);
    assert.deepEqual(words, [
      'ssl_stapling_verify',
      'on',
      'set',
      '$var',
      '10m',
      'include',
      '/etc/nginx/x.conf',
      'root',
      '/srv/',
      '${host}',
      '/www',
    ]);
  });

  test('indentation rules: indent after {, outdent on }', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    assert.ok(increase.test('server {'));
    assert.ok(increase.test('    location ~ \\.php$ {  # php'));
    assert.ok(!increase.test('listen 80;'));
    assert.ok(!increase.test('# server {'));
    assert.ok(!increase.test('location / { return 204; }'));
    assert.ok(decrease.test('  }'));
    assert.ok(!decrease.test('  listen 80; }'));
    const between = config.onEnterRules.find((r) => r.afterText !== undefined);
    assert.equal(between?.action.indent, 'indentOutdent');
    assert.ok(new RegExp(between.beforeText).test('http {'));
    assert.ok(new RegExp(between.afterText ?? '').test('}'));
  });
});
