// The live probe's lab for the editor tests: a test PKI, the lab OCSP responder and a real nginx on 127.0.0.1 that
// serves the very site files the editor opens (test/e2e/fixtures/workspace/probe). Used inside the extension host by
// test/e2e/suite/probe.test.ts and, bundled by esbuild, by scripts/ui-smoke.mjs. Loopback only; stop() ends it all.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findNginx } from '../../support/nginxBinary';
import { createTestPki, type TestPki } from '../../support/pki';
import { startNginx, type NginxInstance } from '../../support/lab/nginx';
import { startOcspResponder, type OcspResponder } from '../../support/lab/ocspResponder';
import { freeLoopbackPort } from '../../support/lab/ports';

export { startRogueServer, type RogueServer } from '../../support/lab/rogueServers';

/** The placeholders of the lab's site files. */
const PORT = '{{PORT}}';
const CERTS = '{{CERTS}}';

/** Why the lab cannot run on this machine, or undefined when it can. */
export function labUnavailable(): string | undefined {
  if (!findNginx()) return 'nginx is not installed (apt-get install nginx-light)';
  if (spawnSync('openssl', ['version']).error) return 'the openssl binary is not installed (apt-get install openssl): the lab OCSP responder needs it';
  return undefined;
}

/** A running lab. */
export interface ProbeLab {
  /** The folder holding nginx.conf, sites-enabled/ and the generated certs/. */
  dir: string;
  /** The port nginx listens on, on 127.0.0.1 (every site of the lab). */
  port: number;
  pki: TestPki;
  nginx: NginxInstance;
  responder: OcspResponder;
  /** Stops nginx and the responder; never throws. */
  stop(): Promise<void>;
}

/**
 * Starts the lab in `dir` (a copy of test/e2e/fixtures/workspace/probe): generates the PKI into dir/certs (its OCSP URL
 * names the lab responder), fills in the port and certificate folder of dir/sites-enabled/*.conf, then starts the
 * responder and an nginx whose http {} includes those site files.
 */
export async function startProbeLab(dir: string): Promise<ProbeLab> {
  const binary = findNginx();
  if (!binary) throw new Error(labUnavailable());
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const certs = path.join(dir, 'certs');
    fs.mkdirSync(certs, { recursive: true });
    const responderPort = await freeLoopbackPort();
    const pki = await createTestPki(certs, {
      ocspUrl: `http://127.0.0.1:${responderPort}/`,
      dnsNames: { 'no-ocsp': ['staging.test', 'hanging.test'] },
    });
    const responder = await startOcspResponder(pki, { port: responderPort });
    stops.push(() => responder.stop());
    const port = await freeLoopbackPort();
    const sites = path.join(dir, 'sites-enabled');
    for (const name of fs.readdirSync(sites).filter((f) => f.endsWith('.conf'))) {
      const file = path.join(sites, name);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll(PORT, String(port)).replaceAll(CERTS, certs));
    }
    const nginx = await startNginx({ nginx: binary, http: `include ${sites}/*.conf;`, ports: [port] });
    stops.push(() => nginx.stop());
    return { dir, port, pki, nginx, responder, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
