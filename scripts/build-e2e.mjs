// Compiles the end-to-end suite (test/e2e/suite/**/*.ts) to out/e2e/suite/*.js for the extension host: one CommonJS
// file per source. Imports of other suite files (./helpers) stay runtime requires, so the test files share one helpers
// module; everything else they import (test/support's PKI and lab, test/e2e/support, their npm dependencies) is bundled
// in, since the extension host only has the extension's own node_modules at hand. vscode and mocha stay external.
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

/** Keeps `./x` imports between suite files as requires of the sibling output file. */
const suiteSiblingsExternal = {
  name: 'suite-siblings-external',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      if (!target.startsWith(srcDir + path.sep) || !args.importer.startsWith(srcDir + path.sep)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

fs.rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints,
  outbase: srcDir,
  outdir: outDir,
  bundle: true,
  external: ['vscode', 'mocha'],
  plugins: [suiteSiblingsExternal],
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
console.log(`build-e2e: ${entryPoints.length} files -> ${path.relative(root, outDir)}`);
