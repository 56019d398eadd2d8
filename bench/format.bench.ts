// Formatter speed on the 35k-line corpus config, side by side with the nginx formatters on npm
// (bench/formatters/, installed by `npm run bench:format`), and whether each keeps what nginx reads.
// Run: npm run bench:format   (a measurement, not a test; scripts/run-bench.mjs bundles it like the product)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyFormatEdits, checkSameTokens, DEFAULT_FORMAT_OPTIONS, formatDocument } from '../server/src/service/format';
import { parseConfig } from '../server/src/service/parser/parseConfig';

// Paths from the repository root: npm scripts run there.
const ROOT = process.cwd();
const LARGE = path.resolve(ROOT, '../shared/corpus/nginxinc__nginx-go-crossplane/testdata/configs/large-config/nginx.conf');
const CLI = path.resolve(ROOT, 'dist/cli.js');
const OTHERS = path.resolve(ROOT, 'bench/formatters/node_modules');
const IN_PROCESS = { warmup: 5, runs: 20 };
const PROCESS_RUNS = 5;
/** A contender slower than this per run is timed once. */
const SLOW_RUN_MS = 10_000;
const PROCESS_TIMEOUT_MS = 120_000;

/** Collects garbage when node runs with --expose-gc, so that each run starts from a clean heap. */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

function middle(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Median milliseconds of `fn` in this process. */
function inProcessMs(fn: () => void): number {
  for (let i = 0; i < IN_PROCESS.warmup; i++) fn();
  const samples = Array.from({ length: IN_PROCESS.runs }, () => {
    collectGarbage();
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  });
  return middle(samples);
}

/** A formatter run as its users run it: a whole process that leaves its result in `output`. */
interface Contender {
  name: string;
  available: boolean;
  run(input: string, output: string): { cmd: string; args: string[]; stdoutTo?: string };
}

function contenders(): Contender[] {
  const beautifier = path.join(OTHERS, 'nginxbeautifier/index.js');
  const prettier = path.join(OTHERS, 'prettier/bin/prettier.cjs');
  const plugin = path.join(OTHERS, 'prettier-plugin-nginx/dist/index.js');
  const version = (pkg: string): string => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(OTHERS, pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  return [
    {
      name: 'nginx-tls format',
      available: fs.existsSync(CLI),
      run: (input) => ({ cmd: process.execPath, args: [CLI, 'format', input] }),
    },
    {
      name: `nginxbeautifier ${version('nginxbeautifier')}`,
      available: fs.existsSync(beautifier),
      // In place: its -o wants an existing file.
      run: (input) => ({ cmd: process.execPath, args: [beautifier, '-s', '4', '-i', input] }),
    },
    {
      name: `prettier-plugin-nginx ${version('prettier-plugin-nginx')} (prettier ${version('prettier')})`,
      available: fs.existsSync(prettier) && fs.existsSync(plugin),
      run: (input, output) => ({ cmd: process.execPath, args: [prettier, '--plugin', plugin, '--parser', 'nginx', input], stdoutTo: output }),
    },
  ];
}

function timeContender(c: Contender, source: string, dir: string): { ms: number; failed?: string; result?: string } {
  const samples: number[] = [];
  let result: string | undefined;
  for (let i = 0; i < PROCESS_RUNS; i++) {
    const input = path.join(dir, `input-${i}.conf`);
    const output = path.join(dir, `output-${i}.conf`);
    fs.writeFileSync(input, source);
    const { cmd, args, stdoutTo } = c.run(input, output);
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: PROCESS_TIMEOUT_MS });
    samples.push(performance.now() - t0);
    if (r.status !== 0 || r.error) return { ms: middle(samples), failed: (r.error?.message ?? r.stderr.split('\n')[0]) || `exit ${r.status}` };
    if (stdoutTo) fs.writeFileSync(stdoutTo, r.stdout);
    result = fs.readFileSync(fs.existsSync(output) ? output : input, 'utf8');
    if (samples[0] > SLOW_RUN_MS) break;
  }
  return { ms: middle(samples), result };
}

function main(): void {
  if (!fs.existsSync(LARGE)) throw new Error(`corpus file not found: ${LARGE}`);
  const text = fs.readFileSync(LARGE, 'utf8');
  console.log(`file: large-config/nginx.conf, ${(text.length / 1e6).toFixed(2)} MB, ${text.split('\n').length} lines; node ${process.version}, ${os.cpus().length} cores`);

  const whole = inProcessMs(() => formatDocument(text, DEFAULT_FORMAT_OPTIONS));
  const parse = inProcessMs(() => parseConfig(text, LARGE));
  const formatted = applyFormatEdits(text, formatDocument(text, DEFAULT_FORMAT_OPTIONS).edits);
  console.log(`in-process formatDocument (median of ${IN_PROCESS.runs} after ${IN_PROCESS.warmup} warm-up): ${whole.toFixed(1)} ms, of which two parses (the text and, for the guarantee, its result) ~${(2 * parse).toFixed(1)} ms`);
  console.log(`  ${text === formatted ? 'already formatted' : `${formatDocument(text, DEFAULT_FORMAT_OPTIONS).edits.length} edits`}; idempotent: ${formatDocument(formatted, DEFAULT_FORMAT_OPTIONS).edits.length === 0}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-bench-format-'));
  try {
    console.log(`whole process, formatting a copy of the file (median of ${PROCESS_RUNS}, or one run when over ${SLOW_RUN_MS / 1000} s); load average ${os.loadavg()[0].toFixed(1)}:`);
    for (const c of contenders()) {
      if (!c.available) {
        console.log(`  ${c.name}: not installed (npm run bench:format installs it into bench/formatters/)`);
        continue;
      }
      const r = timeContender(c, text, dir);
      if (r.failed || r.result === undefined) {
        console.log(`  ${c.name}: ${r.ms.toFixed(0)} ms, failed: ${r.failed}`);
        continue;
      }
      const differs = checkSameTokens(text, r.result);
      console.log(`  ${c.name}: ${r.ms.toFixed(0)} ms; what nginx reads: ${differs ? `changed (${differs.slice(0, 160)})` : 'unchanged'}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
