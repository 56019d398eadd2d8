import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { createNodeHost } from '../../server/src/service/model/configHost';
import type { ConfigTree } from '../../server/src/service/model/configTree';
import { parseConfig } from '../../server/src/service/parser/parseConfig';
import { LineIndex } from '../../server/src/service/lineIndex';
import { applyEdits } from '../../server/src/service/fixes/applyFixes';
import { DIRECTIVE_CHECKS, runDirectiveChecks } from '../../server/src/service/checks';
import { checkBlockStructure } from '../../server/src/service/checks/checkBlockStructure';
import type { ConfigDiagnostic } from '../../server/src/service/diagnostics';
import { corpusSkip, CORPUS_DIR, nginxResults } from '../support/corpus';
import { createMemoryHost } from '../support/memoryHost';

/**
 * nginx -t's first error per corpus file: pass 2 (load_module lines commented out) where pass 1
 * failed on a missing dynamic module, as NGINX_T_RESULTS.tsv records it.
 */
function nginxFirstErrors(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(CORPUS_DIR, 'NGINX_T_RESULTS.tsv'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('path\t')) continue;
    const [file, cls, message, cls2, message2] = line.split('\t');
    if (cls === 'OK') continue;
    out.set(file, cls === 'MODULE(load_module)' && cls2 ? message2 : message);
  }
  return out;
}

/** A tree over in-memory files (absolute paths under /conf). */
function memoryTree(files: Record<string, string>, main = '/conf/nginx.conf', rootContext?: string[]): ConfigTree {
  const host = createMemoryHost(files);
  return loadConfig(main, { host, rootContext });
}

/** Diagnostics of a one-file config as `line:code` strings (1-based lines). */
function check(text: string, rootContext?: string[], settings = {}): { found: string[]; diags: ConfigDiagnostic[] } {
  const tree = memoryTree({ '/conf/nginx.conf': text }, '/conf/nginx.conf', rootContext);
  const diags = runDirectiveChecks(tree, settings);
  const index = new LineIndex(text);
  return { found: diags.map((d) => `${index.positionAt(d.start).line + 1}:${d.code}`), diags };
}

const MAIN = (http: string): string => `events {}\nhttp {\n${http}\n}\n`;

test('the registry lists the seven checks, sorted, with their contract ids and severities', () => {
  assert.deepEqual(DIRECTIVE_CHECKS.map((c) => `${c.id}:${c.defaultSeverity}`), [
    'directive-not-allowed-here:error', 'directive-removed:error', 'duplicate-directive:error', 'invalid-argument-count:error', 'invalid-argument-value:error', 'missing-semicolon:error', 'unknown-directive:warning',
  ]);
});

test('unknown-directive: a near miss gets a warning with a did-you-mean fix', () => {
  const text = MAIN('server {\n listen 443 ssl;\n ssl_staple on;\n}');
  const { found, diags } = check(text);
  assert.deepEqual(found, ['5:unknown-directive']);
  assert.equal(diags[0].severity, 'warning');
  assert.match(diags[0].message, /did you mean "ssl_stapling"/);
  assert.equal(diags[0].fixes[0].edits[0].newText, 'ssl_stapling');
  assert.equal(applyEdits(text, diags[0].fixes[0].edits).includes('ssl_stapling on;'), true);
});

test('unknown-directive: third-party-looking names are information; known third-party ones are silent', () => {
  const { found, diags } = check(MAIN('server {\n status_zone x;\n more_set_headers "X: y";\n location / { content_by_lua_block { ngx.say("{") } }\n location /j { js_content main.hello; }\n}'));
  assert.deepEqual(found, ['4:unknown-directive']);
  assert.equal(diags[0].severity, 'information');
});

test('unknown-directive: nothing inside value-list blocks, lua blocks or unknown blocks', () => {
  const { found } = check(MAIN([
    'map $host $x { default 0; ~^www 1; hostnames; }',
    'types { text/html html; }',
    'geo $g { default 0; 10.0.0.0/8 1; }',
    'split_clients "$r" $v { 50% a; * b; }',
    'charset_map koi8-r utf-8 { C0 D18E; }',
    'server { location / { access_by_lua_block { local t = { bogus_directive = 1 } } } }',
    'some_module_block { whatever 1; }',
  ].join('\n')));
  assert.deepEqual(found, ['9:unknown-directive']);
});

