import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');

/** Bundles the CLI from source into `dir` (as scripts/build.mjs does), so a stale dist/ never decides a test. */
export async function bundleCli(dir: string): Promise<string> {
  const cli = path.join(dir, 'cli.js');
  await build({ entryPoints: [path.join(ROOT, 'server/src/cli/run.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return cli;
}
