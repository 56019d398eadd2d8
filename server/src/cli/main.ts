import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkPaths, createNodeHost, findDumpTruncation, fixAll, sortAndDedupe, type ConfigDiagnostic } from '../service';
import { DEPLOYED_OPTIONS, DEPLOYED_USAGE, DeployedInputError, resolveCheckTarget } from './deployedInput';
import { recoverInterruptedWrites, writeFilesAtomically } from './atomicWrite';
import { toSarif } from './sarif';
import { isThisMachinesConfig, readLocalResolution } from '../system/localResolution';
import { formatText, toJsonDiagnostics } from './formatDiagnostics';
import { parseArgs, UsageError } from './parseArgs';
import { ExitCode } from './exitCodes';
import { PROBE_USAGE } from './probeUsage';
import { OCSP_FETCH_USAGE } from './ocspFetchUsage';
import { FORMAT_USAGE, runFormatCommand } from './formatCommand';
import { requireBundle } from '../splitBundles';
import { NGINX_TEST_FLAGS, NGINX_TEST_OPTIONS, NGINX_TEST_USAGE, runNginxTests, wantsNginxTest } from './nginxTestOption';


const VERSION = '0.1.0';

const FILE_PROBLEMS = new Set(['file-unreadable', 'binary-file', 'file-too-large']);

const USAGE = `Usage:
  nginx-tls check [--format text|json|sarif] [--fix [--fix-outside]] [--nginx-version X.Y.Z]
                  [--nginx-t [--nginx-t-command CMD]] PATH...
  nginx-tls check [--format text|json|sarif] [--nginx-V FILE] [--root DIR] --nginx-T FILE|-
      PATH: a main config (e.g. /etc/nginx/nginx.conf) or a directory
      (every nginx.conf / *.conf root in it).
      --fix applies the quick-fixes, round after round until none is left,
      all files or none; only inside the given PATHs (a main config's
      directory) unless --fix-outside.
${DEPLOYED_USAGE}
${NGINX_TEST_USAGE}
${PROBE_USAGE.replace(/^Usage:\n/, '').replace(/\nExit status:[\s\S]*$/, '')}
${OCSP_FETCH_USAGE}${FORMAT_USAGE.replace(/^Usage:\n/, '').replace(/\nExit status:[\s\S]*$/, '')}
  nginx-tls --help | --version

Exit status: 0 no error finding, 1 error findings (format --check: a file would change),
2 usage or I/O error.
`;

/** The directory a PATH stands for: itself, or a main config's directory (its conf prefix). */
function directoryOf(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.statSync(abs).isDirectory() ? abs : path.dirname(abs);
  } catch {
    return path.dirname(abs);
  }
}

