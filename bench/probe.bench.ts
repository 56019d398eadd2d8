// Times a whole probe against a real nginx on loopback: a warm healthy site, a cold stapling
// server, `--all` over a config of 20 servers, and (when installed) testssl.sh -S on the same
// servers for comparison.
// Run: node --import tsx bench/probe.bench.ts
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeAllServers } from '../server/src/network/probeAllServers';
import { probeServer } from '../server/src/network/probeServer';
import { createNodeHost } from '../server/src/service/model/configHost';
import { loadConfig } from '../server/src/service/model/loadConfig';
import { buildServerModel } from '../server/src/service/model/serverModel';
import { probeTargetsOfConfig } from '../server/src/service/probe/expectationFromConfig';
import type { ProbeObservation } from '../server/src/service/probe/types';
import { findNginx } from '../test/support/nginxBinary';
import { type TestPki, createTestPki } from '../test/support/pki';
import {
  type NginxInstance,
  freeLoopbackPort,
  isLoopbackAddress,
  resolverIsolationUnavailable,
  startNginx,
  startOcspResponder,
  withIsolatedResolver,
} from '../test/support/lab';

const WARM_RUNS = 5;
const ALL_SERVERS = 20;
const ALL_RUNS = 3;
const ALL_GOAL_MS = 3000;
const COLD_RUNS = 3;
const WARM_GOAL_MS = 1000;
const COLD_GOAL_MS = 2500;
const SERVER_NAME = 'ocsp.test';
const TESTSSL_TIMEOUT_MS = 180_000;
const TESTSSL_CANDIDATES = ['testssl', 'testssl.sh'];

interface Row {
  scenario: string;
  probeMs: number[];
  staple: string;
  testsslMs?: number;
  testsslStapling?: string;
}

