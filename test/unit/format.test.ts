import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyFormatEdits, checkSameTokens, formatDocument, formatOnType, formatRange, type FormatOptions } from '../../server/src/service/format';
import type { Directive } from '../../server/src/service/parser/ast';
import { parseConfig } from '../../server/src/service/parser/parseConfig';
import { CORPUS_DIR, corpusFiles, nginxResults } from '../support/corpus';
import { bundleCli } from '../support/cliBundle';
import { findNginx } from '../support/nginxBinary';

const FIXTURES = path.resolve(__dirname, '../fixtures/format');
const SPACES_4: FormatOptions = { tabSize: 4, insertSpaces: true };
/** Fixtures formatted with other than the default options. */
const FIXTURE_OPTIONS: Record<string, FormatOptions> = { 'align.conf': { ...SPACES_4, alignArguments: true } };

function format(text: string, options: FormatOptions = SPACES_4): string {
  return applyFormatEdits(text, formatDocument(text, options).edits);
}

/** What nginx reads, listed independently of the formatter: words, `;`, braces, Lua bodies. */
function wordsOf(text: string): string[] {
  const out: string[] = [];
  const visit = (list: readonly Directive[]): void => {
    for (const d of list) {
      out.push(d.nameToken.raw, ...d.args.map((a) => a.raw));
      if (d.luaBody) out.push(`lua:${text.slice(d.luaBody.start, d.luaBody.end)}`);
      else if (d.block) {
        out.push('{');
        visit(d.block.children);
        out.push(d.block.close === undefined ? '<eof>' : '}');
      } else out.push(d.semicolon === undefined ? '<no ;>' : ';');
    }
  };
  visit(parseConfig(text, '').directives);
  return out;
}

function commentsOf(text: string): string[] {
  return parseConfig(text, '').comments.map((c) => c.text);
}

/** The formatter's promises for one text: same words, same comments in order, only whitespace moved, idempotent. */
function assertSafe(text: string, label: string, options: FormatOptions = SPACES_4): string {
  const result = formatDocument(text, options);
  assert.ok(!result.refused, `${label}: ${result.reason}`);
  const out = applyFormatEdits(text, result.edits);
  assert.deepEqual(wordsOf(out), wordsOf(text), `${label}: the words changed`);
  assert.deepEqual(commentsOf(out), commentsOf(text), `${label}: the comments changed`);
  assert.equal(out.replace(/[ \t\r\n]/g, ''), text.replace(/[ \t\r\n]/g, ''), `${label}: more than whitespace changed`);
  assert.deepEqual(formatDocument(out, options).edits, [], `${label}: not idempotent`);
  return out;
}

function fixtureNames(): string[] {
  return fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.conf') && !f.endsWith('.formatted.conf')).sort();
}

for (const name of fixtureNames()) {
  const expectedFile = path.join(FIXTURES, name.replace(/\.conf$/, '.formatted.conf'));
  if (!fs.existsSync(expectedFile)) continue;
  test(`fixture ${name}: formats to ${path.basename(expectedFile)}, reads the same, idempotent`, () => {
    const input = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    const options = FIXTURE_OPTIONS[name] ?? SPACES_4;
    assert.equal(assertSafe(input, name, options), fs.readFileSync(expectedFile, 'utf8'));
  });
}

test('every fixture (inputs included) reads the same after formatting, with and without tabs and alignment', () => {
  for (const name of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.conf'))) {
    const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    assertSafe(text, name);
    assertSafe(text, `${name} (tabs)`, { tabSize: 8, insertSpaces: false });
    assertSafe(text, `${name} (2 spaces, aligned)`, { tabSize: 2, insertSpaces: true, alignArguments: true });
  }
});

test('a syntax error: formatted up to the statement before it, and the reason says where', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'syntax-error.conf'), 'utf8');
  const result = formatDocument(text, SPACES_4);
  assert.match(result.reason ?? '', /^formatted up to line 6 only: syntax error on line 8: unexpected "}"/);
  const out = applyFormatEdits(text, result.edits);
  const tail = text.slice(result.stoppedAt);
  assert.ok(tail.includes('listen 81') && out.endsWith(tail), 'the text from the stop on is as written');
  const bom = formatDocument('\ufeffuser  x;\n', SPACES_4);
  assert.deepEqual(bom.edits, []);
  assert.match(bom.reason ?? '', /^not formatted: syntax error on line 1/);
});

