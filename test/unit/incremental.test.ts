import 'reflect-metadata';
// Re-analysis after an edit reuses what did not change (parses, trees, the directive checks of
// unchanged blocks, servers' facts and per-server rule results): after every step of these edit
// scripts its diagnostics must be exactly those of an analysis from scratch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTree } from '../../server/src/service/analyzeTree';
import { AnalysisCache, analyzeFile, type FileAnalysis } from '../../server/src/service/analyzeFile';
import type { AnalysisSettings } from '../../server/src/service/settings';
import { BlockCheckMemo } from '../../server/src/service/checks/blockCheckMemo';
import { ServerFactsMemo } from '../../server/src/service/rules/support/serverFactsMemo';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { ParseCache } from '../../server/src/service/model/parseCache';
import { TreeCache } from '../../server/src/service/model/locateMainConfig';
import { sortAndDedupe, type ConfigDiagnostic } from '../../server/src/service/diagnostics';
import { forgetFileReads, snapshotFileReads } from '../../server/src/service/fileSnapshot';
import { corpusSkip, CORPUS_DIR, corpusFiles } from '../support/corpus';
import { edit, random } from '../support/editScripts';
import { createTestPki, type TestPki } from '../support/pki';
import { fullCollection } from '../../server/src/lsp/idleCollection';
import { clearCertificateCache } from '../../server/src/service/certificates';

const skip = corpusSkip();
const NOW = new Date('2026-06-01T00:00:00Z');
const LARGE = 'nginxinc__nginx-go-crossplane/testdata/configs/large-config/nginx.conf';

function comparable(diagnostics: ConfigDiagnostic[]): string[] {
  return diagnostics.map((d) => JSON.stringify(d));
}

/** The first difference, for a readable failure. */
function assertSame(incremental: ConfigDiagnostic[], scratch: ConfigDiagnostic[], where: string): void {
  const a = comparable(incremental);
  const b = comparable(scratch);
  if (a.length === b.length && a.every((x, i) => x === b[i])) return;
  const i = a.findIndex((x, k) => x !== b[k]);
  assert.fail(`${where}: ${a.length} diagnostics against ${b.length} from scratch; first difference at ${i}:\n  incremental: ${a[i]}\n  scratch:     ${b[i]}`);
}

/** Replays a script on one corpus file: the memo and the parse cache live across steps, as in the editor. */
function replay(rel: string, steps: number, seed: number): { replayedBlocks: number } {
  const file = path.join(CORPUS_DIR, rel);
  let text = fs.readFileSync(file, 'utf8');
  let version = 0;
  const history = [text];
  const host = createNodeHost({ overlay: (f) => (f === file ? { text, version } : undefined) });
  const cache = new ParseCache();
  const memo = new BlockCheckMemo();
  // Certificates are not read here, so one generation of file reads throughout is right.
  const settings = { now: NOW, readCertificates: false };
  const kept = { blocks: memo, facts: new ServerFactsMemo(), generation: 0, settingsKey: JSON.stringify(settings) };
  const pick = random(seed);
  let replayedBlocks = 0;
  for (let step = 0; step <= steps; step++) {
    if (step > 0) {
      text = edit(text, history, pick);
      history.push(text);
    }
    version++;
    const incremental = sortAndDedupe(analyzeTree(loadConfig(file, { host, cache }), settings, kept));
    replayedBlocks += memo.replayedBlocks;
    const scratch = sortAndDedupe(analyzeTree(loadConfig(file, { host }), settings));
    assertSame(incremental, scratch, `${rel}, seed ${seed}, step ${step}`);
  }
  return { replayedBlocks };
}

test('edit scripts over corpus files: incremental diagnostics equal an analysis from scratch after every step', { skip }, () => {
  const files = corpusFiles().filter((f) => f.endsWith('.conf'));
  const sample = files.filter((_, i) => i % 25 === 0);
  assert.ok(sample.length >= 20, `a sample of the corpus, found ${sample.length}`);
  let replayed = 0;
  sample.forEach((rel, k) => {
    replayed += replay(rel, 25, 1000 + k).replayedBlocks;
  });
  // The comparison means something only if unchanged blocks were indeed replayed.
  assert.ok(replayed > 100, `unchanged blocks replayed: ${replayed}`);
});

