// The language server as an editor sees it, and the CLI against `nginx -t`: one table.
// Run: npm run bench   (bundled by scripts/run-bench.mjs; spawns dist/server.js and dist/cli.js)
// Options: --memory-edits N (default 10000), --only NAME (300|floor|35k|sites|memory|cli), --server FILE (another build of the server),
// --server-args 'ARGS' (node options for the server, e.g. --cpu-prof)
//
// LSP rows: an independent stdio client (bench/lspClient.ts) initialises the server with
// debounce 0 and a trusted workspace, opens the files, then types: at ≥ 30 places spread through
// the edited file it inserts an unknown directive line and deletes it again; each edit is timed
// from didChange to the publishDiagnostics of that version (both edits change the diagnostics, so
// a publication is always due). Between edits the client waits until the server is quiet and
// counts the server's CPU time for the edit (its own /proc figures), which includes the work on the
// other open documents.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from './lspClient';
import { findNginx } from '../test/support/nginxBinary';
import { neutraliseForNginx } from './nginxCompare';

const ROOT = process.cwd();
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const LARGE = path.join(CORPUS, 'nginxinc__nginx-go-crossplane/testdata/configs/large-config/nginx.conf');
const TEN_K = path.join(CORPUS, 'nginx__agent/test/config/nginx/nginx-with-10k-lines.conf');
const CLI = path.resolve(ROOT, 'dist/cli.js');
const LAUNCHER = path.resolve(ROOT, 'dist/nginx-tls');
const EDIT_PLACES = 20;
const INSERTED = 'bench_edit_directive on;\n';
const CLI_PAIRS = 15;
const IDLE_MS = 3000;
/** The first edits after the server starts, reported apart as well (see lspRow). */
const WARM_UP_EDITS = 20;

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const SERVER = args.includes('--server') ? path.resolve(args[args.indexOf('--server') + 1]) : path.resolve(ROOT, 'dist/server.js');
const SERVER_ARGS = args.includes('--server-args') ? args[args.indexOf('--server-args') + 1].split(' ') : [];
const memoryEdits = args.includes('--memory-edits') ? Number(args[args.indexOf('--memory-edits') + 1]) : 10_000;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const median = (xs: number[]): number => percentile(xs, 50);

/** Lines where a new directive may start: after a line ending a statement or opening/closing a block, outside Lua blocks. */
function editableLines(text: string): number[] {
  const lines = text.split('\n');
  const out: number[] = [];
  let lua = 0;
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1].replace(/#.*$/, '').trim();
    if (/_by_lua_block\s*\{/.test(lines[i - 1])) lua++;
    if (lua > 0) {
      if (/^\s*}\s*$/.test(lines[i - 1])) lua--;
      continue;
    }
    if (/[;{}]$/.test(prev) && /^\s*[a-z_]+\s/.test(lines[i])) out.push(i);
  }
  return out;
}

/** `n` items spread evenly through `xs` (repeating them when there are fewer). */
function spread<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return Array.from({ length: n }, (_, k) => xs[k % xs.length]);
  return Array.from({ length: n }, (_, k) => xs[Math.floor(((k + 0.5) * xs.length) / n)]);
}

interface EditFigures {
  latencies: number[];
  cpuPerEdit: number[];
  missed: number;
}

/** Types into `file` (already open with `text`) and times each edit to its publication. */
async function typeInto(client: LspClient, uri: string, text: string, firstVersion: number): Promise<EditFigures> {
  const places = spread(editableLines(text), EDIT_PLACES);
  const latencies: number[] = [];
  const cpuPerEdit: number[] = [];
  let missed = 0;
  let version = firstVersion;
  for (const line of places) {
    for (const insert of [true, false]) {
      await client.quiet(20);
      const cpu = client.cpuMs();
      version++;
      const range = insert ? { start: { line, character: 0 }, end: { line, character: 0 } } : { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
      const published = client.published(uri, version, 60_000);
      const t = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert ? INSERTED : '' }] });
      const p = await published;
      if (p) latencies.push(p.at - t);
      else missed++;
      await client.quiet(Math.max(30, (p ? p.at - t : 0) * 2));
      cpuPerEdit.push(client.cpuMs() - cpu);
    }
  }
  return { latencies, cpuPerEdit, missed };
}