test('unknown-directive: with nginxVersion set, directives of a newer or older nginx are reported', () => {
  const text = MAIN('server {\n listen 443 ssl;\n http2 on;\n ssl on;\n}');
  assert.deepEqual(check(text).found, []);
  assert.deepEqual(check(text, undefined, { nginxVersion: '1.22.1' }).found, ['5:unknown-directive']);
  assert.deepEqual(check(text, undefined, { nginxVersion: '1.24.0' }).found, ['5:unknown-directive']);
  assert.deepEqual(check(text, undefined, { nginxVersion: '1.25.1' }).found, ['6:directive-removed']);
  assert.deepEqual(check(text, undefined, { nginxVersion: '1.26.3' }).found, ['6:directive-removed']);
  assert.match(check(text, undefined, { nginxVersion: '1.24.0' }).diags[0].message, /^unknown directive "http2" in nginx 1\.24\.0: available since nginx 1\.25\.1$/);
  // Also the listen's quic (invalid-argument-value): nginx 1.24 knows neither.
  const quic = check(MAIN('server {\n listen 443 quic;\n http3 on;\n}'), undefined, { nginxVersion: '1.24.0' }).diags;
  assert.deepEqual(quic.map((d) => d.code), ['invalid-argument-value', 'unknown-directive']);
  assert.match(quic[1].message, /available since nginx 1\.25\.0$/);
});

test('directive-not-allowed-here: ssl_stapling in location, listen in http, nested if', () => {
  const { found, diags } = check(MAIN('listen 80;\nserver {\n location / { ssl_stapling on; if ($a) { if ($b) { return 404; } } }\n}'));
  assert.deepEqual(found, ['3:directive-not-allowed-here', '5:directive-not-allowed-here', '5:directive-not-allowed-here']);
  assert.match(diags[1].message, /"ssl_stapling" directive is not allowed here \(in location\); nginx accepts it in: http, server/);
});

test('directive-not-allowed-here: near misses stay silent (if contexts, limit_except, stream, mail, upstream)', () => {
  const text = [
    'user www-data;', 'worker_processes auto;', 'load_module modules/x.so;',
    'events { worker_connections 512; use epoll; }',
    'http {',
    ' resolver 127.0.0.1 valid=30s; resolver_timeout 5s; ssl_stapling on;',
    ' upstream b { server 127.0.0.1:8080 weight=2; keepalive 8; }',
    ' server { listen 443 ssl; server_name a; if ($x) { return 404; set $y 1; rewrite ^ /z; }',
    '  location / { if ($y) { add_header X y; proxy_pass http://b; } limit_except GET { deny all; } }',
    ' }',
    '}',
    'stream { upstream s { server 127.0.0.1:1; } server { listen 853 ssl; ssl_certificate a; proxy_pass s; resolver 127.0.0.1; } }',
    'mail { server { listen 993 ssl; protocol imap; ssl_certificate a; } }',
  ].join('\n');
  assert.deepEqual(check(text).found, []);
});

test('directive-not-allowed-here: a file analysed alone accepts directives of blocks nested in its guessed context', () => {
  assert.deepEqual(check('try_files $uri =404;\nfastcgi_split_path_info ^(.+)(/.*)$;\n', ['http']).found, []);
  assert.deepEqual(check('worker_processes 2;\n', ['http']).found, ['1:directive-not-allowed-here']);
  assert.deepEqual(check('~^/old /new;\n/foo /bar;\ndefault 0;\n', ['http']).found, []);
});

test('invalid-argument-count: too few and too many, including flags', () => {
  const { found, diags } = check(MAIN('server {\n ssl_stapling;\n ssl_stapling_verify on off;\n listen;\n add_header X;\n}'));
  assert.deepEqual(found, ['4:invalid-argument-count', '5:invalid-argument-count', '6:invalid-argument-count', '7:invalid-argument-count']);
  assert.match(diags[0].message, /invalid number of arguments in "ssl_stapling" directive: got 0, expected ssl_stapling on \| off/);
});

