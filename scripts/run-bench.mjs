// Runs a benchmark from bench/ the way the product runs: bundled by esbuild (as dist/ is), not
// through a TypeScript loader, which makes hot loops several times slower. Usage: run-bench.mjs NAME [ARGS]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

const [name, ...args] = process.argv.slice(2);
const outfile = `out/bench/${name}.js`;
await build({ entryPoints: [`bench/${name}.ts`], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', packages: 'external' });
const r = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
