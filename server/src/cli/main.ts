import * as fs from 'node:fs';
import { checkPaths } from '../service/checkPaths';
import { createNodeHost } from '../service/model/configHost';
import { planFixes } from '../service/fixes/applyFixes';
import { writeFilesAtomically } from './atomicWrite';
import { formatText, toJsonDiagnostics } from './formatDiagnostics';
import { parseArgs, UsageError } from './parseArgs';
import { PROBE_USAGE } from './probeUsage';
import { requireBundle } from '../splitBundles';

/** Exit codes of the CLI (a contract). */
export const enum ExitCode {
  Clean = 0,
  Errors = 1,
  UsageOrIo = 2,
}

const VERSION = '0.1.0';

const FILE_PROBLEMS = new Set(['file-unreadable', 'binary-file', 'file-too-large']);

const USAGE = `Usage:
  nginx-tls check [--format text|json] [--fix] PATH...
      PATH: a main config (e.g. /etc/nginx/nginx.conf) or a directory
      (every nginx.conf / *.conf root in it).
      --fix applies the quick-fixes, writing each file atomically.
${PROBE_USAGE.replace(/^Usage:\n/, '').replace(/\nExit status:[\s\S]*$/, '')}
  nginx-tls --help | --version

Exit status: 0 no error finding, 1 error findings, 2 usage or I/O error.
`;

function runCheck(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return ExitCode.Clean;
  }
  const args = parseArgs(argv, { flags: ['fix'], options: ['format'] });
  const format = args.options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (args.positionals.length === 0) throw new UsageError('check needs at least one PATH');
  for (const p of args.positionals) {
    if (!fs.existsSync(p)) {
      process.stderr.write(`nginx-tls: ${p}: no such file or directory\n`);
      return ExitCode.UsageOrIo;
    }
  }
  const host = createNodeHost();
  let result = checkPaths(args.positionals, host, {});
  const textOf = (file: string): string | undefined => {
    for (const t of result.trees) {
      const f = t.files.get(file);
      if (f) return f.text;
    }
    return undefined;
  };
  if (args.flags.fix) {
    const plan = planFixes(result.diagnostics, textOf);
    try {
      writeFilesAtomically(plan.files);
    } catch (err) {
      process.stderr.write(`nginx-tls: no fix written: ${(err as Error).message}\n`);
      return ExitCode.UsageOrIo;
    }
    for (const s of plan.skipped) process.stderr.write(`nginx-tls: fix not applied: ${s.title}: ${s.reason}\n`);
    if (format === 'text' && plan.applied) process.stderr.write(`nginx-tls: applied ${plan.applied} fix${plan.applied === 1 ? '' : 'es'} in ${plan.files.size} file${plan.files.size === 1 ? '' : 's'}\n`);
    result = checkPaths(args.positionals, createNodeHost(), {});
  }
  const json = toJsonDiagnostics(result.diagnostics, textOf);
  // A PATH that could not be analysed at all is a usage/IO error; an unreadable include at any depth is a finding.
  const unusable = result.trees.filter((t) => !t.files.has(t.mainFile)).flatMap((t) => result.diagnostics.filter((d) => d.file === t.mainFile && d.start === 0 && d.end === 0 && FILE_PROBLEMS.has(d.code)));
  const filesChecked = new Set(result.trees.flatMap((t) => [...t.files.keys()])).size;
  if (format === 'json') process.stdout.write(JSON.stringify({ version: 1, diagnostics: json }, null, 2) + '\n');
  else process.stdout.write(formatText(json, filesChecked, process.cwd()));
  for (const d of unusable) process.stderr.write(`nginx-tls: ${d.message}\n`);
  for (const dir of result.emptyDirectories) process.stderr.write(`nginx-tls: ${dir}: no nginx configuration (nginx.conf or *.conf) in this directory\n`);
  if (unusable.length || result.emptyDirectories.length) return ExitCode.UsageOrIo;
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
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined ? ExitCode.UsageOrIo : ExitCode.Clean;
    }
    if (command === '--version' || command === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return ExitCode.Clean;
    }
    if (command === 'check') return runCheck(rest);
    if (command === 'probe') return await loadProbeCommand().runProbeCommand(rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`nginx-tls: ${err.message}\n\n${USAGE}`);
      return ExitCode.UsageOrIo;
    }
    process.stderr.write(`nginx-tls: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return ExitCode.UsageOrIo;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