test('edit scripts over the 35k-line config: incremental equals from scratch', { skip }, () => {
  const { replayedBlocks } = replay(LARGE, 6, 7);
  assert.ok(replayedBlocks > 1000, `unchanged blocks replayed: ${replayedBlocks}`);
});

/**
 * The editor's caches over a tree in which one file is being edited (its text an overlay, as an
 * open document's; one parse cache and one analysis cache across steps): `compare` analyses a file
 * with them and from scratch, and asserts the two agree.
 */
function editorSession(edited: string, mainConfig: string | undefined, text: string) {
  let version = 1;
  const host = createNodeHost({ overlay: (f) => (f === edited ? { text, version } : undefined) });
  const cache = new ParseCache();
  const analysisCache = new AnalysisCache();
  return {
    analysisCache,
    get text(): string {
      return text;
    },
    /** A new version of the edited file. */
    type(next: string): void {
      text = next;
      version++;
    },
    compare(file: string, settings: Partial<AnalysisSettings>, where: string): FileAnalysis {
      const incremental = analyzeFile(file, { host, cache, analysisCache, trees: new TreeCache(), mainConfig, settings });
      // From scratch means certificates parsed anew too (the issuer checks are kept per parsed certificate).
      clearCertificateCache();
      const scratch = analyzeFile(file, { host, mainConfig, settings });
      assertSame(incremental.diagnostics, scratch.diagnostics, where);
      return incremental;
    },
  };
}

/**
 * Edits one file of a tree of sites step by step, as the editor sees it (the disk reads kept, one
 * parse cache and one analysis cache across steps), and compares the diagnostics of `compared`
 * with an analysis from scratch after every step. Returns the codes seen.
 */
function replaySites(options: {
  main: string;
  edited: string;
  compared: string[];
  steps: number;
  seed: number;
  readCertificates: boolean;
  next?: (text: string, history: string[], pick: (n: number) => number) => string;
  /** Called before each step's analyses, e.g. to change files on disk as the watcher would report. */
  beforeStep?: (step: number, pick: (n: number) => number) => void;
}): { codes: Set<string>; reusedFacts: number } {
  const session = editorSession(options.edited, options.main, fs.readFileSync(options.edited, 'utf8'));
  const history = [session.text];
  const pick = random(options.seed);
  const settings = { now: NOW, readCertificates: options.readCertificates };
  const codes = new Set<string>();
  let reusedFacts = 0;
  for (let step = 0; step <= options.steps; step++) {
    const text = step > 0 ? (options.next ?? edit)(session.text, history, pick) : session.text;
    if (step > 0) history.push(text);
    options.beforeStep?.(step, pick);
    session.type(text);
    for (const file of [options.edited, ...options.compared]) {
      const incremental = session.compare(file, settings, `step ${step}, ${path.basename(file)}`);
      if (incremental.fresh) reusedFacts += session.analysisCache.lastReuse.facts;
      incremental.diagnostics.forEach((d) => codes.add(d.code));
    }
  }
  return { codes, reusedFacts };
}

