// Compiles the end-to-end suite (test/e2e/suite/**/*.ts) to out/e2e/suite/*.js for the extension host:
// one CommonJS file per source, so the test files share one helpers module; vscode and mocha stay runtime requires.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'test', 'e2e', 'suite');
const outDir = path.join(root, 'out', 'e2e', 'suite');
const entryPoints = fs.readdirSync(srcDir, { recursive: true })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => path.join(srcDir, f));

fs.rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints,
  outbase: srcDir,
  outdir: outDir,
  bundle: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
console.log(`build-e2e: ${entryPoints.length} files -> ${path.relative(root, outDir)}`);