test('invalid-argument-count: near misses stay silent (optional args, 1MORE, blocks, include handled by the loader)', () => {
  const text = MAIN('server {\n listen 443 ssl http2 default_server;\n add_header X y always;\n ssl_protocols TLSv1.2 TLSv1.3;\n location = /a { return 204; }\n location /b { return 301 https://x; }\n error_page 404 500 502 /e.html;\n}');
  assert.deepEqual(check(text).found, []);
});

test('duplicate-directive: a set-slot directive twice in one block, with a removal fix', () => {
  const text = MAIN('server {\n ssl_stapling on;\n ssl_stapling off;\n}');
  const { found, diags } = check(text);
  assert.deepEqual(found, ['5:duplicate-directive']);
  assert.equal(diags[0].related[0].start, text.indexOf('ssl_stapling on'));
  assert.equal(applyEdits(text, diags[0].fixes[0].edits), MAIN('server {\n ssl_stapling on;\n}'));
});

test('duplicate-directive: near misses stay silent (array directives, other blocks, a file included twice)', () => {
  const files = {
    '/conf/nginx.conf': MAIN('ssl_stapling on;\nserver {\n ssl_stapling on;\n ssl_certificate a.pem;\n ssl_certificate b.pem;\n add_header A b;\n add_header C d;\n ssl_protocols TLSv1.2;\n location / { include loc.conf; }\n location /x { include loc.conf; }\n}'),
    '/conf/loc.conf': 'root /srv;\nexpires 1d;\ngzip on;\n',
  };
  assert.deepEqual(runDirectiveChecks(memoryTree(files)).map((d) => d.message), []);
  const twice = { ...files, '/conf/nginx.conf': MAIN('server {\n include loc.conf;\n include loc.conf;\n}') };
  // root, expires and gzip again (nginx 1.22.1 stops at the first: "root" directive is duplicate in loc.conf:1).
  assert.deepEqual(runDirectiveChecks(memoryTree(twice)).map((d) => d.code), ['duplicate-directive', 'duplicate-directive', 'duplicate-directive']);
});

test('missing-semicolon: reported at the end of the first line, with a fix inserting ";"', () => {
  const text = MAIN('server {\n ssl_certificate /a.pem\n ssl_certificate_key /a.key;\n}');
  const { found, diags } = check(text);
  assert.deepEqual(found, ['4:missing-semicolon']);
  assert.equal(diags[0].start, text.indexOf('/a.pem') + '/a.pem'.length);
  assert.equal(diags[0].severity, 'error');
  assert.equal(applyEdits(text, diags[0].fixes[0].edits), MAIN('server {\n ssl_certificate /a.pem;\n ssl_certificate_key /a.key;\n}'));
});

test('missing-semicolon: no fix when the ";" would set a single-valued directive twice (a corpus file showed it)', () => {
  const { found, diags } = check(MAIN('server {\n ssl_ciphers HIGH:!aNULL\n # ssl_ciphers RC4;\n ssl_ciphers EECDH:!aNULL;\n}'));
  assert.deepEqual(found, ['4:missing-semicolon']);
  assert.deepEqual(diags[0].fixes, []);
  assert.match(diags[0].message, /would be set twice in this block/);
});

test('missing-semicolon: a warning when nginx accepts the run-on line (server_name takes any number of words) and silently drops the next directive', () => {
  const { found, diags } = check(MAIN('server {\n server_name wiki.host.org\n root /srv/wiki;\n}'));
  assert.deepEqual(found, ['4:missing-semicolon']);
  assert.equal(diags[0].severity, 'warning');
  assert.match(diags[0].message, /nginx -t accepts that, so nothing fails, but "root" is never applied/);
  assert.equal(diags[0].fixes.length, 1);
});

test('missing-semicolon: a run-on into a block directive and into an upstream server', () => {
  const { found } = check(MAIN('upstream u {\n server a:1\n server b:2;\n}\nserver {\n server_name a.example\n location / { }\n}'));
  assert.deepEqual(found, ['4:missing-semicolon', '8:missing-semicolon']);
});

test('missing-semicolon: wrapped arguments stay silent', () => {
  const text = MAIN([
    "log_format main '$remote_addr'\n   '$status';",
    'server {',
    ' listen 443 ssl\n   http2;',
    ' server_name a.example\n   b.example;',
    ' ssl_ciphers\n   HIGH:!aNULL;',
    ' add_header Content-Security-Policy\n   "default-src self";',
    '}',
  ].join('\n'));
  assert.deepEqual(check(text).found, []);
});