interface Row {
  name: string;
  p50: number;
  p95: number;
  cpu: number;
  edits: number;
  note: string;
}

async function openAll(client: LspClient, files: { file: string; text: string }[]): Promise<void> {
  const waits = files.map(({ file }) => client.published(pathToFileURL(file).toString()));
  for (const { file, text } of files) {
    client.notify('textDocument/didOpen', { textDocument: { uri: pathToFileURL(file).toString(), languageId: 'nginx', version: 1, text } });
  }
  await Promise.all(waits);
}

/**
 * Started with --stdio, this bundle is the floor's server instead: the server's LSP library and
 * document sync, and for each change a publication (a diagnostic per inserted line, so that it
 * changes as the real server's does), with no analysis. What it takes is what any language
 * server written in Node takes here before it does any work.
 */
function runFloorServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } }));
  documents.onDidChangeContent(({ document }) => {
    const inserted = document.getText().split(INSERTED).length - 1;
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: Array.from({ length: inserted }, () => ({ range, message: 'inserted' })) });
  });
  documents.listen(connection);
  connection.listen();
}

async function lspRow(name: string, files: { file: string; text: string }[], edited: number, note: string, server = SERVER): Promise<Row> {
  const client = new LspClient(server, server === SERVER ? SERVER_ARGS : []);
  await client.initialize({ diagnostics: { debounceMs: 0 } });
  await openAll(client, files);
  const { file, text } = files[edited];
  const figures = await typeInto(client, pathToFileURL(file).toString(), text, 1);
  await client.stop();
  const missed = figures.missed ? `; ${figures.missed} edits got no publication` : '';
  // A server just started runs its first edits before V8 has optimised the code they run: shown apart, so that the table says how much of the p95 that is.
  const warm = figures.latencies.slice(WARM_UP_EDITS);
  const warmNote = warm.length >= 10 ? `after the first ${WARM_UP_EDITS} edits: ${median(warm).toFixed(1)} / ${percentile(warm, 95).toFixed(1)} ms` : '';
  return { name, p50: median(figures.latencies), p95: percentile(figures.latencies, 95), cpu: median(figures.cpuPerEdit), edits: figures.latencies.length, note: [note, warmNote].filter(Boolean).join('; ') + missed };
}

/** 200 site files, each a TLS server, included by one nginx.conf. */
function makeSitesTree(dir: string): { file: string; text: string }[] {
  fs.mkdirSync(path.join(dir, 'sites'), { recursive: true });
  const main = [
    'worker_processes auto;',
    'events { worker_connections 1024; }',
    'http {',
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '    ssl_session_cache shared:SSL:10m;',
    '    resolver 127.0.0.53 valid=300s;',
    '    resolver_timeout 5s;',
    '    include sites/*.conf;',
    '}',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'nginx.conf'), main);
  const files = [{ file: path.join(dir, 'nginx.conf'), text: main }];
  for (let i = 0; i < 200; i++) {
    const n = String(i).padStart(3, '0');
    const text = [
      'server {',
      `    listen 443 ssl${i === 0 ? ' default_server' : ''};`,
      `    server_name site${n}.example.com www.site${n}.example.com;`,
      `    ssl_certificate /etc/ssl/bench/site${n}.crt;`,
      `    ssl_certificate_key /etc/ssl/bench/site${n}.key;`,
      '    ssl_stapling on;',
      '    ssl_stapling_verify on;',
      '    location / {',
      `        proxy_pass http://127.0.0.1:${8000 + i};`,
      '        proxy_set_header Host $host;',
      '    }',
      '    location /static/ {',
      `        root /srv/site${n};`,
      '        expires 30d;',
      '    }',
      '}',
      '',
    ].join('\n');
    const file = path.join(dir, 'sites', `site${n}.conf`);
    fs.writeFileSync(file, text);
    files.push({ file, text });
  }
  return files;
}

