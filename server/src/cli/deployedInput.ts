// The options of `check` and `probe` that describe what is deployed: an `nginx -T` dump instead
// of files, the `nginx -V` of the nginx that runs it, a copied tree for its certificates.
import * as fs from 'node:fs';
import { createDumpHost, createNodeHost, findDumpTruncation, loadConfig, parseNginxDump, parseNginxV, type AnalysisSettings, type ConfigHost, type ConfigTree, type NginxBuildInfo, type NginxDump } from '../service';
import { UsageError, type ParsedArgs } from './parseArgs';

/** Option names this module reads (for parseArgs). */
export const DEPLOYED_OPTIONS = ['nginx-T', 'nginx-V', 'root', 'nginx-version'];

/** Usage lines of these options. */
export const DEPLOYED_USAGE = `      --nginx-T FILE|-  check the output of nginx -T (a file, or - for stdin) instead of PATHs
      --nginx-V FILE|-  the output of nginx -V: the nginx and OpenSSL versions that run the config
                        (also read from the start of the --nginx-T input: nginx -V 2>&1; nginx -T)
      --nginx-version X.Y.Z  the nginx version that runs the config (wins over --nginx-V)
      --root DIR        read the dump's certificates under DIR (a copy of the server's /)`;

/** Input the user named that cannot be used: one message, exit code 2, no usage text. */
export class DeployedInputError extends Error {}

/** What the deployed options give: the dump and a host over it, and the versions that run it. */
export interface DeployedInput {
  dump?: NginxDump;
  host?: ConfigHost;
  nginxVersion?: string;
  build?: NginxBuildInfo;
}

function readInput(name: string, value: string, stdinUsed: { by?: string }): string {
  if (value === '-') {
    if (stdinUsed.by) throw new UsageError(`--${name} - and --${stdinUsed.by} - cannot both read stdin`);
    stdinUsed.by = name;
  }
  try {
    return fs.readFileSync(value === '-' ? 0 : value, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new DeployedInputError(`--${name} ${value}: ${reason}`);
  }
}

/** Reads --nginx-T, --nginx-V, --root and --nginx-version; throws UsageError or DeployedInputError. */
export function readDeployedInput(options: Record<string, string | undefined>): DeployedInput {
  const out: DeployedInput = {};
  const stdinUsed: { by?: string } = {};
  const version = options['nginx-version'];
  if (version !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(version)) throw new UsageError(`--nginx-version takes a version like 1.22.1, not "${version}"`);
  if (options.root !== undefined && options['nginx-T'] === undefined) throw new UsageError('--root maps the paths of an nginx -T dump: give --nginx-T too');
  if (options.root !== undefined && !fs.existsSync(options.root)) throw new DeployedInputError(`--root ${options.root}: no such directory`);
  if (options['nginx-V'] !== undefined) {
    const text = readInput('nginx-V', options['nginx-V'], stdinUsed);
    const build = parseNginxV(text);
    if (!build) throw new DeployedInputError(`--nginx-V ${options['nginx-V']}: not the output of nginx -V (no "nginx version: nginx/X.Y.Z" line)`);
    out.build = build;
  }
  if (options['nginx-T'] !== undefined) {
    const parsed = parseNginxDump(readInput('nginx-T', options['nginx-T'], stdinUsed));
    if (parsed.kind === 'error') throw new DeployedInputError(`--nginx-T ${options['nginx-T']}: ${parsed.message}`);
    out.dump = parsed.dump;
    out.host = createDumpHost(parsed.dump, options.root !== undefined ? { root: options.root } : {});
    out.build ??= parsed.dump.build;
  }
  const nginxVersion = version ?? out.build?.nginxVersion;
  if (nginxVersion !== undefined) out.nginxVersion = nginxVersion;
  return out;
}

/** What `check` analyses: the PATHs on disk, or the main config of a dump over its host. */
export interface CheckTarget {
  paths: string[];
  host: ConfigHost;
  settings: Partial<AnalysisSettings>;
  dump?: NginxDump;
}

/** The paths, host and settings of `check`, from its PATHs and the deployed options. */
export function resolveCheckTarget(args: ParsedArgs): CheckTarget {
  const deployed = readDeployedInput(args.options);
  const settings: Partial<AnalysisSettings> = deployed.nginxVersion !== undefined ? { nginxVersion: deployed.nginxVersion } : {};
  if (deployed.dump && deployed.host) {
    if (args.positionals.length > 0) throw new UsageError('--nginx-T takes the place of PATH: give one or the other');
    if (args.flags.fix) throw new UsageError('--fix cannot edit an nginx -T dump: fix the files on the server');
    return { paths: [deployed.dump.mainFile], host: deployed.host, settings, dump: deployed.dump };
  }
  if (args.positionals.length === 0) throw new UsageError('check needs at least one PATH (or --nginx-T FILE)');
  return { paths: args.positionals, host: createNodeHost(), settings };
}

/** The tree of the --nginx-T dump named in `options` (for `probe`), or why it cannot be used. */
export function loadDumpConfig(options: Record<string, string | undefined>): { tree: ConfigTree } | { error: string } {
  try {
    const deployed = readDeployedInput(options);
    if (!deployed.dump || !deployed.host) return { error: '--nginx-T is missing' };
    const tree = loadConfig(deployed.dump.mainFile, { host: deployed.host });
    const truncation = findDumpTruncation(deployed.dump, tree.diagnostics);
    return truncation ? { error: truncation } : { tree };
  } catch (err) {
    if (err instanceof DeployedInputError) return { error: err.message };
    throw err;
  }
}