test('severity overrides and off', () => {
  const text = MAIN('server {\n ssl_staple on;\n}');
  assert.equal(check(text, undefined, { severities: { 'unknown-directive': 'error' } }).diags[0].severity, 'error');
  assert.deepEqual(check(text, undefined, { severities: { 'unknown-directive': 'off' } }).found, []);
});

const skip = corpusSkip('NGINX_T_RESULTS.tsv');
const CONTEXT_CODES = new Set(['directive-not-allowed-here', 'invalid-argument-count']);

test('corpus: files nginx -t accepts have no directive-not-allowed-here or invalid-argument-count', { skip }, () => {
  const ok = [...nginxResults()].filter(([, r]) => r.cls === 'OK').map(([p]) => p);
  assert.ok(ok.length >= 40);
  const host = createNodeHost();
  for (const rel of ok) {
    const diags = runDirectiveChecks(loadConfig(path.join(CORPUS_DIR, rel), { host })).filter((d) => d.severity === 'error');
    assert.deepEqual(diags.map((d) => `${d.code}: ${d.message}`), [], rel);
  }
});

test('corpus: files nginx -t rejects as "not allowed here" / "invalid number of arguments" / "duplicate" get it on the same line', { skip }, () => {
  const host = createNodeHost();
  let compared = 0;
  for (const [rel, message] of nginxFirstErrors()) {
    if (!/is not allowed here|invalid number of arguments|directive is duplicate/.test(message)) continue;
    const m = /in (\S+):(\d+)$/.exec(message);
    if (!m) continue;
    const file = path.join(CORPUS_DIR, m[1]);
    const line = Number(m[2]);
    const tree = loadConfig(path.join(CORPUS_DIR, rel), { host });
    const text = tree.files.get(file)?.text ?? '';
    const index = new LineIndex(text);
    const parsed = parseConfig(text, file);
    const diags = runDirectiveChecks(tree).filter((d) => d.file === file && (CONTEXT_CODES.has(d.code) || d.code === 'missing-semicolon' || d.code === 'duplicate-directive'));
    // nginx reports the line where the statement ends; a missing ";" explains an argument count
    // error reported on the line of the run-on statement's end.
    const endLine = (d: ConfigDiagnostic): number => {
      let last = index.positionAt(d.end).line + 1;
      const visit = (list: typeof parsed.directives): void => {
        for (const x of list) {
          if (x.start <= d.start && d.start <= x.end && !x.block) last = index.positionAt(x.end).line + 1;
          if (x.block) visit(x.block.children);
        }
      };
      if (d.code === 'missing-semicolon') visit(parsed.directives);
      return last;
    };
    const hit = diags.some((d) => index.positionAt(d.start).line + 1 === line || endLine(d) === line);
    assert.ok(hit, `${rel}: nginx says "${message}", we found ${diags.map((d) => `${index.positionAt(d.start).line + 1}:${d.code}`).join(', ') || 'nothing'}`);
    compared++;
  }
  assert.ok(compared >= 8, `compared ${compared}`);
});

test('performance: the 35k-line corpus file is checked in well under a second', { skip }, () => {
  const file = path.join(CORPUS_DIR, 'nginxinc__nginx-go-crossplane/testdata/configs/large-config/nginx.conf');
  const tree = loadConfig(file, { host: createNodeHost() });
  runDirectiveChecks(tree);
  const t0 = process.hrtime.bigint();
  const diags = runDirectiveChecks(tree);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(ms < 1000, `${ms} ms`);
  assert.ok(diags.every((d) => d.code === 'unknown-directive' && d.severity === 'information'), diags.filter((d) => d.severity !== 'information').map((d) => d.message).slice(0, 3).join('; '));
});

