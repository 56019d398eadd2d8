// `nginx-tls probe`: probes a live server and compares it with the certificate and, with
// --config, with what the nginx config says.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as net from 'node:net';
import { probeAllServers } from '../network/probeAllServers';
import { type ConfiguredServer, probeConfiguredServer } from '../network/probeConfiguredServer';
import { parseArgs, UsageError } from './parseArgs';
import { ExitCode } from './exitCodes';
import { loadDumpConfig } from './deployedInput';

import { PROBE_USAGE } from './probeUsage';
import { buildServerModel, parseHostPort as parseHostPortText, chooseProbeServer, createNodeHost, formatProbeReport, formatProbeTable, loadConfig, probeTargetsOfConfig, readCertificateFile, treePositions, type Span, type ConfigTree, type Position, type ProbeOptions, type ProbeReport, type ProbeTarget, type HostPort } from '../service';

export { PROBE_USAGE };

const DEFAULT_HTTPS_PORT = 443;

/** Runs `nginx-tls probe ARGS` and resolves to its exit code; never rejects. */
export async function runProbeCommand(argv: string[]): Promise<number> {
  try {
    return await probe(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`nginx-tls: ${error.message}\n\n${PROBE_USAGE}`);
      return ExitCode.UsageOrIo;
    }
    if (error instanceof InputError) {
      process.stderr.write(`nginx-tls: ${error.message}\n`);
      return ExitCode.UsageOrIo;
    }
    process.stderr.write(`nginx-tls: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return ExitCode.UsageOrIo;
  }
}

/** A file the user named cannot be used (exit code 2, no usage text). */
class InputError extends Error {}

async function probe(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(PROBE_USAGE);
    return ExitCode.Clean;
  }
  const args = parseArgs(argv, { flags: ['all'], options: ['format', 'config', 'nginx-T', 'root', 'server-name', 'listen', 'connect', 'ca', 'warmup-ms', 'timeout-ms', 'nginx-version', 'concurrency'] });
  const format = args.options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (args.positionals.length > 1) throw new UsageError('probe takes one HOST[:PORT]');
  const hostArgument = args.positionals[0] !== undefined ? parseHostPort(args.positionals[0], 'HOST[:PORT]') : undefined;
  const connect = args.options.connect !== undefined ? parseHostPort(args.options.connect, '--connect') : undefined;
  const nginxVersion = args.options['nginx-version'];
  if (nginxVersion !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(nginxVersion)) throw new UsageError(`--nginx-version takes a version like 1.22.1, not "${nginxVersion}"`);

  const options: ProbeOptions = {
    ...(args.options.ca !== undefined ? { caPem: readCaFile(args.options.ca) } : {}),
    ...(args.options['warmup-ms'] !== undefined ? { warmupMs: parseMilliseconds(args.options['warmup-ms'], '--warmup-ms') } : {}),
    ...(args.options['timeout-ms'] !== undefined ? { timeoutMs: parseMilliseconds(args.options['timeout-ms'], '--timeout-ms') } : {}),
  };
  if (args.flags.all) {
    if (args.options.config === undefined && args.options['nginx-T'] === undefined) throw new UsageError('--all probes every server of --config (or --nginx-T): give one');
    if (args.positionals.length > 0 || args.options['server-name'] !== undefined || args.options.listen !== undefined) {
      throw new UsageError('--all probes every server name of the config: drop HOST, --server-name and --listen');
    }
    const concurrency = args.options.concurrency !== undefined ? parseCount(args.options.concurrency, '--concurrency') : undefined;
    return probeAll(loadMainConfig(args.options), { format, options, ...(connect ? { connect } : {}), ...(nginxVersion ? { nginxVersion } : {}), ...(concurrency ? { concurrency } : {}) });
  }
  if (args.options.concurrency !== undefined) throw new UsageError('--concurrency goes with --all');

  let tree: ConfigTree | undefined;
  let config: ConfiguredServer | undefined;
  const configSource = args.options.config ?? args.options['nginx-T'];
  if (configSource !== undefined) {
    if (args.options.config !== undefined && args.options['nginx-T'] !== undefined) throw new UsageError('--config and --nginx-T both name the config: give one');
    tree = loadMainConfig(args.options);
    const model = buildServerModel(tree);
    const serverName = args.options['server-name'] ?? hostArgument?.host;
    // The block listening where the probe connects wins over another block with the same name.
    const address = args.options.listen ?? (connect && net.isIP(connect.host) !== 0 ? connect.host : hostArgument && net.isIP(hostArgument.host) !== 0 ? hostArgument.host : undefined);
    const choose = (port: number | undefined): ReturnType<typeof chooseProbeServer> => chooseProbeServer(model, {
      ...(serverName !== undefined ? { serverName } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(address !== undefined ? { address } : {}),
    });
    const port = hostArgument?.port ?? listenPort(args.options.listen);
    // With no port given, the port connected to names the block when one listens there (else
    // --connect goes through a tunnel or a load balancer to another port).
    const connected = port === undefined && connect?.port !== undefined ? choose(connect.port) : undefined;
    const choice = connected?.ok ? connected : choose(port);
    if (!choice.ok) throw new InputError(`${configSource}: ${choice.reason}`);
    config = { model, chosen: choice.chosen, ...(nginxVersion ? { nginxVersion } : {}) };
  } else if (args.options['server-name'] !== undefined || args.options.listen !== undefined) {
    throw new UsageError('--server-name and --listen select a server block of --config: give --config too');
  }

  const serverName = hostArgument?.host ?? config?.chosen.serverName;
  if (serverName === undefined) throw new UsageError('probe needs HOST[:PORT] (or --config with a TLS server)');
  const port = hostArgument?.port ?? config?.chosen.listen.port ?? DEFAULT_HTTPS_PORT;
  const target: ProbeTarget = {
    serverName,
    port,
    ...(connect ? { connect: { host: connect.host, port: connect.port ?? port } } : {}),
  };
  const { report } = await interruptible((signal) => probeConfiguredServer(target, config, options, signal));
  if (format === 'json') process.stdout.write(`${JSON.stringify(jsonReport(report, tree), null, 2)}\n`);
  else process.stdout.write(formatProbeReport(report, { locate: (location) => describeLocation(location, tree) }));
  return exitCode([report]);
}

/** `--all`: every literal server name of the config, one table or one JSON document. */
async function probeAll(
  tree: ConfigTree,
  run: { format: string; options: ProbeOptions; connect?: { host: string; port?: number }; nginxVersion?: string; concurrency?: number },
): Promise<number> {
  const model = buildServerModel(tree);
  const { targets, skipped } = probeTargetsOfConfig(model);
  const settings = { ...(run.connect ? { connect: run.connect } : {}), ...(run.nginxVersion ? { nginxVersion: run.nginxVersion } : {}), ...(run.concurrency ? { concurrency: run.concurrency } : {}) };
  const probes = await interruptible((signal) => probeAllServers(model, targets, settings, run.options, signal));
  const reports = probes.map((probe) => probe.report);
  const notes = skipped.map((entry) => ({ name: entry.name, reason: entry.reason, at: describeLocation(entry.location, tree) ?? entry.location.file }));
  if (run.format === 'json') {
    process.stdout.write(`${JSON.stringify({ version: 1, reports: reports.map((report) => jsonReport(report, tree)), skipped: notes }, null, 2)}\n`);
  } else {
    process.stdout.write(formatProbeTable(reports, notes));
  }
  return exitCode(reports);
}

/** Runs a probe that Ctrl-C stops early (what was observed so far is still reported). */
async function interruptible<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const cancel = new AbortController();
  const onInterrupt = (): void => cancel.abort();
  process.once('SIGINT', onInterrupt);
  try {
    return await task(cancel.signal);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

// The documented sections are always present: null where the probe did not get that far.
function jsonReport(report: ProbeReport, tree: ConfigTree | undefined): object {
  const sections = { certificate: null, stapling: null, sessions: null, protocols: null, ocspResponder: null };
  return { ...sections, ...report, findings: report.findings.map((finding) => withPositions(finding, tree)) };
}

function exitCode(reports: readonly ProbeReport[]): number {
  return reports.some((report) => report.findings.some((finding) => finding.severity === 'error')) ? ExitCode.Errors : ExitCode.Clean;
}

function parseCount(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${option} takes a positive number, not "${text}"`);
  return Number(text);
}