/** The server's RSS once it is idle and has given memory back (it collects after 1 s idle; V8 and malloc return pages over the next seconds). */
async function settledRss(client: LspClient): Promise<number> {
  await client.quiet(IDLE_MS);
  let rss = client.rssMb();
  for (let k = 0; k < 30; k++) {
    await new Promise((r) => setTimeout(r, 500));
    const now = client.rssMb();
    if (now > rss * 0.99) return Math.min(rss, now);
    rss = now;
  }
  return rss;
}

async function memoryRow(edits: number): Promise<Row & { rssOpen: number; rssAfter: number; rssPeak: number }> {
  const client = new LspClient(SERVER, SERVER_ARGS);
  await client.initialize({ diagnostics: { debounceMs: 0 } });
  const text = fs.readFileSync(LARGE, 'utf8');
  const uri = pathToFileURL(LARGE).toString();
  await openAll(client, [{ file: LARGE, text }]);
  const rssOpen = await settledRss(client);
  let rssPeak = rssOpen;
  const places = spread(editableLines(text), 50);
  let version = 1;
  // Edits go out in bursts of 50 (a fast typist against a busy server), each burst awaited.
  const BURST = 50;
  for (let done = 0; done < edits; done += BURST) {
    const line = places[(done / BURST) % places.length];
    for (let k = 0; k < BURST; k++) {
      version++;
      const insert = k % 2 === 0;
      const range = insert ? { start: { line, character: 0 }, end: { line, character: 0 } } : { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert ? INSERTED : '' }] });
    }
    // An even burst ends on the text it started from, whose diagnostics may already be out: it is followed by an edit
    // that no earlier state had (a marker directive of its own name), whose publication is awaited, and its undoing.
    version++;
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `bench_marker_${done} on;\n` }] });
    await client.published(uri, version);
    version++;
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }] });
    await client.published(uri, version);
    rssPeak = Math.max(rssPeak, client.rssMb());
  }
  const rssAfter = await settledRss(client);
  await client.stop();
  return { name: '', p50: 0, p95: 0, cpu: 0, edits, note: '', rssOpen, rssAfter, rssPeak };
}

/** `bash -c 'CMD; times'`: the child's user + system CPU (ms) and the wall time. */
function timeProcess(cmd: string, cmdArgs: string[]): { wall: number; cpu: number } {
  const t = performance.now();
  const r = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1; times', 'bench', cmd, ...cmdArgs], { encoding: 'utf8' });
  const wall = performance.now() - t;
  const lines = r.stdout.trim().split('\n');
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(lines[lines.length - 1]);
  const cpu = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
  return { wall, cpu };
}