function realDirectoryOf(p: string): string {
  const dir = directoryOf(p);
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

function isInside(file: string, roots: readonly string[]): boolean {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    real = path.resolve(file);
  }
  return roots.some((root) => {
    const rel = path.relative(root, real);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/**
 * Takes the fixes off findings whose first fix edits a file that (symlinks resolved) lies outside
 * every given PATH (a directory, or a main config's directory), and lists them.
 */
function withholdFixesOutside(diagnostics: ConfigDiagnostic[], roots: readonly string[]): { title: string; file: string }[] {
  const withheld: { title: string; file: string }[] = [];
  for (const d of diagnostics) {
    const fix = d.fixes[0];
    const away = fix?.edits.find((e) => !isInside(e.file, roots));
    if (fix && away) {
      withheld.push({ title: fix.title, file: away.file });
      d.fixes = [];
    }
  }
  return withheld;
}

/** Why a PATH cannot be checked at all (missing, a symlink loop, a name too long...), or undefined. */
function pathProblem(p: string): string | undefined {
  try {
    fs.statSync(p);
    return undefined;
  } catch (err) {
    switch ((err as NodeJS.ErrnoException).code) {
      case 'ENOENT': return 'no such file or directory';
      case 'ENOTDIR': return 'a part of the path is not a directory';
      case 'ELOOP': return 'too many levels of symbolic links (a symlink loop)';
      case 'ENAMETOOLONG': return 'file name too long';
      case 'EACCES': case 'EPERM': return 'permission denied';
      default: return (err as Error).message;
    }
  }
}

/** Output that cannot be written (a closed pipe, a full disk) ends the CLI quietly: one line, exit 2. */
function exitOnOutputError(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    const reason = err.code === 'EPIPE' ? 'the reader closed the pipe' : err.code === 'ENOSPC' ? 'no space left on device' : err.message;
    try {
      process.stderr.write(`nginx-tls: cannot write the output: ${reason}\n`);
    } catch {
      // stderr is gone too: nothing left to tell.
    }
    process.exit(ExitCode.UsageOrIo);
  });
}

async function runCheck(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return ExitCode.Clean;
  }
  const args = parseArgs(argv, { flags: ['fix', 'fix-outside', ...NGINX_TEST_FLAGS], options: ['format', ...DEPLOYED_OPTIONS, ...NGINX_TEST_OPTIONS] });
  const nginxTest = wantsNginxTest(args);
  const format = args.options.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  if (args.flags['fix-outside'] && !args.flags.fix) throw new UsageError('--fix-outside only goes with --fix');
  const target = resolveCheckTarget(args);
  for (const p of target.dump ? [] : target.paths) {
    const problem = pathProblem(p);
    if (problem) {
      process.stderr.write(`nginx-tls: ${p}: ${problem}\n`);
      return ExitCode.UsageOrIo;
    }
  }
  if (args.flags.fix) {
    for (const r of recoverInterruptedWrites(target.paths.map((p) => directoryOf(p)))) {
      process.stderr.write(`nginx-tls: an interrupted --fix was ${r.outcome === 'rolled-forward' ? 'completed' : 'undone'}: ${r.files.join(', ')}\n`);
    }
  }
  if (!target.dump && target.paths.some(isThisMachinesConfig)) {
    // This machine's own nginx: its fixes use the resolvers the machine uses, and names only its
    // /etc/hosts knows are flagged (nginx's resolver never reads that file).
    const local = readLocalResolution();
    target.settings = { ...target.settings, localHostNames: local.localHostNames, ...(local.resolvers ? { resolvers: local.resolvers } : {}) };
  }
  let result = checkPaths(target.paths, target.host, target.settings);
  const truncation = target.dump && findDumpTruncation(target.dump, result.diagnostics);
  if (truncation) {
    process.stderr.write(`nginx-tls: ${truncation}\n`);
    return ExitCode.UsageOrIo;
  }
  let textOf = (file: string): string | undefined => {
    for (const t of result.trees) {
      const f = t.files.get(file);
      if (f) return f.text;
    }
    return undefined;
  };
  if (args.flags.fix) {
    const roots = target.paths.map((p) => realDirectoryOf(p));
    const outside = new Map<string, string>();
    const withhold = (diagnostics: ConfigDiagnostic[]): ConfigDiagnostic[] => {
      if (!args.flags['fix-outside']) for (const o of withholdFixesOutside(diagnostics, roots)) outside.set(o.title, o.file);
      return diagnostics;
    };
    const plan = fixAll(withhold(result.diagnostics), textOf, (texts) => {
      const overlay = (file: string): { text: string; version: number } | undefined => (texts.has(file) ? { text: texts.get(file) as string, version: 1 } : undefined);
      return withhold(checkPaths(target.paths, createNodeHost({ overlay }), target.settings).diagnostics);
    });
    for (const [title, file] of outside) process.stderr.write(`nginx-tls: fix not applied: ${title}: it edits ${file}, outside the given paths (--fix-outside allows it)\n`);
    try {
      writeFilesAtomically(plan.files);
    } catch (err) {
      process.stderr.write(`nginx-tls: no fix written: ${(err as Error).message}\n`);
      return ExitCode.UsageOrIo;
    }
    for (const s of plan.skipped) process.stderr.write(`nginx-tls: fix not applied: ${s.title}: ${s.reason}\n`);
    if (plan.unsettled) process.stderr.write(`nginx-tls: fixing stopped after ${plan.rounds} rounds: ${plan.unsettled}; please report this config\n`);
    if (format === 'text' && plan.applied) process.stderr.write(`nginx-tls: applied ${plan.applied} fix${plan.applied === 1 ? '' : 'es'} in ${plan.files.size} file${plan.files.size === 1 ? '' : 's'}${plan.rounds > 1 ? ` (${plan.rounds} rounds: some fixes became possible only after others)` : ''}\n`);
    result = checkPaths(target.paths, createNodeHost(), target.settings);
  }
  const tested = nginxTest ? await runNginxTests(args, result.trees, textOf) : undefined;
  if (tested) {
    result = { ...result, diagnostics: sortAndDedupe([...result.diagnostics, ...tested.diagnostics]) };
    textOf = tested.textOf;
  }
  const json = toJsonDiagnostics(result.diagnostics, textOf);
  // A PATH that could not be analysed at all is a usage/IO error; an unreadable include at any depth is a finding.
  const unusable = result.trees.filter((t) => !t.files.has(t.mainFile)).flatMap((t) => result.diagnostics.filter((d) => d.file === t.mainFile && d.start === 0 && d.end === 0 && FILE_PROBLEMS.has(d.code)));
  const filesChecked = new Set(result.trees.flatMap((t) => [...t.files.keys()])).size;
  if (format === 'json') process.stdout.write(JSON.stringify({ version: 1, diagnostics: json }, null, 2) + '\n');
  else if (format === 'sarif') process.stdout.write(JSON.stringify(toSarif(json, { version: VERSION, cwd: process.cwd() }), null, 2) + '\n');
  else process.stdout.write(formatText(json, filesChecked, process.cwd()));
  for (const d of unusable) process.stderr.write(`nginx-tls: ${d.message}\n`);
  for (const dir of result.emptyDirectories) process.stderr.write(`nginx-tls: ${dir}: no nginx configuration (nginx.conf or *.conf) in this directory\n`);
  for (const problem of tested?.problems ?? []) process.stderr.write(`nginx-tls: ${problem}\n`);
  if (unusable.length || result.emptyDirectories.length || tested?.problems.length) return ExitCode.UsageOrIo;
  return result.diagnostics.some((d) => d.severity === 'error') ? ExitCode.Errors : ExitCode.Clean;
}