test('range formatting in the middle of a block: only the statements the range touches, nothing duplicated', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'range-middle.conf'), 'utf8');
  const start = text.indexOf('server_name') + 3;
  const end = text.indexOf('\n', text.indexOf('location'));
  const result = formatRange(text, { start, end }, SPACES_4);
  assert.equal(result.reason, undefined);
  assert.equal(applyFormatEdits(text, result.edits), [
    'http {',
    '  server {',
    '  listen   80;',
    '        server_name a.example b.example;',
    '        location / {',
    '            root /srv;',
    '        }',
    '      return   204;',
    '  }',
    '}',
    '',
  ].join('\n'));
  const cursor = formatRange(text, { start: text.indexOf('return'), end: text.indexOf('return') }, SPACES_4);
  assert.equal(applyFormatEdits(text, cursor.edits).split('\n')[5], '        return 204;');
  assert.deepEqual(formatRange(text, { start: 0, end: 0 }, SPACES_4).edits.length, 0, 'http { is already formatted');
  const header = formatRange(text, { start: text.indexOf('location'), end: text.indexOf('location') + 3 }, SPACES_4);
  assert.equal(applyFormatEdits(text, header.edits).split('\n')[4], '        location / {    root /srv;   }', 'a block statement\'s header alone');
});

test('on type: ";" formats its statement, "}" the whole block it closes', () => {
  const text = 'http {\n  server {\n     listen    80;\n  location / {\n root /x;\n   }\n  }\n}\n';
  const semi = text.indexOf('80;') + 3;
  assert.equal(applyFormatEdits(text, formatOnType(text, semi, ';', SPACES_4).edits), text.replace('     listen    80;', '        listen 80;'));
  const close = text.indexOf('   }') + 4;
  assert.equal(applyFormatEdits(text, formatOnType(text, close, '}', SPACES_4).edits),
    text.replace('  location / {\n root /x;\n   }', '        location / {\n            root /x;\n        }'));
  assert.deepEqual(formatOnType(text, 3, ';', SPACES_4).edits, []);
});

test('tabs, CRLF line endings and a missing final newline', () => {
  assert.equal(format('a {\r\nb  c;\r\n\r\n\r\n}', { tabSize: 4, insertSpaces: false }), 'a {\r\n\tb c;\r\n}\r\n');
  assert.equal(format('if ($a = "x"){return 403;}'), 'if ($a = "x") {\n    return 403;\n}\n');
  assert.equal(format(''), '');
  assert.equal(format('  \n\n'), '  \n\n');
});

test('the guarantee check sees every change nginx would read differently', () => {
  assert.equal(checkSameTokens('a  b;\n', 'a b;'), undefined);
  assert.match(checkSameTokens('a "b c";', 'a "b  c";') ?? '', /token 2 differs/);
  assert.match(checkSameTokens('a "b";', 'a b;') ?? '', /token 2 differs/);
  assert.match(checkSameTokens('a b\\ c;', 'a b\\  c;') ?? '', /differs/);
  assert.match(checkSameTokens('a b; # x', 'a b; #  x') ?? '', /comment/);
  assert.match(checkSameTokens('a ${b}c;', 'a $ {b}c;') ?? '', /differs|count/);
  assert.match(checkSameTokens('a {}', 'a {') ?? '', /count|syntax/);
});

const hasCorpus = fs.existsSync(path.join(CORPUS_DIR, 'MANIFEST.tsv'));
const skipCorpus = hasCorpus ? false : `corpus not found at ${CORPUS_DIR}`;

/** A corpus file's text in an encoding that writes back byte for byte (Latin-1 where it is not UTF-8). */
function readCorpusText(file: string): string | undefined {
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, 8000).includes(0)) return undefined;
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : bytes.toString('latin1');
}