test('a "}" missing: the first directive out of place is reported where nginx -t stops, with the hint; later ones are not', () => {
  // nginx 1.22.1: [emerg] "server" directive is not allowed here in ...:8
  const text = 'events {}\nhttp {\n  server {\n    listen 8080;\n    location /a {\n      root /tmp;\n  }\n  server {\n    listen 8081;\n  }\n  server {\n    listen 8082;\n  }\n}\n';
  const { found, diags } = check(text);
  assert.deepEqual(found, ['8:directive-not-allowed-here']);
  assert.match(diags[0].message, /a "\}" is probably missing above this line \(the file ends inside "http" of line 2, never closed\)/);
  // Near miss: with the "}" the same servers are fine.
  assert.deepEqual(check(text.replace('      root /tmp;\n', '      root /tmp;\n    }\n')).found, []);
});

test('block structure: a "{" after a directive that takes none, and no spurious argument count for a block directive ended by ";"', () => {
  const structure = (text: string): string[] => checkBlockStructure(memoryTree({ '/conf/nginx.conf': text })).map((d) => `${new LineIndex(text).positionAt(d.start).line + 1}:${d.message}`);
  // nginx 1.22.1: [emerg] directive "listen" is not terminated by ";" in ...:4
  assert.deepEqual(structure('events {}\nhttp {\n  server {\n    listen 8080{\n    server_name a;\n  }\n}\n'), ['4:directive "listen" is not terminated by ";"']);
  assert.deepEqual(structure('events {}\nhttp {\n  server {\n    listen 8080;\n  }\n}\n'), []);
  // nginx 1.22.1: [emerg] directive "location" has no opening "{" in ...:6; the run-on words are no argument count error.
  const noBrace = 'events {}\nhttp {\n  server {\n    location /a\n      root /tmp;\n  }\n}\n';
  assert.deepEqual(structure(noBrace), ['5:directive "location" has no opening "{"']);
  assert.deepEqual(check(noBrace).found, []);
});

