// What every live-probe test file needs: a temp dir, a PKI with a running OCSP responder, nginx
// instances stopped by PID at the end, the probe run as the product runs it, and the CLI.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeServer } from '../../../server/src/network/probeServer';
import { clearCertificateCache } from '../../../server/src/service/certificates';
import { createNodeHost } from '../../../server/src/service/model/configHost';
import { loadConfig } from '../../../server/src/service/model/loadConfig';
import { buildServerModel } from '../../../server/src/service/model/serverModel';
import { compareWithConfig } from '../../../server/src/service/probe/compareWithConfig';
import { chooseProbeServer, expectationFromConfig, type ServerSelection } from '../../../server/src/service/probe/expectationFromConfig';
import type { ProbeExpectation, ProbeFinding, ProbeObservation, ProbeOptions } from '../../../server/src/service/probe/types';
import { findNginx } from '../nginxBinary';
import { createTestPki, type TestPki, type TestPkiOptions } from '../pki';
import { withIsolatedResolver } from './isolatedResolver';
import { startNginx, type NginxInstance } from './nginx';
import { startOcspResponder, type OcspResponder } from './ocspResponder';
import { freeLoopbackPort, isLoopbackAddress, LAB_HOST } from './ports';

const nginxBinary = findNginx();
const opensslMissing = spawnSync('openssl', ['version']).error !== undefined;

/** Why live-probe tests cannot run here (a test's skip message), or false. */
export const skipLab: string | false = !nginxBinary
  ? 'nginx is not installed (apt-get install nginx-light): the probe is only tested against a real nginx'
  : opensslMissing
    ? 'the openssl binary is not installed (apt-get install openssl): the lab OCSP responder needs it'
    : false;

const REPO = path.resolve(__dirname, '../../..');
const CLI_RUNNER = path.join(REPO, 'test/support/lab/runProbeCli.ts');
const CLI_TIMEOUT_MS = 30_000;

/** One probe as a test sees it: the observation, the findings and their sorted codes. */
export interface LabProbe {
  observation: ProbeObservation;
  findings: ProbeFinding[];
  codes: string[];
}

/** A CLI run: exit code and output. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The lab of one test file; `close()` stops everything it started. */
export interface ProbeLab {
  dir: string;
  pki: TestPki;
  responder: OcspResponder;
  /** Registers a cleanup run by close(), last first. */
  onClose(stop: () => Promise<void>): void;
  /** Another PKI in the lab's dir (its own root, intermediate and leaves). */
  createPki(name: string, options?: TestPkiOptions): Promise<TestPki>;
  /** Starts nginx with `http(ports)` on fresh loopback ports; `addresses` are the loopback hosts each port must answer on. */
  nginx(http: (ports: number[]) => string, options?: { portCount?: number; files?: Record<string, string>; addresses?: string[]; workers?: number }): Promise<{ nginx: NginxInstance; ports: number[] }>;
  expectationFor(nginx: NginxInstance, serverName: string, port: number, selection?: ServerSelection): ProbeExpectation;
  /** Probes `serverName` at 127.0.0.1:port (or `connectHost`), trusting the lab root. */
  probe(serverName: string, port: number, options?: ProbeOptions & { expectation?: ProbeExpectation; connectHost?: string }): Promise<LabProbe>;
  /** Runs `nginx-tls probe ARGS`; with `hosts`, inside a namespace where only those names resolve. */
  runCli(args: string[], hosts?: Record<string, string | string[]>): Promise<CliRun>;
  close(): Promise<void>;
}

/** Creates the lab: a temp dir, a PKI whose OCSP URL is a running lab responder (its leaves named by `dnsNames`). */
export async function openProbeLab(options: Omit<TestPkiOptions, 'ocspUrl'> = {}): Promise<ProbeLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-probe-'));
  const stoppers: (() => Promise<void>)[] = [];
  // The PKI names the responder's URL, so the responder's port comes first.
  const responderPort = await freeLoopbackPort();
  const pki = await createTestPki(fs.mkdtempSync(path.join(dir, 'pki-')), { ...options, ocspUrl: `http://127.0.0.1:${responderPort}/` });
  const responder = await startOcspResponder(pki, { port: responderPort });
  stoppers.push(() => responder.stop());
  const lab: ProbeLab = {
    dir,
    pki,
    responder,
    onClose: (stop) => stoppers.push(stop),
    createPki: async (name, options = {}) => createTestPki(fs.mkdtempSync(path.join(dir, `${name}-`)), options),
    async nginx(http, options = {}) {
      const ports: number[] = [];
      for (let i = 0; i < (options.portCount ?? 1); i++) ports.push(await freeLoopbackPort());
      const hosts = options.addresses ?? [LAB_HOST];
      const nginx = await startNginx({
        nginx: nginxBinary!,
        http: http(ports),
        ports: hosts.flatMap((host) => ports.map((port) => ({ host, port }))),
        ...(options.files ? { files: options.files } : {}),
        ...(options.workers ? { workers: options.workers } : {}),
      });
      stoppers.push(() => nginx.stop());
      return { nginx, ports };
    },
    expectationFor(nginx, serverName, port, selection = {}) {
      const model = buildServerModel(loadConfig(nginx.confFile, { host: createNodeHost() }));
      const result = chooseProbeServer(model, { serverName, port, ...selection });
      assert.ok(result.ok, result.ok ? '' : result.reason);
      return expectationFromConfig(model, result.chosen);
    },
    async probe(serverName, port, options = {}) {
      const { expectation, connectHost, ...probeOptions } = options;
      const observation = await probeServer(
        { serverName, port, connect: { host: connectHost ?? LAB_HOST, port } },
        { caPem: fs.readFileSync(pki.root.crt, 'utf8'), ...probeOptions, isAddressAllowed: isLoopbackAddress },
      );
      const findings = compareWithConfig(observation, expectation);
      return { observation, findings, codes: findings.map((finding) => finding.code).sort() };
    },
    runCli(args, hosts) {
      const direct = { file: process.execPath, args: ['--import', 'tsx', CLI_RUNNER, ...args] };
      const command = hosts ? withIsolatedResolver(fs.mkdtempSync(path.join(dir, 'resolver-')), hosts, direct) : direct;
      return new Promise((resolve) => {
        execFile(command.file, command.args, { cwd: REPO, timeout: CLI_TIMEOUT_MS }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        });
      });
    },
    async close() {
      for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
      clearCertificateCache();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return lab;
}

/** `ssl_certificate` and `ssl_certificate_key` lines for a chain file and its key. */
export function tlsFiles(chain: string, key: string): string {
  return `ssl_certificate ${chain}; ssl_certificate_key ${key};`;
}

/** The same for one of a PKI's leaves (leaf + intermediate). */
export function leafTls(set: TestPki, name: keyof TestPki['leaves']): string {
  return tlsFiles(set.leaves[name].chain, set.leaves[name].key);
}
