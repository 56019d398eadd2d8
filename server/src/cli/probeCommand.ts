// `nginx-tls probe`: probes a live server and compares it with the certificate and, with
// --config, with what the nginx config says.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probeServer } from '../network/probeServer';
import { parseArgs, UsageError } from './parseArgs';
import { loadDumpConfig } from './deployedInput';

import { PROBE_USAGE } from './probeUsage';
import { compareWithConfig, createNodeHost, createProbeReport, expectationFromConfig, formatProbeReport, LineIndex, loadConfig, readCertificateFile, type ConfigLocation, type ConfigTree, type Position, type ProbeExpectation, type ProbeOptions, type ProbeReport, type ProbeTarget } from '../service';

export { PROBE_USAGE };

// Exit codes: the same contract as `nginx-tls check` (main.ts ExitCode).
const EXIT_CLEAN = 0;
const EXIT_ERRORS = 1;
const EXIT_USAGE_OR_IO = 2;
const DEFAULT_HTTPS_PORT = 443;

/** Runs `nginx-tls probe ARGS` and resolves to its exit code; never rejects. */
export async function runProbeCommand(argv: string[]): Promise<number> {
  try {
    return await probe(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`nginx-tls: ${error.message}\n\n${PROBE_USAGE}`);
      return EXIT_USAGE_OR_IO;
    }
    if (error instanceof InputError) {
      process.stderr.write(`nginx-tls: ${error.message}\n`);
      return EXIT_USAGE_OR_IO;
    }
    process.stderr.write(`nginx-tls: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_USAGE_OR_IO;
  }
}

/** A file the user named cannot be used (exit code 2, no usage text). */
class InputError extends Error {}

async function probe(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(PROBE_USAGE);
    return EXIT_CLEAN;
  }
  const args = parseArgs(argv, { flags: [], options: ['format', 'config', 'nginx-T', 'root', 'server-name', 'connect', 'ca', 'warmup-ms', 'timeout-ms'] });
  const format = args.options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (args.positionals.length > 1) throw new UsageError('probe takes one HOST[:PORT]');
  const hostArgument = args.positionals[0] !== undefined ? parseHostPort(args.positionals[0], 'HOST[:PORT]') : undefined;
  const connect = args.options.connect !== undefined ? parseHostPort(args.options.connect, '--connect') : undefined;

  let tree: ConfigTree | undefined;
  let expectation: ProbeExpectation | undefined;
  const configSource = args.options.config ?? args.options['nginx-T'];
  if (configSource !== undefined) {
    if (args.options.config !== undefined && args.options['nginx-T'] !== undefined) throw new UsageError('--config and --nginx-T both name the config: give one');
    tree = loadMainConfig(args.options);
    const selected = expectationFromConfig(tree, {
      ...((args.options['server-name'] ?? hostArgument?.host) !== undefined ? { serverName: args.options['server-name'] ?? hostArgument?.host } : {}),
      ...(hostArgument?.port !== undefined ? { port: hostArgument.port } : {}),
    });
    if (!selected.ok) throw new InputError(`${configSource}: ${selected.reason}`);
    expectation = selected.expectation;
  } else if (args.options['server-name'] !== undefined) {
    throw new UsageError('--server-name selects a server block of --config: give --config too');
  }

  const serverName = hostArgument?.host ?? expectation?.serverName;
  if (serverName === undefined) throw new UsageError('probe needs HOST[:PORT] (or --config with a TLS server)');
  const target: ProbeTarget = {
    serverName,
    port: hostArgument?.port ?? expectation?.port ?? DEFAULT_HTTPS_PORT,
    ...(connect ? { connect: { host: connect.host, port: connect.port ?? hostArgument?.port ?? expectation?.port ?? DEFAULT_HTTPS_PORT } } : {}),
  };
  const options: ProbeOptions = {
    ...(args.options.ca !== undefined ? { caPem: readCaFile(args.options.ca) } : {}),
    ...(args.options['warmup-ms'] !== undefined ? { warmupMs: parseMilliseconds(args.options['warmup-ms'], '--warmup-ms') } : {}),
    ...(args.options['timeout-ms'] !== undefined ? { timeoutMs: parseMilliseconds(args.options['timeout-ms'], '--timeout-ms') } : {}),
  };

  // Ctrl-C stops the probe early; what was observed so far is still reported.
  const cancel = new AbortController();
  const onInterrupt = (): void => cancel.abort();
  process.once('SIGINT', onInterrupt);
  let report: ProbeReport;
  try {
    const observation = await probeServer(target, options, cancel.signal);
    report = createProbeReport(observation, compareWithConfig(observation, expectation));
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }

  if (format === 'json') {
    // The documented sections are always present: null where the probe did not get that far.
    const sections = { certificate: null, stapling: null, sessions: null, protocols: null, ocspResponder: null };
    const json = { ...sections, ...report, findings: report.findings.map((finding) => withPositions(finding, tree)) };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    process.stdout.write(formatProbeReport(report, { locate: (location) => describeLocation(location, tree) }));
  }
  return report.findings.some((finding) => finding.severity === 'error') ? EXIT_ERRORS : EXIT_CLEAN;
}

/** Parses `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 literal. */
function parseHostPort(text: string, what: string): { host: string; port?: number } {
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new UsageError(`${what}: missing "]" in "${text}"`);
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new UsageError(`${what}: unexpected "${rest}" after "]"`);
    portText = rest === '' ? undefined : rest.slice(1);
  } else if (text.indexOf(':') === text.lastIndexOf(':') && text.includes(':')) {
    host = text.slice(0, text.indexOf(':'));
    portText = text.slice(text.indexOf(':') + 1);
  }
  if (host === '') throw new UsageError(`${what}: empty host in "${text}"`);
  if (portText === undefined) return { host };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new UsageError(`${what}: "${portText}" is not a port (1-65535)`);
  return { host, port };
}

function parseMilliseconds(text: string, option: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} takes a number of milliseconds, not "${text}"`);
  return Number(text);
}

function loadMainConfig(options: Record<string, string | undefined>): ConfigTree {
  if (options['nginx-T'] !== undefined) {
    const loaded = loadDumpConfig(options);
    if ('error' in loaded) throw new InputError(loaded.error);
    return loaded.tree;
  }
  const file = options.config as string;
  const tree = loadConfig(file, { host: createNodeHost() });
  if (!tree.files.has(tree.mainFile)) {
    const problem = tree.diagnostics.find((diagnostic) => diagnostic.file === tree.mainFile);
    throw new InputError(problem?.message ?? `cannot read ${file}`);
  }
  return tree;
}

function readCaFile(file: string): string {
  const result = readCertificateFile(path.resolve(file));
  if (result.kind === 'error') throw new InputError(`--ca: ${result.message}`);
  return fs.readFileSync(file, 'latin1');
}

function positionsOf(location: ConfigLocation, tree: ConfigTree | undefined): { start: Position; end: Position } | undefined {
  const text = tree?.files.get(location.file)?.text;
  if (text === undefined) return undefined;
  const index = new LineIndex(text);
  return { start: index.positionAt(location.start), end: index.positionAt(location.end) };
}

function withPositions(finding: ProbeReport['findings'][number], tree: ConfigTree | undefined): object {
  if (!finding.configLocation) return finding;
  const range = positionsOf(finding.configLocation, tree);
  return range ? { ...finding, configLocation: { ...finding.configLocation, range } } : finding;
}

function describeLocation(location: ConfigLocation, tree: ConfigTree | undefined): string | undefined {
  const range = positionsOf(location, tree);
  if (!range) return undefined;
  const relative = path.relative(process.cwd(), location.file);
  const shown = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : location.file;
  return `${shown}:${range.start.line + 1}:${range.start.character + 1}`;
}

// ocsp-fetch shares this lazily loaded bundle (network code and the OCSP parser).
export { runOcspFetchCommand } from './ocspFetchCommand';