test('corpus: every file reads the same after formatting, comments kept in order, idempotent', { skip: skipCorpus }, (t) => {
  const files = corpusFiles();
  assert.ok(files.length >= 700, `expected the 774-file corpus, found ${files.length}`);
  let changed = 0;
  let partial = 0;
  let untouched = 0;
  for (const rel of files) {
    const text = readCorpusText(path.join(CORPUS_DIR, rel));
    if (text === undefined) continue;
    const result = formatDocument(text, SPACES_4);
    if (result.reason) (result.edits.length ? partial++ : untouched++);
    if (result.edits.length) changed++;
    assertSafe(text, rel);
  }
  t.diagnostic(`format over ${files.length} corpus files: token stream identical, comments kept, idempotent in all; ${changed} changed, ${partial} formatted up to a syntax error, ${untouched} left as they are (syntax error before any statement)`);
});

/**
 * `nginx -t` as NGINX_T_RESULTS.tsv ran it (no network, as nobody, its own prefix), inside a mount
 * namespace whose /run, /var/log and /var/cache are empty and writable, so that the pid and log
 * files the configs name do not fail the test for reasons of this machine.
 */
const ISOLATED_NGINX_T = [
  'for d in /run /var/log /var/cache; do mount -t tmpfs -o mode=1777 tmpfs "$d" || exit 97; done',
  'mkdir -p -m 777 /var/log/nginx /var/cache/nginx',
  'exec setpriv --reuid=nobody "$1" -t -q -p "$2" -c "$3" -e "$2/err.log"',
].join('\n');

