// In-process fuzzing over mutated corpus files: parse + load + analyse + fixes, checking the
// contract (no throw, ranges inside the document with start ≤ end, positions as LSP counts them,
// messages without half characters, no input over 2 s).
// Run: npm run fuzz -- --seconds N [--seed S] [--max-bytes B]   (crashes are saved to out/fuzz/)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeTree } from '../server/src/service/analyzeTree';
import type { ConfigDiagnostic } from '../server/src/service/diagnostics';
import { planFixes } from '../server/src/service/fixes/applyFixes';
import { LineIndex } from '../server/src/service/lineIndex';
import type { ConfigHost } from '../server/src/service/model/configHost';
import { loadConfig } from '../server/src/service/model/loadConfig';
import { parseConfig } from '../server/src/service/parser/parseConfig';
import { MAX_MESSAGE_LENGTH } from '../server/src/service/quote';

// Resolved from the repository root (where npm runs scripts), as the tests resolve ../shared/corpus.
const CORPUS = path.resolve(process.env.NGINX_TLS_CORPUS ?? '../shared/corpus');
const MAX_INPUT_MS = 2000;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A small fast PRNG (xorshift32), so a run is reproducible from its seed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const TOKENS = ['{', '}', ';', '"', "'", '\\', '\r', '\n', '\r\n', '#', '$', '${', 'include ', '*', '?', '[', 'server {', 'listen 443 ssl;', 'ssl_stapling on;', 'ssl_session_tickets off;',
  'ssl_protocols TLSv1.3;', 'default_server', 'location / {', 'if ($x) {', 'content_by_lua_block {', '\u{1F600}', '\ud800', '\udc00', '\u00e9', '\0', ' ', '\t', 'server_tokens off;', 'http {', 'events {}', 'map $a $b {'];

function corpusTexts(maxBytes: number): string[] {
  const manifest = fs.readFileSync(path.join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]);
  const out: string[] = [];
  for (const rel of manifest) {
    try {
      const text = fs.readFileSync(path.join(CORPUS, rel), 'utf8');
      if (!text.includes('PRIVATE KEY')) out.push(text.length > maxBytes * 8 ? text.slice(0, maxBytes * 8) : text);
    } catch {
      // A corpus entry that is not a readable file is skipped.
    }
  }
  return out;
}

function mutate(texts: readonly string[], rnd: () => number, maxBytes: number): string {
  const pick = (n: number): number => Math.floor(rnd() * n);
  const source = texts[pick(texts.length)];
  const start = source.length > maxBytes ? pick(source.length - maxBytes) : 0;
  let text = source.slice(start, start + 1 + pick(maxBytes));
  const rounds = 1 + pick(6);
  for (let r = 0; r < rounds; r++) {
    const at = pick(text.length + 1);
    switch (pick(6)) {
      case 0: text = text.slice(0, at) + TOKENS[pick(TOKENS.length)] + text.slice(at); break;
      case 1: text = text.slice(0, at) + text.slice(at + 1 + pick(20)); break;
      case 2: text = text.slice(0, at) + String.fromCharCode(pick(0x80)) + text.slice(at + 1); break;
      case 3: { const other = texts[pick(texts.length)]; const o = pick(other.length); text = text.slice(0, at) + other.slice(o, o + pick(200)) + text.slice(at); break; }
      case 4: { const len = pick(40); text = text.slice(0, at) + text.slice(at, at + len).repeat(1 + pick(4)) + text.slice(at + len); break; }
      default: text = text.slice(0, at) + TOKENS[pick(TOKENS.length)].repeat(1 + pick(8)) + text.slice(at); break;
    }
  }
  return text;
}

const FILE = '/fuzz/nginx.conf';

function memoryHost(text: string): ConfigHost {
  return {
    readFile: (f) => (f === FILE ? { kind: 'text', text, version: '1' } : { kind: 'error', reason: 'not-found', message: `no ${f}` }),
    listDirectory: () => undefined,
    exists: (f) => f === FILE,
    realpath: (f) => f,
  };
}

function isHigh(c: number): boolean { return c >= 0xd800 && c <= 0xdbff; }
function isLow(c: number): boolean { return c >= 0xdc00 && c <= 0xdfff; }