function cliRow(): string[] {
  const nginx = findNginx();
  if (!nginx) return ['| CLI vs `nginx -t` | nginx not installed: skipped | | | |'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-bench-'));
  try {
    const prepared = neutraliseForNginx(nginx, LARGE, dir);
    if (!prepared.ok) return [`| CLI vs \`nginx -t\` | nginx -t does not accept the file: ${prepared.last ?? ''} | | | |`];
    const snapshot = fs.existsSync(path.join(path.dirname(CLI), 'cli-snapshot.blob')) ? 'from its startup snapshot' : 'no snapshot built: runs cli.js';
    // The installed command (dist/nginx-tls, the package's bin) and `node dist/cli.js`, each against nginx -t, in alternating triples.
    const runs = { bin: [] as { wall: number; cpu: number }[], js: [] as { wall: number; cpu: number }[], nginx: [] as { wall: number; cpu: number }[] };
    for (let i = 0; i < CLI_PAIRS; i++) {
      runs.bin.push(timeProcess(LAUNCHER, ['check', prepared.file]));
      runs.js.push(timeProcess(process.execPath, [CLI, 'check', prepared.file]));
      runs.nginx.push(timeProcess(nginx, ['-t', '-q', '-p', dir, '-c', prepared.file, '-e', path.join(dir, 'error.log')]));
    }
    const row = (label: string, ours: { wall: number; cpu: number }[], note: string): string[] => {
      const ratio = (k: 'cpu' | 'wall'): string => median(ours.map((o, i) => o[k] / runs.nginx[i][k])).toFixed(2);
      return [
        `| CLI \`${label} check\` 35k lines, CPU | ${median(ours.map((o) => o.cpu)).toFixed(0)} ms vs nginx -t ${median(runs.nginx.map((o) => o.cpu)).toFixed(0)} ms | ratio ${ratio('cpu')}× | | ${note} |`,
        `| CLI \`${label} check\` 35k lines, wall | ${median(ours.map((o) => o.wall)).toFixed(0)} ms vs nginx -t ${median(runs.nginx.map((o) => o.wall)).toFixed(0)} ms | ratio ${ratio('wall')}× | | |`,
      ];
    };
    return [...row('nginx-tls', runs.bin, `${snapshot}; median of ${CLI_PAIRS} alternating runs`), ...row('node dist/cli.js', runs.js, '')];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  for (const f of [LARGE, TEN_K]) if (!fs.existsSync(f)) throw new Error(`corpus file not found: ${f}`);
  if (!fs.existsSync(SERVER) || !fs.existsSync(CLI) || !fs.existsSync(LAUNCHER)) throw new Error('dist/ not built: run npm run build first');
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const lines: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-lsp-bench-'));
  try {
    const row = (r: Row): string => `| ${r.name} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.cpu.toFixed(0)} ms | ${r.edits} edits${r.note ? `; ${r.note}` : ''} |`;
    // The first 300 lines of the 10k-line config, written as a file of their own.
    const head300 = (): { file: string; text: string } => {
      const text = fs.readFileSync(TEN_K, 'utf8').split('\n').slice(0, 300).join('\n');
      const file = path.join(tmp, 'head-300.conf');
      fs.writeFileSync(file, text);
      return { file, text };
    };
    if (!only || only === '300') {
      lines.push(row(await lspRow('LSP edit → publish, 300 lines (head of nginx-with-10k-lines.conf)', [head300()], 0, '')));
    }
    if (!only || only === 'floor') {
      lines.push(row(await lspRow('LSP round trip with no analysis (a server that only publishes), same 300 lines', [head300()], 0, 'the floor under every LSP row', process.argv[1])));
    }
    if (!only || only === '35k') {
      lines.push(row(await lspRow('LSP edit → publish, 35,179 lines (large-config/nginx.conf)', [{ file: LARGE, text: fs.readFileSync(LARGE, 'utf8') }], 0, '')));
    }
    if (!only || only === 'sites') {
      const files = makeSitesTree(path.join(tmp, 'sites-tree'));
      lines.push(row(await lspRow('LSP edit → publish, one site of a 200-site tree (all 201 files open)', files, 100, '')));
    }
    if (!only || only === 'memory') {
      const m = await memoryRow(memoryEdits);
      lines.push(`| LSP RSS, 35k lines | ${m.rssOpen.toFixed(0)} MB after opening | ${m.rssAfter.toFixed(0)} MB after ${m.edits} edits | | ${(((m.rssAfter - m.rssOpen) / m.rssOpen) * 100).toFixed(0)}% change; ${m.rssPeak.toFixed(0)} MB at most while typing |`);
    }
    if (!only || only === 'cli') lines.push(...cliRow());
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`node ${process.version}, ${os.cpus().length} cores; load average before ${load}, after ${loadAfter}`);
  console.log('| figure | p50 | p95 | server CPU per edit (median) | notes |');
  console.log('|---|---|---|---|---|');
  for (const l of lines) console.log(l);
}

if (process.argv.includes('--stdio')) {
  runFloorServer();
} else {
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