function nginxVerdict(nginx: string, root: string, rel: string): string {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-format-prefix-'));
  fs.chmodSync(prefix, 0o777);
  try {
    const r = spawnSync('unshare', ['-n', '-m', 'sh', '-c', ISOLATED_NGINX_T, 'sh', nginx, prefix, path.join(root, rel)], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) return 'ok';
    const emerg = /\[emerg\] (.*)$/m.exec(`${r.stdout}${r.stderr}`)?.[1] ?? `exit ${r.status}: ${r.stderr}`;
    return emerg.split(root).join('<root>').split(prefix).join('<prefix>');
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}

const nginx = findNginx();
const canIsolate = nginx !== undefined && spawnSync('unshare', ['-n', '-m', 'sh', '-c', 'mount -t tmpfs tmpfs /run && setpriv --reuid=nobody true']).status === 0;
const skipNginx = skipCorpus || (!nginx ? 'nginx is not installed (apt-get install nginx-light)' : !canIsolate ? 'unshare -n -m, mount and setpriv are not permitted here (they need root)' : false);

test('corpus: the files nginx -t accepted get the same nginx -t verdict after formatting', { skip: skipNginx }, (t) => {
  const accepted = [...nginxResults()].filter(([, r]) => r.cls === 'OK').map(([p]) => p);
  // Pass 2 of NGINX_T_RESULTS.tsv: load_module lines commented out where pass 1 failed on them.
  const pass2 = fs.readFileSync(path.join(CORPUS_DIR, 'NGINX_T_RESULTS.tsv'), 'utf8').split('\n')
    .map((l) => l.split('\t')).filter((c) => c[1] === 'MODULE(load_module)' && c[3] === 'OK').map((c) => c[0]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-format-corpus-'));
  t.after(() => fs.rmSync(work, { recursive: true, force: true }));
  fs.chmodSync(work, 0o755);
  const copies = new Map<string, { plain: string; formatted: string }>();
  const copyOf = (folder: string): { plain: string; formatted: string } => {
    let c = copies.get(folder);
    if (c) return c;
    c = { plain: path.join(work, 'plain', folder), formatted: path.join(work, 'formatted', folder) };
    fs.cpSync(path.join(CORPUS_DIR, folder), c.plain, { recursive: true });
    fs.cpSync(path.join(CORPUS_DIR, folder), c.formatted, { recursive: true });
    for (const entry of fs.readdirSync(c.formatted, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const text = readCorpusText(file);
      if (text === undefined) continue;
      const latin1 = !Buffer.from(text, 'utf8').equals(fs.readFileSync(file));
      fs.writeFileSync(file, Buffer.from(format(text), latin1 ? 'latin1' : 'utf8'));
    }
    copies.set(folder, c);
    return c;
  };
  let passed = 0;
  let failedAlike = 0;
  for (const rel of [...accepted, ...pass2]) {
    const folder = rel.split('/')[0];
    const inner = rel.slice(folder.length + 1);
    const c = copyOf(folder);
    if (pass2.includes(rel)) {
      for (const root of [c.plain, c.formatted]) {
        const file = path.join(root, inner);
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^(\s*)(load_module\b)/gm, '$1#$2'));
      }
    }
    const beforeVerdict = nginxVerdict(nginx as string, c.plain, inner);
    const afterVerdict = nginxVerdict(nginx as string, c.formatted, inner);
    assert.equal(afterVerdict, beforeVerdict, `${rel}: nginx -t before formatting: ${beforeVerdict}; after: ${afterVerdict}`);
    if (beforeVerdict === 'ok') passed++;
    else failedAlike++;
  }
  t.diagnostic(`nginx -t on the ${accepted.length + pass2.length} corpus files it accepted: ${passed} pass before and after formatting (every file of their folders formatted), ${failedAlike} fail identically before and after (the first [emerg] after the whole config was read: no events section, a bind to port 80 as nobody, a missing log folder), 0 differ`);
});

let work = '';
let cli = '';
before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-format-cli-'));
  cli = await bundleCli(work);
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'format', ...args], { encoding: 'utf8', cwd: work, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI: format --check, --diff, writing, --indent, and exit status 2 for usage and I/O errors', () => {
  const dir = path.join(work, 'conf');
  fs.mkdirSync(path.join(dir, 'sites-enabled'), { recursive: true });
  const messy = fs.readFileSync(path.join(FIXTURES, 'messy.conf'), 'utf8');
  fs.writeFileSync(path.join(dir, 'nginx.conf'), messy);
  fs.writeFileSync(path.join(dir, 'sites-enabled', 'default'), 'server {\n    listen 80;\n}\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not  a config\n');

  const check = runCli(['--check', dir]);
  assert.equal(check.status, 1, check.stderr);
  assert.equal(check.stdout, `would reformat ${path.join(dir, 'nginx.conf')}\n`);

  const diff = runCli(['--diff', path.join(dir, 'nginx.conf')]);
  assert.equal(diff.status, 0, diff.stderr);
  assert.match(diff.stdout, /^--- .*nginx\.conf\n\+\+\+ .*nginx\.conf\n@@ -1,\d+ \+1,\d+ @@\n/);
  assert.ok(diff.stdout.includes('\n-user www-data;worker_processes auto;\n') && diff.stdout.includes('\n+worker_processes auto;\n'), diff.stdout);
  assert.equal(fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8'), messy, '--diff writes nothing');

  const write = runCli([dir]);
  assert.equal(write.status, 0, write.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8'), fs.readFileSync(path.join(FIXTURES, 'messy.formatted.conf'), 'utf8'));
  assert.equal(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'not  a config\n');
  assert.equal(runCli(['--check', dir]).status, 0);

  const tabs = runCli(['--indent', 'tab', path.join(dir, 'sites-enabled', 'default')]);
  assert.equal(tabs.status, 0, tabs.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'sites-enabled', 'default'), 'utf8'), 'server {\n\tlisten 80;\n}\n');

  assert.equal(runCli(['--indent', '0', dir]).status, 2);
  assert.equal(runCli([]).status, 2);
  const missing = runCli([path.join(dir, 'absent.conf')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file or directory/);
});

test('CLI: a file with a syntax error is formatted up to it, and stderr says so', () => {
  const file = path.join(work, 'broken.conf');
  fs.copyFileSync(path.join(FIXTURES, 'syntax-error.conf'), file);
  const r = runCli([file]);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /broken\.conf: formatted up to line 6 only: syntax error on line 8/);
  assert.equal(fs.readFileSync(file, 'utf8'), fs.readFileSync(path.join(FIXTURES, 'syntax-error.formatted.conf'), 'utf8'));
});