test('unknown-directive suggests only names that take a block as the unknown one has one (or not)', () => {
  const { diags } = check(MAIN('geoip2 /etc/GeoLite2-City.mmdb {\n  $geoip2_city city names en;\n}\nserver {\n  geoip2_proxy 10.0.0.0/8;\n}'));
  const byName = new Map(diags.filter((d) => d.code === 'unknown-directive').map((d) => [d.message.match(/"([^"]+)"/)?.[1], d.fixes.map((f) => f.edits[0].newText)]));
  assert.ok(!(byName.get('geoip2') ?? []).includes('geoip_city'), JSON.stringify([...byName]));
  assert.ok((byName.get('geoip2_proxy') ?? []).includes('geoip_proxy'), JSON.stringify([...byName]));
});

test('duplicate-directive: root, alias and the complex-value and path directives refuse a second use too (audit against nginx -t)', () => {
  // nginx 1.22.1: "root" directive is duplicate; "alias" directive is duplicate, "root" directive was specified earlier; "limit_rate" directive is duplicate
  const { found, diags } = check(MAIN('server {\n root /a;\n location / {\n  root /b;\n  root /c;\n }\n location /x {\n  root /d;\n  alias /e;\n  limit_rate 1k;\n  limit_rate 2k;\n  auth_basic x;\n  auth_basic y;\n }\n client_body_temp_path /t1;\n client_body_temp_path /t2;\n}'));
  assert.deepEqual(found, ['7:duplicate-directive', '11:duplicate-directive', '13:duplicate-directive', '15:duplicate-directive', '18:duplicate-directive']);
  assert.match(diags[1].message, /"alias" directive is duplicate, "root" directive was specified earlier/);
  // Near misses: one root per block, and directives nginx allows again (add_header, proxy_set_header).
  assert.deepEqual(check(MAIN('server {\n root /a;\n location / {\n  root /b;\n  add_header A b;\n  add_header C d;\n  proxy_set_header A b;\n  proxy_set_header C d;\n }\n}')).found, []);
});

test('invalid-argument-value: flags, names and sizes nginx refuses, and their near misses (each measured with nginx -t 1.22.1)', () => {
  const codes = (line: string): string[] => check(MAIN(line)).found;
  // nginx: invalid value "yes" in "gzip" directive, it must be "on" or "off"
  assert.deepEqual(codes('gzip yes;'), ['3:invalid-argument-value']);
  assert.deepEqual(codes('gzip ON;'), []);
  assert.deepEqual(codes('proxy_buffering "on";'), []);
  // nginx: invalid value "TLSv1.4"; names compare without case
  assert.deepEqual(codes('ssl_protocols TLSv1.2 TLSv1.4;'), ['3:invalid-argument-value']);
  assert.deepEqual(codes('ssl_protocols tlsv1.2;'), []);
  assert.deepEqual(codes('server {\n ssl_verify_client maybe;\n}'), ['4:invalid-argument-value']);
  assert.deepEqual(codes('server {\n ssl_verify_client optional_no_ca;\n}'), []);
  // nginx: "client_max_body_size" directive invalid value
  assert.deepEqual(codes('client_max_body_size 10mb;'), ['3:invalid-argument-value']);
  assert.deepEqual(codes('client_max_body_size 10m;'), []);
  assert.deepEqual(codes('client_max_body_size 1g;'), []);
  assert.deepEqual(codes('client_max_body_size 0;'), []);
  const { diags } = check(MAIN('gzip yes;'));
  assert.equal(diags[0].message, 'invalid value "yes" in "gzip" directive, it must be "on" or "off"');
});

test('duplicate-directive: the same socket twice in a server, the same exact or prefix location twice in a block (each as nginx -t 1.22.1 says it)', () => {
  const found = (body: string): string[] => check(MAIN(`server {\n${body}\n}`)).found;
  // nginx: a duplicate listen 0.0.0.0:8080 (however written, ssl or not)
  assert.deepEqual(found(' listen 8080;\n listen 0.0.0.0:8080 ssl;'), ['5:duplicate-directive']);
  assert.deepEqual(found(' listen 8080;\n listen 127.0.0.1:8080;\n listen [::]:8080;'), []);
  // nginx: duplicate location "/a"; "/a" and "^~ /a" are both prefix locations
  assert.deepEqual(found(' location /a { }\n location ^~ /a { }'), ['5:duplicate-directive']);
  assert.deepEqual(found(' location = /a { }\n location =/a { }'), ['5:duplicate-directive']);
  // Near misses nginx accepts: exact and prefix of one name, regex and named locations twice, /a/ and /a.
  assert.deepEqual(found(' location = /a { }\n location /a { }\n location ~ /a { }\n location ~ /a { }\n location @x { }\n location @x { }\n location /a/ { }'), []);
  const { diags } = check(MAIN('server {\n listen 8080;\n listen 8080;\n}'));
  assert.equal(diags[0].message, 'a duplicate listen 0.0.0.0:8080: this server already listens there, and nginx -t fails');
});

test('invalid-argument-value: a location modifier nginx does not know (nginx: invalid location modifier "==")', () => {
  assert.deepEqual(check(MAIN('server {\n location == /a { }\n location ~* \\.php$ { }\n}')).found, ['4:invalid-argument-value']);
});

test('block structure: a word that fills nginx\'s 4096-byte read buffer (too long parameter), at the measured bounds', () => {
  const structure = (word: string): string[] => checkBlockStructure(memoryTree({ '/conf/nginx.conf': MAIN(`add_header Content-Security-Policy ${word};`) })).map((d) => d.message.split(':')[0]);
  // nginx 1.22.1: 4095 bare bytes pass, 4096 fail; inside quotes 4094 pass, 4095 fail (the opening quote counts).
  assert.deepEqual(structure('a'.repeat(4095)), []);
  assert.deepEqual(structure('a'.repeat(4096)), ['a word of 4096 bytes']);
  assert.deepEqual(structure(`"${'b'.repeat(4094)}"`), []);
  assert.deepEqual(structure(`"${'b'.repeat(4095)}"`), ['a word of 4096 bytes']);
  // Bytes, not characters: 1366 three-byte characters are 4098 bytes.
  assert.deepEqual(structure('€'.repeat(1366)), ['a word of 4098 bytes']);
});

test('invalid-argument-value: an if condition without its parentheses (each as nginx -t 1.22.1 says it)', () => {
  const found = (line: string): string[] => check(MAIN(`server {\n location / {\n  ${line}\n }\n}`)).found;
  // nginx: invalid condition "POST"; invalid condition "$host"
  assert.deepEqual(found('if ($request_method = POST { return 405; }'), ['5:invalid-argument-value']);
  assert.deepEqual(found('if $host = x { return 405; }'), ['5:invalid-argument-value']);
  // nginx: invalid condition ")"
  assert.deepEqual(found('if () { return 405; }'), ['5:invalid-argument-value']);
  assert.deepEqual(found('if ( ) { return 405; }'), ['5:invalid-argument-value']);
  // Near misses nginx reads as conditions.
  for (const ok of ['if (-f $request_filename) { return 405; }', 'if ( $http_x ) { return 405; }', 'if ($http_x ~* "^x(y)$") { return 405; }', 'if ($http_x = "b" ) { return 405; }']) assert.deepEqual(found(ok), [], ok);
  const { diags } = check(MAIN('server {\n if ($request_method = POST { return 405; }\n}'));
  assert.equal(diags[0].message, 'invalid condition "POST": the condition\'s ")" is missing');
});

test('invalid-argument-value: listen parameters nginx does not know (each as nginx -t 1.22.1 says it)', () => {
  const found = (params: string, settings = {}): string[] => check(MAIN(`server {\n listen 443 ${params};\n}`), undefined, settings).found;
  // nginx: invalid parameter "spdy", "http3", "bogus"; and "quic" before 1.25.0
  assert.deepEqual(found('ssl spdy'), ['4:invalid-argument-value']);
  assert.deepEqual(found('ssl http3'), ['4:invalid-argument-value']);
  assert.deepEqual(found('ssl bogus'), ['4:invalid-argument-value']);
  assert.deepEqual(found('quic', { nginxVersion: '1.22.1' }), ['4:invalid-argument-value']);
  // Near misses nginx accepts (or ignores on this platform only).
  assert.deepEqual(found('quic', { nginxVersion: '1.26.3' }), []);
  assert.deepEqual(found('quic'), [], 'the version unknown: not judged');
  assert.deepEqual(found('ssl http2 default_server deferred reuseport backlog=511 rcvbuf=8k sndbuf=8k so_keepalive=on ipv6only=on fastopen=256 proxy_protocol bind setfib=1 accept_filter=dataready'), []);
  assert.match(check(MAIN('server {\n listen 443 ssl spdy;\n}')).diags[0].message, /invalid parameter "spdy" of "listen": SPDY was replaced by HTTP\/2 in nginx 1\.9\.5 \(use http2\)/);
});

test('missing-semicolon: an error where nginx checks the swallowed words (listen, access_log, error_page, resolver, ssl_protocols), a warning only for free words', () => {
  const severity = (body: string): string[] => check(MAIN(`server {\n listen 8081;\n${body}\n}`)).diags.filter((d) => d.code === 'missing-semicolon').map((d) => d.severity);
  // nginx 1.22.1: invalid parameter "server_name"; unknown log format "error_log"; invalid value "/404.html"; host not found in resolver
  assert.deepEqual(severity(' listen 8082\n server_name x;'), ['error']);
  assert.deepEqual(severity(' access_log /tmp/a.log\n error_log /tmp/e.log;'), ['error']);
  assert.deepEqual(severity(' error_page 404 /404.html\n root /tmp;'), ['error']);
  assert.deepEqual(severity(' resolver 127.0.0.1\n resolver_timeout 5s;'), ['error']);
  assert.deepEqual(severity(' ssl_protocols TLSv1.2 TLSv1.3\n ssl_prefer_server_ciphers on;'), ['error']);
  // nginx -t passes these: the words are taken as they come.
  assert.deepEqual(severity(' index a.html\n root /tmp;'), ['warning']);
  assert.deepEqual(severity(' gzip_types text/css\n gzip on;'), ['warning']);
});

test('listen parameters compare with case, as nginx does (invalid parameter "SSL"); a comment of 4096 bytes is too long for nginx', () => {
  assert.deepEqual(check(MAIN('server {\n listen 8084 SSL;\n}')).found, ['4:invalid-argument-value']);
  const structure = (text: string): string[] => checkBlockStructure(memoryTree({ '/conf/nginx.conf': text })).map((d) => d.message.split(':')[0]);
  // nginx 1.22.1: a comment of 4095 bytes passes, 4096 ("#" included) fails.
  assert.deepEqual(structure(MAIN(`#${'x'.repeat(4094)}`)), []);
  assert.deepEqual(structure(MAIN(`#${'x'.repeat(4095)}`)), ['a comment of 4096 bytes']);
});