/** HOST[:PORT] and --connect, through the service's one host:port parser. */
function parseHostPort(text: string, what: string): HostPort {
  const parsed = parseHostPortText(text);
  if ('error' in parsed) throw new UsageError(`${what}: ${parsed.error}`);
  return parsed;
}

function listenPort(listen: string | undefined): number | undefined {
  const match = listen === undefined ? null : /:(\d+)$/.exec(listen);
  return match ? Number(match[1]) : undefined;
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

function positionsOf(location: Span, tree: ConfigTree | undefined): { start: Position; end: Position } | undefined {
  if (!tree?.files.has(location.file)) return undefined;
  return treePositions(tree).range(location.file, location.start, location.end);
}

function withPositions(finding: ProbeReport['findings'][number], tree: ConfigTree | undefined): object {
  if (!finding.configLocation) return finding;
  const range = positionsOf(finding.configLocation, tree);
  return range ? { ...finding, configLocation: { ...finding.configLocation, range } } : finding;
}

function describeLocation(location: Span, tree: ConfigTree | undefined): string | undefined {
  const range = positionsOf(location, tree);
  if (!range) return undefined;
  const relative = path.relative(process.cwd(), location.file);
  const shown = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : location.file;
  return `${shown}:${range.start.line + 1}:${range.start.character + 1}`;
}

export { runOcspFetchCommand } from './ocspFetchCommand';