test('a tree of site files: an edit in one site reuses the others and equals from scratch', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-incremental-'));
  // As in the editor: disk reads kept (the analysis cache reuses trees only then).
  snapshotFileReads(true);
  try {
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    ssl_protocols TLSv1.2 TLSv1.3;\n    include sites/*.conf;\n}\n');
    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(path.join(dir, 'sites', `s${i}.conf`), `server {\n    listen 443 ssl${i === 0 ? ' default_server' : ''};\n    server_name s${i}.example;\n    ssl_session_tickets ${i % 2 ? 'off' : 'on'};\n    location / { proxy_pass http://127.0.0.1:${8000 + i}; bad_directive_${i} on; }\n}\n`);
    }
    const sites = path.join(dir, 'sites');
    replaySites({ main: path.join(dir, 'nginx.conf'), edited: path.join(sites, 's7.conf'), compared: [path.join(sites, 's3.conf'), path.join(sites, 's12.conf')], steps: 40, seed: 42, readCertificates: false });
  } finally {
    snapshotFileReads(false);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a body kept from an earlier analysis is replayed only in the same context and with the same settings', () => {
  const file = path.join(os.tmpdir(), 'nginx-tls-incremental-context.conf');
  const server = 'server {\n    listen 443 ssl;\n    ssl on;\n    proxy_pass 127.0.0.1:8443;\n    add_header X-Test 1;\n}\n';
  const versions = [
    { text: `events {}\nhttp {\n${server}}\n`, nginxVersion: '1.24.0' },
    { text: `events {}\nstream {\n${server}}\n`, nginxVersion: '1.24.0' },
    { text: `events {}\nhttp {\n${server}}\n`, nginxVersion: '1.14.2' },
    { text: `events {}\nhttp {\n${server}}\n`, nginxVersion: '1.24.0' },
    { text: `# a line above moves everything\nevents {}\nhttp {\n${server}}\n`, nginxVersion: '1.24.0' },
  ];
  let current = versions[0];
  let version = 0;
  const host = createNodeHost({ overlay: (f) => (f === file ? { text: current.text, version } : undefined) });
  const cache = new ParseCache();
  const memo = new BlockCheckMemo();
  const kept = { blocks: memo, facts: new ServerFactsMemo(), generation: 0, settingsKey: '' };
  const replayed: number[] = [];
  for (const v of versions) {
    current = v;
    version++;
    const settings = { now: NOW, readCertificates: false, nginxVersion: v.nginxVersion };
    kept.settingsKey = JSON.stringify(settings);
    const incremental = sortAndDedupe(analyzeTree(loadConfig(file, { host, cache }), settings, kept));
    replayed.push(memo.replayedBlocks);
    const scratch = sortAndDedupe(analyzeTree(loadConfig(file, { host }), settings));
    assertSame(incremental, scratch, `${v.text.split('\n')[1]} nginx ${v.nginxVersion}`);
  }
  // Kept is what the latest analysis used: `events {}` comes back in the second; the http body
  // (with its server) in the last, moved by a line; a new context or nginx version misses.
  assert.deepEqual(replayed, [0, 1, 0, 0, 2]);
});

test('a body found again by its block in an unchanged parse: only in the same parse and the same context', () => {
  inTempDir('nginx-tls-incremental-blocks-', (dir) => {
    // The snippet's `if` is checked in a location first, where proxy_pass is allowed, then in the
    // server, where it is not: a body found by its block alone would replay the first visit's findings.
    const main = path.join(dir, 'nginx.conf');
    fs.writeFileSync(main, 'events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            include snippet.conf;\n        }\n        include snippet.conf;\n    }\n}\n');
    fs.writeFileSync(path.join(dir, 'snippet.conf'), 'if ($host) {\n    proxy_pass http://127.0.0.1:8080;\n}\n');
    // Both analyses after the first go through the blocks' kept keys (the parses were seen before).
    const codes = replayUnchanged(main, 3);
    assert.ok(codes.includes('directive-not-allowed-here'), codes.join(', '));

    // An edit after a block's `}` on its line keeps the block object (reparse.ts) but changes its
    // key's text: in the new parse the key is cut again, and the body found under it.
    const file = path.join(dir, 'tail.conf');
    // http's body includes a file, so it is never kept: the walk enters the server each time.
    fs.writeFileSync(path.join(dir, 'empty.conf'), '');
    const line = (comment: string): string => `events {}\nhttp {\n    include empty.conf;\n    server { listen 80; listen 80; } # ${comment}\n}\n`;
    let text = line('one');
    let version = 1;
    const host = createNodeHost({ overlay: (f) => (f === file ? { text, version } : undefined) });
    const cache = new ParseCache();
    const memo = new BlockCheckMemo();
    const settings = { now: NOW, readCertificates: false };
    const kept = { blocks: memo, facts: new ServerFactsMemo(), generation: 0, settingsKey: JSON.stringify(settings) };
    const replayed: number[] = [];
    for (const comment of ['one', 'one', 'two', 'two']) {
      if (comment !== 'one' && !text.includes(comment)) {
        text = line(comment);
        version++;
      }
      const incremental = sortAndDedupe(analyzeTree(loadConfig(file, { host, cache }), settings, kept));
      replayed.push(memo.replayedBlocks);
      assertSame(incremental, sortAndDedupe(analyzeTree(loadConfig(file, { host }), settings)), `# ${comment}`);
    }
    // `events {}` and the server's body: recorded; both found again; events found, the server's
    // body recorded again for the new text; both found again.
    assert.deepEqual(replayed, [0, 2, 1, 2]);
  });
});

/** Runs `body` in a new temporary directory, removed afterwards. */
function inTempDir(prefix: string, body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Analyses an unchanged tree `times` times through one parse cache and memo, comparing each with an analysis from scratch; the codes of the last. */
function replayUnchanged(main: string, times: number): string[] {
  const host = createNodeHost({});
  const cache = new ParseCache();
  const settings = { now: NOW, readCertificates: false };
  const kept = { blocks: new BlockCheckMemo(), facts: new ServerFactsMemo(), generation: 0, settingsKey: JSON.stringify(settings) };
  let codes: string[] = [];
  for (let i = 0; i < times; i++) {
    const incremental = sortAndDedupe(analyzeTree(loadConfig(main, { host, cache }), settings, kept));
    assertSame(incremental, sortAndDedupe(analyzeTree(loadConfig(main, { host }), settings)), `analysis ${i + 1}`);
    codes = incremental.map((d) => d.code);
  }
  return codes;
}

test('what the editor keeps between analyses does not keep earlier versions of a file alive', () => {
  const gc = fullCollection();
  assert.ok(gc, 'V8\'s full collection is available');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-retention-'));
  const file = path.join(dir, 'nginx.conf');
  const filler = `# ${'x'.repeat(98)}\n`.repeat(13_000); // 1.3 MB, as the 35k-line file
  let text = '';
  let version = 0;
  const host = createNodeHost({ overlay: (f) => (f === file ? { text, version } : undefined) });
  const cache = new ParseCache();
  const analysisCache = new AnalysisCache();
  snapshotFileReads(true);
  try {
    /** Analyses 20 new versions (as 20 keystrokes give), each with a name and a path of its own (cache keys); the heap's growth in MB. */
    const twentyVersions = (round: number): number => {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let k = 0; k < 20; k++) {
        version++;
        text = `events {}\nhttp {\n    edited_directive_${round}_${k} on;\n    server {\n        listen 443 ssl;\n        ssl_certificate /nonexistent-dir/certificate_${round}_${k}.pem;\n        ssl_certificate_key k.pem;\n        ssl_stapling on;\n        ssl_stapling_file /nonexistent-dir/staple_${round}_${k}.der;\n    }\n}\n${filler}`;
        const result = analyzeFile(file, { host, cache, analysisCache, trees: new TreeCache(), settings: { now: NOW, readCertificates: true } });
        assert.ok(result.diagnostics.some((d) => d.message.includes(`edited_directive_${round}_${k}`)));
      }
      gc();
      return (process.memoryUsage().heapUsed - before) / 1e6;
    };
    twentyVersions(0); // the first round also pays for compiled code and the like
    // The least of three rounds: a round can also pay for code compiled late or a cache's first
    // growth (measured up to 6.6 MB on a loaded machine), but what is kept alive grows every round.
    const grownMb = Math.min(twentyVersions(1), twentyVersions(2), twentyVersions(3));
    // With kept keys and messages that are views of the text, 20 versions keep 20 × 1.3 MB (measured: 26 MB).
    assert.ok(grownMb < 6, `the heap grew by ${grownMb.toFixed(1)} MB over 20 versions`);

    // Each keystroke in another server block: each is re-read alone (see reparse) and the others kept,
    // so tokens that were views of 20 versions' texts would keep all 20 alive.
    const servers = Array.from({ length: 40 }, (_, i) => `    server {\n        listen ${8000 + i};\n        root /srv/a-path-long-enough-to-be-a-view/site_${i}_0;\n    }\n`);
    const blockEdits = (round: number): number => {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let k = 0; k < 20; k++) {
        version++;
        const i = (round * 20 + k) % servers.length;
        servers[i] = servers[i].replace(/_\d+;/, `_${round * 20 + k + 1};`);
        text = `events {}\nhttp {\n${servers.join('')}}\n${filler}`;
        analyzeFile(file, { host, cache, analysisCache, trees: new TreeCache(), settings: { now: NOW, readCertificates: true } });
      }
      gc();
      return (process.memoryUsage().heapUsed - before) / 1e6;
    };
    const blocksBefore = cache.counts.block;
    blockEdits(0);
    const blockGrownMb = Math.min(blockEdits(1), blockEdits(2), blockEdits(3));
    assert.ok(cache.counts.block - blocksBefore >= 79, `edits re-read as one block: ${cache.counts.block - blocksBefore}`);
    assert.ok(blockGrownMb < 6, `the heap grew by ${blockGrownMb.toFixed(1)} MB over 20 versions edited in 20 blocks`);
  } finally {
    snapshotFileReads(false);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `body` in a new temporary folder holding the test PKI in `pki/`, with disk reads kept as in the editor; removes it after. */
async function inPkiWorkspace(name: string, body: (dir: string, pki: TestPki) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nginx-tls-incremental-${name}-`));
  snapshotFileReads(true);
  try {
    fs.mkdirSync(path.join(dir, 'pki'));
    await body(dir, await createTestPki(path.join(dir, 'pki')));
  } finally {
    snapshotFileReads(false);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a tree of TLS sites with real certificates: edits to certificates, stapling and structure equal from scratch', () =>
  inPkiWorkspace('pki', async (dir, pki) => {
    const certificates = [
      pki.leaves['must-staple'].chain, pki.leaves.ocsp.crt, pki.leaves.ocsp.chain, pki.leaves['no-ocsp'].chain, pki.leaves.expired.chain,
      pki.leaves.expiring.chain, pki.odd.ocspReversed, pki.odd.selfSigned.crt, pki.odd.cnOnly.chain, path.join(dir, 'missing.pem'),
    ];
    fs.mkdirSync(path.join(dir, 'sites'));
    const main = path.join(dir, 'nginx.conf');
    fs.writeFileSync(main, `events {}\nhttp {\n    resolver 127.0.0.53;\n    ssl_trusted_certificate ${pki.caChain};\n    include sites/*.conf;\n}\n`);
    const site = (i: number, certificate: string): string =>
      `server {\n    listen 443 ssl${i === 0 ? ' default_server' : ''};\n    server_name ${i % 3 ? `s${i}.test` : 'must-staple.test'};\n    ssl_certificate ${certificate};\n    ssl_certificate_key k.pem;\n    ssl_stapling on;\n    ssl_stapling_verify on;\n    ssl_session_tickets ${i % 2 ? 'off' : 'on'};\n}\n`;
    for (let i = 0; i < 8; i++) fs.writeFileSync(path.join(dir, 'sites', `s${i}.conf`), site(i, certificates[i % certificates.length]));
    // Two more sites take their certificate and stapling settings from a shared snippet, their key and name from their own file.
    fs.mkdirSync(path.join(dir, 'snippets'));
    const snippet = path.join(dir, 'snippets', 'tls.conf');
    // Often the snippet holds nothing but the certificate: a change of that line alone must be seen.
    const snippetText = (certificate: string, stapling: string, trusted: string): string =>
      `ssl_certificate ${certificate};\n${stapling === 'off' ? 'ssl_stapling off;\n' : ''}${trusted ? `ssl_trusted_certificate ${trusted};\n` : ''}`;
    fs.writeFileSync(snippet, snippetText(pki.leaves.ocsp.crt, 'on', ''));
    for (const i of [8, 9]) fs.writeFileSync(path.join(dir, 'sites', `s${i}.conf`), `server {\n    listen 443 ssl;\n    server_name s${i}.test;\n    ssl_stapling on;\n    ssl_stapling_verify on;\n    include ${snippet};\n    ssl_certificate_key k.pem;\n}\n`);
    const sites = path.join(dir, 'sites');
    // Half the edits swap the certificate or switch stapling; the others are the structural ones.
    const next = (text: string, history: string[], pick: (n: number) => number): string =>
      pick(2) === 0 ? site(5, certificates[pick(certificates.length)]).replace('ssl_stapling on', pick(2) ? 'ssl_stapling on' : 'ssl_stapling off') : edit(text, history, pick);
    // Now and then a certificate file changes on disk (certbot renewing, a chain fixed by hand), as
    // the file watcher reports it: every site using that file must be judged anew.
    const onDisk = certificates.filter((c) => fs.existsSync(c));
    const originals = new Map(onDisk.map((c) => [c, fs.readFileSync(c)]));
    const beforeStep = (step: number, pick: (n: number) => number): void => {
      if (step === 0 || step % 5 !== 0) return;
      const target = onDisk[pick(onDisk.length)];
      const source = onDisk[pick(onDisk.length)];
      fs.writeFileSync(target, pick(3) === 0 ? 'not a certificate\n' : originals.get(source) ?? '');
      forgetFileReads();
    };
    const siteEdits = replaySites({ main, edited: path.join(sites, 's5.conf'), compared: [path.join(sites, 's0.conf'), path.join(sites, 's3.conf')], steps: 40, seed: 77, readCertificates: true, next, beforeStep });
    // The certificates were read and judged, not only the structure.
    for (const code of ['certificate-chain-incomplete', 'certificate-chain-order', 'certificate-unreadable', 'must-staple-without-stapling', 'stapling-without-ocsp-url']) {
      assert.ok(siteEdits.codes.has(code), `no ${code} in ${[...siteEdits.codes].sort().join(' ')}`);
    }
    // The other sites' facts were taken from earlier analyses, so the comparison tested them.
    assert.ok(siteEdits.reusedFacts > 100, `server facts reused: ${siteEdits.reusedFacts}`);
    for (const [file, bytes] of originals) fs.writeFileSync(file, bytes);
    forgetFileReads();
    // Edits of what every server inherits from http {}: the trust file, the resolver, stapling for all
    // (the test CA's OCSP URL is an IP address, so no resolver is needed).
    const mainText = fs.readFileSync(main, 'utf8');
    const nextMain = (text: string, history: string[], pick: (n: number) => number): string => {
      if (pick(2)) return edit(text, history, pick);
      const trusted = [pki.caChain, pki.leaves.ocsp.crt, path.join(dir, 'missing.pem')][pick(3)];
      return mainText.replace(pki.caChain, trusted).replace('resolver 127.0.0.53;', ['resolver 127.0.0.53;', '', 'ssl_stapling off;'][pick(3)]);
    };
    const mainEdits = replaySites({ main, edited: main, compared: [path.join(sites, 's0.conf'), path.join(sites, 's1.conf')], steps: 30, seed: 78, readCertificates: true, next: nextMain });
    assert.ok(mainEdits.codes.has('stapling-verify-without-trust'), `inherited settings judged: ${[...mainEdits.codes].sort().join(' ')}`);
    // Edits of an included snippet: the servers' own settings change while the lines of their own files stay the same objects.
    const snippetCertificates = [pki.leaves.ocsp.crt, pki.leaves['must-staple'].chain, pki.odd.ocspReversed, path.join(dir, 'missing.pem')];
    const nextSnippet = (text: string, history: string[], pick: (n: number) => number): string =>
      pick(4) === 0 ? edit(text, history, pick) : snippetText(snippetCertificates[pick(snippetCertificates.length)], pick(3) ? 'on' : 'off', [pki.caChain, '', pki.leaves.ocsp.crt][pick(3)]);
    const snippetEdits = replaySites({ main, edited: snippet, compared: [path.join(sites, 's8.conf'), path.join(sites, 's1.conf')], steps: 50, seed: 79, readCertificates: true, next: nextSnippet });
    for (const code of ['certificate-chain-incomplete', 'stapling-verify-without-trust', 'must-staple-without-stapling']) {
      assert.ok(snippetEdits.codes.has(code), `no ${code} in ${[...snippetEdits.codes].sort().join(' ')}`);
    }
  }));

test('per-server rule results are kept only while the server speaks TLS as before and the settings are the same', () =>
  inPkiWorkspace('kept', async (dir, pki) => {
    fs.mkdirSync(path.join(dir, 'sites'));
    const main = path.join(dir, 'nginx.conf');
    fs.writeFileSync(main, `events {}\nhttp {\n    include sites/*.conf;\n}\nstream {\n    server {\n        listen 8443 ssl;\n        ssl_certificate ${pki.leaves['must-staple'].chain};\n        ssl_certificate_key k.pem;\n        proxy_pass 127.0.0.1:9;\n    }\n}\n`);
    const first = path.join(dir, 'sites', 'a.conf');
    const second = path.join(dir, 'sites', 'b.conf');
    const firstText = (ssl: boolean): string => `server {\n    listen 443${ssl ? ' ssl' : ''} default_server;\n    server_name a.test;\n}\n`;
    // b's own listen has no `ssl`: it speaks TLS only while a's listen on the same socket has it.
    fs.writeFileSync(second, `server {\n    listen 443;\n    server_name b.test;\n    ssl_certificate ${pki.leaves.ocsp.chain};\n    ssl_certificate_key k.pem;\n}\n`);
    // On disk too, for the glob; the editor's text (the overlay) is what gets read.
    fs.writeFileSync(first, firstText(true));
    const session = editorSession(first, main, firstText(true));
    const steps: { ssl: boolean; nginxVersion: string }[] = [
      { ssl: true, nginxVersion: '1.26.0' },
      { ssl: false, nginxVersion: '1.26.0' },
      { ssl: true, nginxVersion: '1.26.0' },
      { ssl: true, nginxVersion: '1.24.0' },
      { ssl: true, nginxVersion: '1.26.0' },
    ];
    const seen: string[][] = [];
    for (const step of steps) {
      session.type(firstText(step.ssl));
      const settings = { now: NOW, readCertificates: true, nginxVersion: step.nginxVersion };
      for (const file of [second, main]) {
        const incremental = session.compare(file, settings, `${path.basename(file)}, a's listen ${step.ssl ? 'with' : 'without'} ssl, nginx ${step.nginxVersion}`);
        seen.push(incremental.diagnostics.map((d) => d.code));
      }
    }
    // The steps did change what b and the stream server get, so the comparison tested the keys.
    assert.ok(seen.some((codes) => codes.includes('stapling-missing')) && seen.some((codes) => !codes.includes('stapling-missing')), JSON.stringify(seen));
  }));

test('lines added above an include in nginx.conf, the nginx version changed: kept per-server facts and findings equal from scratch', () =>
  inPkiWorkspace('anchor', async (dir, pki) => {
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.mkdirSync(path.join(dir, 'snippets'));
    const main = path.join(dir, 'nginx.conf');
    const a = path.join(dir, 'sites', 'a.conf');
    const b = path.join(dir, 'sites', 'b.conf');
    const snippet = path.join(dir, 'snippets', 'stapling.conf');
    // The sites and the snippet never change: only the lines above the includes in nginx.conf, and the settings, do.
    fs.writeFileSync(snippet, 'ssl_stapling on;\nssl_stapling_verify on;\n');
    fs.writeFileSync(a, `server {\n    listen 443 ssl default_server;\n    server_name a.test;\n    ssl_certificate ${pki.leaves['no-ocsp'].chain};\n    ssl_certificate_key k.pem;\n}\n`);
    // b's own ssl_stapling_verify, without the issuer anywhere: the finding goes on b's own line, not on its server keyword.
    fs.writeFileSync(b, `server {\n    listen 443 ssl;\n    server_name b.test;\n    ssl_certificate ${pki.leaves.ocsp.crt};\n    ssl_certificate_key k.pem;\n    ssl_stapling on;\n    ssl_stapling_verify on;\n}\n`);
    const mainText = (above: number): string => `events {}\nhttp {\n    resolver 127.0.0.53;\n${'    # a comment line\n'.repeat(above)}    include snippets/stapling.conf;\n    include sites/*.conf;\n}\n`;
    fs.writeFileSync(main, mainText(0));
    const session = editorSession(main, main, mainText(0));
    const codes = new Set<string>();
    // A new nginx version keeps the servers' facts and computes their findings again.
    for (const [above, nginxVersion] of [[0, '1.26.0'], [1, '1.26.0'], [1, '1.24.0'], [3, '1.24.0'], [0, '1.26.0'], [0, '1.24.0']] as const) {
      if (mainText(above) !== session.text) session.type(mainText(above));
      const settings = { now: NOW, readCertificates: true, nginxVersion };
      for (const file of [main, a, b, snippet]) {
        const incremental = session.compare(file, settings, `${path.basename(file)}, ${above} lines above the include, nginx ${nginxVersion}`);
        incremental.diagnostics.forEach((d) => codes.add(d.code));
      }
    }
    // The per-server findings were there to compare.
    for (const code of ['stapling-without-ocsp-url', 'stapling-verify-without-trust']) assert.ok(codes.has(code), [...codes].join(' '));
  }));

test('structure errors in a file included from a block at the top of another: found in every analysis', () => {
  inTempDir('nginx-tls-structure-include-', (dir) => {
    // http's body is read through an include, so it is walked every time; the server at the top
    // of site.conf has no include, so its body's findings are kept with the block.
    const main = path.join(dir, 'nginx.conf');
    fs.writeFileSync(main, 'events {}\nhttp {\n    include site.conf;\n}\n');
    fs.writeFileSync(path.join(dir, 'site.conf'), 'server {\n    listen 80;\n    location;\n    map $a $b {\n        a { }\n    }\n}\n');
    assert.equal(replayUnchanged(main, 3).filter((code) => code === 'syntax-error').length, 2);
    const host = createNodeHost({});
    const cache = new ParseCache();
    for (let i = 0; i < 3; i++) {
      const found = analyzeTree(loadConfig(main, { host, cache }), { now: NOW, readCertificates: false }).filter((d) => d.code === 'syntax-error');
      assert.deepEqual(found.map((d) => [path.basename(d.file), d.message.split(':')[0]]), [
        ['site.conf', 'directive "location" has no opening "{"'],
        ['site.conf', 'unexpected "{"'],
      ], `analysis ${i + 1}`);
    }
  });
});

test('structure errors (a block ended by ";", a block inside a value list) after edits equal from scratch', () => {
  inTempDir('nginx-tls-structure-', (dir) => {
    const file = path.join(dir, 'nginx.conf');
    // The same body under "types" and under "map" gives two different messages; a body of a server
    // block with a "location" ended by ";" gives one in both places.
    const texts = [
      'events {}\nhttp {\n    types {\n        a { }\n    }\n    server {\n        location;\n    }\n}\n',
      'events {}\nhttp {\n    map $a $b {\n        a { }\n    }\n    server {\n        location;\n    }\n}\n',
      'events {}\nhttp {\n    # a line above moves everything\n    map $a $b {\n        a { }\n    }\n    server {\n        location;\n    }\n}\n',
      'events {}\nhttp {\n    map $a $b {\n        a;\n    }\n    server {\n        location / { }\n    }\n}\n',
      'events {}\nhttp {\n    types {\n        a { }\n    }\n    server {\n        location;\n    }\n}\n',
    ];
    const session = editorSession(file, undefined, texts[0]);
    const messages: string[] = [];
    fs.writeFileSync(file, texts[0]);
    for (const next of texts) {
      session.type(next);
      const incremental = session.compare(file, { now: NOW, readCertificates: false }, JSON.stringify(next));
      messages.push(...incremental.diagnostics.filter((d) => d.code === 'syntax-error').map((d) => d.message));
    }
    // Both kinds were found, in both blocks.
    for (const m of ['a "types" block holds values', 'a "map" block holds values', 'directive "location" has no opening "{"']) {
      assert.ok(messages.some((x) => x.includes(m)), `${m} in ${JSON.stringify(messages)}`);
    }
  });
});
