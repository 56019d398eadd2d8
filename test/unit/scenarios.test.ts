// Four real-world situations (test/fixtures/scenarios/<name>/: nginx.conf + sites-enabled/* +
// certbot's options file), end to end through the CLI bundle: the exact findings, `--fix` on a
// copy, the fixed tree re-checked clean, and a real `nginx -t` before and after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleCli } from '../support/cliBundle';
import type { TestPki } from '../support/pki';
import { createScenarioPki, stageScenario } from '../support/scenarioTree';
import { findNginx, nginxTest } from '../support/nginxBinary';

const nginx = findNginx();

/** One finding as asserted: code, file relative to the scenario, 1-based line. */
type Finding = [code: string, file: string, line: number];

interface Scenario {
  name: string;
  findings: Finding[];
  exitCode: number;
  /** Text `nginx -t` prints for the config as written and no longer prints once fixed. */
  nginxWarnings: string[];
}

const SCENARIO_LIST: Scenario[] = [
  {
    name: 'must-staple',
    findings: [['must-staple-without-stapling', 'sites-enabled/shop.example.com', 14], ['must-staple-cold-start', 'sites-enabled/shop.example.com', 14]],
    exitCode: 1,
    nginxWarnings: [],
  },
  {
    name: 'stapling-never-works',
    findings: [
      ['certificate-chain-incomplete', 'sites-enabled/api.example.com', 8],
      ['stapling-verify-without-trust', 'sites-enabled/api.example.com', 12],
      ['resolver-without-timeout', 'sites-enabled/api.example.com', 13],
      ['stapling-without-ocsp-url', 'sites-enabled/blog.example.com', 10],
      ['stapling-without-resolver', 'sites-enabled/example.com', 10],
    ],
    exitCode: 0,
    nginxWarnings: [
      '"ssl_stapling" ignored, issuer certificate not found for certificate',
      '"ssl_stapling" ignored, no OCSP responder URL in the certificate',
    ],
  },
  {
    name: 'certbot-session-tickets',
    findings: [
      ['protocols-from-default-server', 'sites-enabled/blog.example.com', 9],
      ['session-tickets-mismatch', 'sites-enabled/blog.example.com', 9],
      ['session-settings-from-default-server', 'sites-enabled/blog.example.com', 9],
      ['session-settings-from-default-server', 'sites-enabled/blog.example.com', 9],
      ['protocols-from-default-server', 'sites-enabled/wiki.example.com', 9],
      ['session-tickets-mismatch', 'sites-enabled/wiki.example.com', 9],
      ['session-settings-from-default-server', 'sites-enabled/wiki.example.com', 9],
      ['session-settings-from-default-server', 'sites-enabled/wiki.example.com', 9],
    ],
    exitCode: 0,
    nginxWarnings: [],
  },
  { name: 'healthy', findings: [], exitCode: 0, nginxWarnings: [] },
];

interface JsonOutput {
  version: number;
  diagnostics: { file: string; range: { start: { line: number; character: number } }; severity: string; code: string; message: string; fixes: unknown[] }[];
}

let work: string;
let cli: string;
let pki: TestPki;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-scenarios-'));
  cli = await bundleCli(work);
  const pkiDir = path.join(work, 'pki');
  fs.mkdirSync(pkiDir);
  pki = await createScenarioPki(pkiDir);
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

/** A copy of the scenario with certbot's layout of the test certificates under letsencrypt/live/. */
function stage(name: string): string {
  return stageScenario(work, pki, name);
}

function runCli(args: string[]): { status: number | null; json: JsonOutput; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.ok(r.stdout, `no output from the CLI: ${r.stderr}`);
  return { status: r.status, json: JSON.parse(r.stdout) as JsonOutput, stderr: r.stderr };
}

function findingsOf(json: JsonOutput, dir: string): Finding[] {
  return json.diagnostics.map((d): Finding => [d.code, path.relative(dir, d.file), d.range.start.line + 1]);
}

function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full), fs.readFileSync(full, 'utf8'));
  }
  return files;
}

describe('scenarios through the CLI', () => {
  for (const scenario of SCENARIO_LIST) {
    test(scenario.name, (t) => {
      const dir = stage(scenario.name);
      const conf = path.join(dir, 'nginx.conf');

      const first = runCli([conf]);
      assert.equal(first.json.version, 1);
      assert.deepEqual(sortFindings(findingsOf(first.json, dir)), sortFindings(scenario.findings), JSON.stringify(first.json.diagnostics.map((d) => `${d.code}: ${d.message}`), null, 2));
      assert.equal(first.status, scenario.exitCode, first.stderr);
      for (const d of first.json.diagnostics) assert.ok(d.fixes.length > 0, `${d.code} at ${d.file}:${d.range.start.line + 1} offers no fix`);

      if (nginx) {
        const verdict = nginxTest(nginx, dir, conf);
        assert.ok(verdict.ok, `nginx -t rejects the scenario as written:\n${verdict.output}`);
        for (const w of scenario.nginxWarnings) assert.ok(verdict.output.includes(w), `nginx -t should warn "${w}":\n${verdict.output}`);
      }

      const before = snapshot(dir);
      const fixed = runCli(['--fix', conf]);
      assert.deepEqual(findingsOf(fixed.json, dir), [], `left after --fix:\n${fixed.json.diagnostics.map((d) => `${d.code} ${d.file}:${d.range.start.line + 1} ${d.message}`).join('\n')}`);
      assert.equal(fixed.status, 0);
      const again = runCli([conf]);
      assert.deepEqual(findingsOf(again.json, dir), [], 'a fresh check of the fixed tree is not clean');
      const fixedOnce = snapshot(dir);
      const fixedAgain = runCli(['--fix', conf]);
      assert.equal(fixedAgain.status, 0);
      assert.deepEqual(snapshot(dir), fixedOnce, 'a second --fix changed the tree again');
      if (scenario.findings.length === 0) assert.deepEqual(snapshot(dir), before, '--fix changed a tree with nothing to fix');
      else assert.notDeepEqual(snapshot(dir), before, '--fix changed nothing');

      if (!nginx) {
        t.diagnostic('nginx is not installed (apt-get install nginx-light): the nginx -t part is skipped; CI installs it');
        return;
      }
      const verdict = nginxTest(nginx, dir, conf);
      assert.ok(verdict.ok, `nginx -t rejects the fixed scenario:\n${verdict.output}`);
      for (const w of scenario.nginxWarnings) assert.ok(!verdict.output.includes(w), `nginx -t still warns "${w}" after --fix:\n${verdict.output}`);
    });
  }
});
