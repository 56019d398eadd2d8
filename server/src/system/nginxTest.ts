// Runs the real `nginx -t` on a main config, on the user's request only (nginxTls.nginxTest
// onSave in a trusted workspace, or `check --nginx-t`), and reads what it says as diagnostics.
// Kept out of service/, which never starts a process.
import { execFile } from 'node:child_process';
import { readNginxTestOutput, setsPidFile, type ConfigTree, type NginxTestOutcome } from '../service';

/** How long one nginx -t may take (it resolves upstream host names, loads every certificate) before it is given up on. */
const NGINX_TEST_TIMEOUT_MS = 30_000;

/**
 * The arguments appended to the command (program and leading arguments, e.g. `sudo -n nginx`):
 * `-t -q`, `-e /dev/null` (1.19.5+: the messages nginx prints before reading the config's own
 * error_log go to the console only, not into the system's error log), `-g "pid /dev/null;"` when
 * the config sets no pid (test mode opens the pid file with O_CREAT: the compiled-in /run/nginx.pid
 * would be created, or refused to a user other than root; a second `pid` is a duplicate, so a
 * config's own is kept), then `-c MAIN`. The prefix stays nginx's own (no -p), so relative paths
 * resolve as when nginx runs. -e and -g are left out when the command already has them.
 */
export function nginxTestArguments(command: readonly string[], mainFile: string, options: { setsPid: boolean; errorLogOption: boolean }): string[] {
  const args = ['-t', '-q'];
  if (options.errorLogOption && !command.includes('-e')) args.push('-e', '/dev/null');
  if (!options.setsPid && !command.includes('-g')) args.push('-g', 'pid /dev/null;');
  return [...command, ...args, '-c', mainFile];
}

/** The command a setting or option names: the program and its leading arguments; empty = `nginx` on PATH (or the given binary). */
export function nginxTestCommand(command: readonly string[], binary = ''): string[] {
  const words = command.map((w) => w.trim()).filter((w) => w !== '');
  return words.length ? words : [binary.trim() || 'nginx'];
}

/** What a process run gave: its combined output and exit status, or why it could not run at all. */
type RunResult = { output: string; exitCode: number | null } | { error: string };

function run(argv: readonly string[]): Promise<RunResult> {
  const [program, ...args] = argv;
  return new Promise((resolve) => {
    execFile(program, args, { timeout: NGINX_TEST_TIMEOUT_MS, windowsHide: true, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: string | number }) | null;
      if (e?.code === 'ENOENT') return resolve({ error: `${program} not found${program.includes('/') ? '' : ' on PATH'}` });
      if (e?.code === 'EACCES') return resolve({ error: `${program}: permission denied (not executable by this user)` });
      if (e?.killed) return resolve({ error: `${argv.join(' ')} did not finish within ${NGINX_TEST_TIMEOUT_MS / 1000} s` });
      resolve({ output: `${stderr}${stdout}`, exitCode: e === null ? 0 : typeof e.code === 'number' ? e.code : null });
    });
  });
}

/** One test of a config: the command line run (for the output channel) and its outcome. */
export interface NginxTestRun {
  commandLine: string;
  outcome: NginxTestOutcome;
}

/**
 * Runs nginx -t on the tree's main config with `command` and reads its output; `textOf` gives the
 * files as nginx read them (the disk, not unsaved editors). An nginx older than 1.19.5, which has
 * no -e, is run again without it.
 */
export async function testConfigWithNginx(command: readonly string[], tree: ConfigTree, textOf: (file: string) => string | undefined): Promise<NginxTestRun> {
  const options = { setsPid: setsPidFile(tree), errorLogOption: true };
  let argv = nginxTestArguments(command, tree.mainFile, options);
  let result = await run(argv);
  if ('output' in result && /invalid option: "e"/.test(result.output)) {
    argv = nginxTestArguments(command, tree.mainFile, { ...options, errorLogOption: false });
    result = await run(argv);
  }
  const commandLine = argv.map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  if ('error' in result) return { commandLine, outcome: { kind: 'unusable', message: `nginx -t could not be run: ${result.error}` } };
  return { commandLine, outcome: readNginxTestOutput(result, tree.mainFile, textOf) };
}