async function main(): Promise<void> {
  const nginxBinary = findNginx();
  if (!nginxBinary) {
    console.log('probe bench skipped: nginx is not installed (apt-get install nginx-light)');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-bench-'));
  const responderPort = await freeLoopbackPort();
  const pki = await createTestPki(dir, { ocspUrl: `http://127.0.0.1:${responderPort}/`, dnsNames: { ocsp: [SERVER_NAME, ...allNames()] } });
  const responder = await startOcspResponder(pki, { port: responderPort });
  const testssl = findTestssl();
  const rows: Row[] = [];
  try {
    const warm = await startSite(nginxBinary, pki);
    try {
      await probe(warm.port); // fills nginx's staple cache
      const runs = [];
      for (let i = 0; i < WARM_RUNS; i++) runs.push(await probe(warm.port));
      rows.push({
        scenario: `warm healthy site (${WARM_RUNS} runs)`,
        probeMs: runs.map((run) => run.durationMs),
        staple: stapleSummary(runs),
        ...(testssl.binary ? await runTestssl(testssl.binary, warm.port, dir) : {}),
      });
    } finally {
      await warm.nginx.stop();
    }

    const coldRuns: ProbeObservation[] = [];
    let coldTestssl: Pick<Row, 'testsslMs' | 'testsslStapling'> = {};
    for (let i = 0; i < COLD_RUNS; i++) {
      const cold = await startSite(nginxBinary, pki);
      try {
        coldRuns.push(await probe(cold.port));
      } finally {
        await cold.nginx.stop();
      }
    }
    if (testssl.binary) {
      // testssl.sh on a server nobody has asked for a staple yet: it looks once.
      const cold = await startSite(nginxBinary, pki);
      try {
        coldTestssl = await runTestssl(testssl.binary, cold.port, dir);
      } finally {
        await cold.nginx.stop();
      }
    }
    rows.push({ scenario: `cold stapling server (${COLD_RUNS} runs)`, probeMs: coldRuns.map((run) => run.durationMs), staple: stapleSummary(coldRuns), ...coldTestssl });
    rows.push(await benchAll(nginxBinary, pki));
  } finally {
    await responder.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  printTable(rows, testssl.skipped);
}

async function startSite(nginx: string, pki: TestPki): Promise<{ nginx: NginxInstance; port: number }> {
  const port = await freeLoopbackPort();
  const leaf = pki.leaves.ocsp;
  const instance = await startNginx({
    nginx,
    ports: [port],
    http: `ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:BENCH:1m; ssl_stapling on;
      server { listen 127.0.0.1:${port} ssl; server_name ${SERVER_NAME}; ssl_certificate ${leaf.chain}; ssl_certificate_key ${leaf.key}; return 204; }`,
  });
  return { nginx: instance, port };
}

function allNames(): string[] {
  return Array.from({ length: ALL_SERVERS }, (_, i) => `s${String(i + 1).padStart(2, '0')}.test`);
}

// --all over 20 server blocks on one socket (stapling on, one certificate): a first run on the
// cold nginx (each block's staple is fetched per worker by the lab responder, which runs
// `openssl ocsp` in this process), then warm runs.
async function benchAll(nginx: string, pki: TestPki): Promise<Row> {
  const port = await freeLoopbackPort();
  const leaf = pki.leaves.ocsp;
  const servers = allNames().map((name) => `server { listen 127.0.0.1:${port} ssl; server_name ${name}; ssl_certificate ${leaf.chain}; ssl_certificate_key ${leaf.key}; return 204; }`);
  const instance = await startNginx({ nginx, ports: [port], http: `ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:BENCH:1m; ssl_stapling on;\n${servers.join('\n')}` });
  try {
    const model = buildServerModel(loadConfig(instance.confFile, { host: createNodeHost() }));
    const { targets } = probeTargetsOfConfig(model);
    const caPem = fs.readFileSync(pki.root.crt, 'utf8');
    const runAll = async (): Promise<{ ms: number; findings: number }> => {
      const started = performance.now();
      const probes = await probeAllServers(model, targets, { connect: { host: '127.0.0.1' } }, { caPem, isAddressAllowed: isLoopbackAddress });
      return { ms: performance.now() - started, findings: probes.reduce((sum, probe) => sum + probe.report.findings.length, 0) };
    };
    const cold = await runAll();
    const warm: { ms: number; findings: number }[] = [];
    for (let i = 0; i < ALL_RUNS; i++) warm.push(await runAll());
    const findings = warm.reduce((sum, run) => sum + run.findings, 0);
    return {
      scenario: `--all, ${targets.length} servers, warm (${ALL_RUNS} runs; cold first run ${Math.round(cold.ms)} ms)`,
      probeMs: warm.map((run) => run.ms),
      staple: `${findings} finding(s) warm, ${cold.findings} cold`,
    };
  } finally {
    await instance.stop();
  }
}

function probe(port: number): Promise<ProbeObservation> {
  return probeServer({ serverName: SERVER_NAME, port, connect: { host: '127.0.0.1', port } }, { isAddressAllowed: isLoopbackAddress });
}

function stapleSummary(runs: ProbeObservation[]): string {
  const at = runs.map((run) => (run.stapling?.stapled ? String(run.stapling.firstStapleAt) : 'none'));
  return `handshake ${[...new Set(at)].join('/')}`;
}

function findTestssl(): { binary?: string; skipped?: string } {
  const binary = TESTSSL_CANDIDATES.find((name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).error === undefined);
  if (!binary) return { skipped: 'testssl.sh is not installed (apt-get install testssl.sh): comparison skipped' };
  const unavailable = resolverIsolationUnavailable();
  // testssl.sh probes its openssl at startup with `s_client -connect invalid.`, a DNS query that
  // --nodns none does not prevent: it only runs with a private resolv.conf.
  if (unavailable) return { skipped: `testssl.sh comparison skipped: it resolves names at startup and ${unavailable}` };
  return { binary };
}

// --ip keeps testssl.sh's connections on loopback, --nodns none its own lookups off, and the
// isolated resolver catches the lookups of its startup checks.
async function runTestssl(binary: string, port: number, dir: string): Promise<Pick<Row, 'testsslMs' | 'testsslStapling'>> {
  const args = ['--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', '--sneaky', '--ip', '127.0.0.1', '-S', `https://${SERVER_NAME}:${port}`];
  const command = withIsolatedResolver(fs.mkdtempSync(path.join(dir, 'resolver-')), { [SERVER_NAME]: '127.0.0.1' }, { file: binary, args });
  const started = performance.now();
  const output = await new Promise<string>((resolve) => {
    execFile(command.file, command.args, { timeout: TESTSSL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
  const stapling = /OCSP stapling\s+(.+)/.exec(output)?.[1]?.trim() ?? 'no verdict found';
  return { testsslMs: performance.now() - started, testsslStapling: stapling };
}

function printTable(rows: Row[], testsslSkipped: string | undefined): void {
  const header = ['scenario', 'probe median', 'probe max', 'staple seen on', 'testssl -S', 'testssl "OCSP stapling"'];
  const body = rows.map((row) => [
    row.scenario,
    `${Math.round(median(row.probeMs))} ms`,
    `${Math.round(Math.max(...row.probeMs))} ms`,
    row.staple,
    row.testsslMs === undefined ? 'skipped' : `${(row.testsslMs / 1000).toFixed(1)} s`,
    row.testsslStapling ?? '-',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const cells of body) console.log(line(cells));
  console.log(`goals: warm <= ${WARM_GOAL_MS} ms, cold (with warm-up) <= ${COLD_GOAL_MS} ms, --all on ${ALL_SERVERS} servers <= ${ALL_GOAL_MS} ms`);
  if (testsslSkipped) console.log(testsslSkipped);
  const [warm, cold, all] = rows;
  if (all && Math.max(...all.probeMs) > ALL_GOAL_MS) console.log(`WARNING: --all over its goal`);
  if (warm && Math.max(...warm.probeMs) > WARM_GOAL_MS) console.log(`WARNING: warm probe over its goal`);
  if (cold && Math.max(...cold.probeMs) > COLD_GOAL_MS) console.log(`WARNING: cold probe over its goal`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
