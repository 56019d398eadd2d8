// Parser and CLI speed on the 35k-line corpus config, side by side with nginx-conf and `nginx -t`.
// Run: npm run bench   (figures go to the README; this is a measurement, not a test)
// (scripts/run-bench.mjs bundles it like the product and runs it with --expose-gc)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NginxParser } from 'nginx-conf/dist/src/parser';
import { parseConfig } from '../server/src/service/parser/parseConfig';
import { createNodeHost } from '../server/src/service/model/configHost';
import { loadConfig } from '../server/src/service/model/loadConfig';
import { checkBlockStructure } from '../server/src/service/checks/checkBlockStructure';
import { runDirectiveChecks } from '../server/src/service/checks';
import { analyzeTree, runRules } from '../server/src/service/analyzeTree';
import { findNginx } from '../test/support/nginxBinary';
import { neutraliseForNginx } from './nginxCompare';

// Paths from the repository root: npm scripts run there (scripts/run-bench.mjs bundles this file into out/).
const ROOT = process.cwd();
const LARGE = path.resolve(ROOT, '../shared/corpus/nginxinc__nginx-go-crossplane/testdata/configs/large-config/nginx.conf');
const CLI = path.resolve(ROOT, 'dist/cli.js');
const WARMUP = 20;
const RUNS = 50;
const PROCESS_RUNS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Collects garbage when node runs with --expose-gc, so that each run starts from a clean heap. */
const collect = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

function timeInProcess(fn: () => void): number {
  for (let i = 0; i < WARMUP; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    collect();
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

function timeProcess(cmd: string, args: string[]): number {
  const t = performance.now();
  spawnSync(cmd, args, { stdio: 'ignore' });
  return performance.now() - t;
}

function main(): void {
  if (!fs.existsSync(LARGE)) throw new Error(`corpus file not found: ${LARGE}`);
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js not found: run npm run build first');
  const text = fs.readFileSync(LARGE, 'utf8');
  console.log(`file: large-config/nginx.conf, ${(text.length / 1e6).toFixed(2)} MB, ${text.split('\n').length} lines; node ${process.version}, ${os.cpus().length} cores`);

  const ours = timeInProcess(() => parseConfig(text, LARGE));
  const theirs = timeInProcess(() => new NginxParser().parse(text, () => undefined));
  const method = (globalThis as { gc?: unknown }).gc ? 'heap collected before each run' : 'run node with --expose-gc to collect the heap between runs';
  console.log(`in-process parse (median of ${RUNS} after ${WARMUP} warm-up; ${method}): nginx-tls ${ours.toFixed(1)} ms, nginx-conf ${theirs.toFixed(1)} ms`);
  const host = createNodeHost();
  const tree = loadConfig(LARGE, { host });
  const load = timeInProcess(() => loadConfig(LARGE, { host }));
  const structure = timeInProcess(() => checkBlockStructure(tree));
  const directives = timeInProcess(() => runDirectiveChecks(tree));
  const rules = timeInProcess(() => runRules(tree));
  const all = timeInProcess(() => analyzeTree(loadConfig(LARGE, { host }), {}));
  const foundation = load + structure;
  console.log(`in-process, same method: load (read + parse + includes) ${load.toFixed(1)} ms, structure checks ${structure.toFixed(1)} ms, directive checks ${directives.toFixed(1)} ms, TLS rules ${rules.toFixed(1)} ms`);
  console.log(`  TLS rules add ${((rules / foundation) * 100).toFixed(0)}% to the foundation (load + structure); everything (load + analyzeTree) ${all.toFixed(1)} ms`);

  const nginx = findNginx();
  if (!nginx) {
    console.log('nginx not installed: CLI vs nginx -t comparison skipped');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-bench-'));
  try {
    const prepared = neutraliseForNginx(nginx, LARGE, dir);
    if (!prepared.ok) throw new Error(`could not make nginx -t accept the file: ${prepared.last ?? 'too many attempts'}`);
    const cliTimes: number[] = [];
    const nginxTimes: number[] = [];
    for (let i = 0; i < PROCESS_RUNS; i++) {
      cliTimes.push(timeProcess(process.execPath, [CLI, 'check', prepared.file]));
      nginxTimes.push(timeProcess(nginx, ['-t', '-q', '-p', dir, '-c', prepared.file, '-e', path.join(dir, 'error.log')]));
    }
    const cli = median(cliTimes);
    const ng = median(nginxTimes);
    console.log(`whole process on the same file (${prepared.commented} lines commented out so that nginx reads it all; median of ${PROCESS_RUNS}, alternating):`);
    console.log(`  nginx-tls check: ${cli.toFixed(0)} ms   nginx -t: ${ng.toFixed(0)} ms   ratio ${(cli / ng).toFixed(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