/** The contract breaks of one finding, as messages (empty when it keeps the contract). */
function contractBreaks(d: ConfigDiagnostic, text: string, index: LineIndex): string[] {
  const out: string[] = [];
  const checkRange = (what: string, start: number, end: number): void => {
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= text.length)) out.push(`${what}: offsets ${start}..${end} outside 0..${text.length} or reversed`);
    const a = index.positionAt(start);
    const b = index.positionAt(end);
    if (a.line > b.line || (a.line === b.line && a.character > b.character)) out.push(`${what}: start position after end`);
    for (const p of [a, b]) {
      const o = index.offsetAt(p);
      if (o < 0 || o > text.length) out.push(`${what}: position ${p.line}:${p.character} outside the text`);
      if (p.line >= index.lineCount) out.push(`${what}: line ${p.line} past the last line`);
      if (o > 0 && text.charCodeAt(o - 1) === 13 && text.charCodeAt(o) === 10) out.push(`${what}: position between CR and LF`);
      if (o > 0 && isHigh(text.charCodeAt(o - 1)) && isLow(text.charCodeAt(o))) out.push(`${what}: position inside a surrogate pair`);
      if (index.offsetAt(index.positionAt(o)) !== o) out.push(`${what}: position ${p.line}:${p.character} does not round-trip`);
    }
  };
  if (d.file === FILE) checkRange(`${d.code} range`, d.start, d.end);
  for (const f of d.fixes) for (const e of f.edits) if (e.file === FILE) checkRange(`${d.code} fix edit`, e.start, e.end);
  for (let i = 0; i < d.message.length; i++) {
    const c = d.message.charCodeAt(i);
    if ((isHigh(c) && !isLow(d.message.charCodeAt(i + 1))) || (isLow(c) && !isHigh(d.message.charCodeAt(i - 1)))) out.push(`${d.code} message: half a character at ${i}`);
  }
  if (d.message.length > MAX_MESSAGE_LENGTH) out.push(`${d.code} message: ${d.message.length} characters`);
  return out;
}

function runOne(text: string): string[] {
  parseConfig(text, FILE);
  const tree = loadConfig(FILE, { host: memoryHost(text) });
  const diagnostics = analyzeTree(tree, { readCertificates: false });
  const index = new LineIndex(text);
  const breaks = diagnostics.flatMap((d) => contractBreaks(d, text, index));
  planFixes(diagnostics, (f) => (f === FILE ? text : undefined));
  return breaks;
}

function main(): void {
  if (!fs.existsSync(path.join(CORPUS, 'MANIFEST.tsv'))) {
    process.stderr.write(`corpus not found at ${CORPUS}\n`);
    process.exitCode = 2;
    return;
  }
  const seconds = option('seconds', 60);
  const seed = option('seed', Date.now() % 2 ** 31);
  const maxBytes = option('max-bytes', 2048);
  const texts = corpusTexts(maxBytes);
  const rnd = random(seed);
  const outDir = path.resolve('out/fuzz');
  const deadline = performance.now() + seconds * 1000;
  let inputs = 0;
  let crashes = 0;
  let breaks = 0;
  let slow = 0;
  let slowest = 0;
  const save = (kind: string, text: string, detail: string): void => {
    fs.mkdirSync(outDir, { recursive: true });
    // JSON keeps lone surrogates, which a UTF-8 file would replace.
    const file = path.join(outDir, `${kind}-${seed}-${inputs}.json`);
    fs.writeFileSync(file, JSON.stringify(text));
    process.stderr.write(`${kind}: ${detail.split('\n')[0]} (input saved to ${path.relative(process.cwd(), file)})\n`);
  };
  while (performance.now() < deadline) {
    const text = mutate(texts, rnd, maxBytes);
    const started = performance.now();
    try {
      const found = runOne(text);
      if (found.length) {
        breaks++;
        if (breaks <= 20) save('contract', text, found[0]);
      }
    } catch (err) {
      crashes++;
      if (crashes <= 20) save('crash', text, (err as Error)?.stack ?? String(err));
    }
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    if (ms > MAX_INPUT_MS) {
      slow++;
      save('slow', text, `${ms.toFixed(0)} ms`);
    }
    inputs++;
  }
  process.stdout.write(`${inputs} inputs in ${seconds} s (${Math.round(inputs / seconds)}/s, seed ${seed}): ${crashes} crashes, ${breaks} contract breaks, ${slow} over ${MAX_INPUT_MS} ms (slowest ${slowest.toFixed(0)} ms)\n`);
  process.exitCode = crashes || breaks || slow ? 1 : 0;
}

main();
