import { after, before } from 'node:test';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleCli } from './cliBundle';

/** What one CLI run gave; `signal` is set when the bound killed it. */
export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A temp workspace with the CLI bundled into it (made before the file's tests, removed after). */
export interface CliHarness {
  readonly dir: string;
  /** Runs the CLI, killed after `boundMs` (a bound for hangs, far above the expected time). */
  run(args: string[], options?: { cwd?: string; boundMs?: number }): CliRun;
  /** Writes files (relative path → text) under a named sub-directory and returns its path. */
  project(name: string, files: Record<string, string>): string;
}

/** Registers before/after hooks that create and remove the workspace. */
export function useCliHarness(prefix: string): CliHarness {
  let dir = '';
  let cli = '';
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    cli = await bundleCli(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    run(args, options = {}) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: options.cwd ?? dir, timeout: options.boundMs ?? 60_000, maxBuffer: 256 * 1024 * 1024 });
      return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
    },
    project(name, files) {
      const root = path.join(dir, name);
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      }
      return root;
    },
  };
}
