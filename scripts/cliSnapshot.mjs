// The CLI's V8 startup snapshot (Node ≥ 20 `--build-snapshot`) and its launcher: used by
// scripts/build.mjs for dist/ and by test/unit/cliSnapshot.test.ts for a copy of its own.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

/** How the launcher recognises the node binary a snapshot was built with: real path, size, mtime in seconds (what `stat -c %s:%Y` prints). */
export function nodeIdentity(execPath = process.execPath) {
  const real = fs.realpathSync(execPath);
  const stat = fs.statSync(real);
  return `${real}:${stat.size}:${Math.floor(stat.mtimeMs / 1000)}`;
}

/**
 * Writes `nginx-tls` (the launcher), and `cli-snapshot.blob` with `cli-snapshot.node` (this node's
 * identity) into `outDir`, next to the `cli.js` the launcher falls back to. A snapshot that cannot
 * be built leaves no blob behind: the launcher then runs cli.js.
 */
export async function buildCliSnapshot(root, outDir) {
  const launcher = path.join(outDir, 'nginx-tls');
  fs.copyFileSync(path.join(root, 'server/src/cli/launcher.sh'), launcher);
  fs.chmodSync(launcher, 0o755);
  const entry = path.join(outDir, 'cli-snapshot.js');
  const blob = path.join(outDir, 'cli-snapshot.blob');
  const stamp = path.join(outDir, 'cli-snapshot.node');
  for (const f of [blob, stamp]) fs.rmSync(f, { force: true });
  await build({
    entryPoints: [path.join(root, 'server/src/cli/snapshot.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // The snapshot builder runs one script and gives it no `module`; everything in one bundle.
    format: 'iife',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { NGINX_TLS_SPLIT: 'false' },
  });
  const made = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], { encoding: 'utf8' });
  fs.rmSync(entry, { force: true });
  if (made.status !== 0 || !fs.existsSync(blob)) {
    fs.rmSync(blob, { force: true });
    return { ok: false, reason: (made.stderr || made.error?.message || `exit ${made.status}`).trim() };
  }
  fs.writeFileSync(stamp, `${nodeIdentity()}\n`);
  return { ok: true };
}