type ProbeCommandModule = typeof import('./probeCommand');

/** The probe command, loaded only when used (in dist/ it is a bundle of its own, probe-cli.js). */
function loadProbeCommand(): ProbeCommandModule {
  return typeof NGINX_TLS_SPLIT !== 'undefined' && NGINX_TLS_SPLIT
    ? requireBundle<ProbeCommandModule>('probe-cli.js')
    : (require('./probeCommand') as ProbeCommandModule);
}

/** Runs the CLI and resolves to its exit code; never rejects. */
export async function main(argv: string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      process.stderr.write(USAGE);
      return ExitCode.UsageOrIo;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return ExitCode.Clean;
    }
    if (command === '--version' || command === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return ExitCode.Clean;
    }
    if (command === 'check') return await runCheck(rest);
    if (command === 'format') return runFormatCommand(rest);
    if (command === 'probe') return await loadProbeCommand().runProbeCommand(rest);
    if (command === 'ocsp-fetch') return await loadProbeCommand().runOcspFetchCommand(rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof DeployedInputError) {
      process.stderr.write(`nginx-tls: ${err.message}\n`);
      return ExitCode.UsageOrIo;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`nginx-tls: ${err.message}\n\n${USAGE}`);
      return ExitCode.UsageOrIo;
    }
    process.stderr.write(`nginx-tls: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return ExitCode.UsageOrIo;
  }
}

/** Runs the CLI on `argv` (the arguments after the script) and sets the exit code. */
export function runCli(argv: string[]): void {
  exitOnOutputError();
  void main(argv).then((code) => {
    process.exitCode = code;
  });
}
