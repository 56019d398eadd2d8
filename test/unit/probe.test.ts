// The live probe against a real nginx and a real `openssl ocsp` responder, loopback only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probeServer } from '../../server/src/network/probeServer';
import { compareWithConfig } from '../../server/src/service/probe/compareWithConfig';
import type { ProbeFinding } from '../../server/src/service/probe/types';
import type { TestPki } from '../support/pki';
import {
  type NginxInstance,
  type OcspResponder,
  type ProbeLab,
  freeLoopbackPort,
  isLoopbackAddress,
  leafTls,
  openProbeLab,
  resolverIsolationUnavailable,
  skipLab,
  startOcspResponder,
  startRogueServer,
  tamperSignedData,
  tlsFiles as tls,
  writeOcspResponse,
} from '../support/lab';

// Negative stapling scenarios can never staple (no responder, revoked, no URL, stapling off):
// a short warm-up keeps them fast; positive ones use the product default.
const SHORT_WARMUP_MS = 400;
// Two nginx workers: stapling state is per worker, as on real servers.
const SERVER_DEFAULTS = 'ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:LAB:1m;';

let probeLab: ProbeLab;
let dir: string;
let pki: TestPki;
let deadPki: TestPki;
let responder: OcspResponder;

const lab: ProbeLab['nginx'] = (http, options) => probeLab.nginx(http, options);
const expectationFor: ProbeLab['expectationFor'] = (...args) => probeLab.expectationFor(...args);
const probe: ProbeLab['probe'] = (...args) => probeLab.probe(...args);
const runCli: ProbeLab['runCli'] = (...args) => probeLab.runCli(...args);

describe('probe against a real nginx on loopback', { skip: skipLab }, () => {
  before(async () => {
    // Every lab server's certificate covers its name, so no browser verdict joins the findings under test.
    probeLab = await openProbeLab({ dnsNames: { 'no-ocsp': ['no-ocsp.test', 'www.no-ocsp.test', 'site.test', 'd.test', 'v.test', 'p.test', 'd2.test', 'v2.test'] } });
    ({ dir, pki, responder } = probeLab);
    // A PKI whose OCSP URL is a loopback port where nothing listens.
    deadPki = await probeLab.createPki('dead', { ocspUrl: `http://127.0.0.1:${await freeLoopbackPort()}/`, dnsNames: { ocsp: ['ocsp.test', 'dead.test'] } });
  });

  after(() => probeLab.close());

  describe('OCSP stapling', () => {
    let nginx: NginxInstance;
    let port: number;
    before(async () => {
      const hugeChain = path.join(dir, 'huge.chain.crt');
      // ~150 KiB of chain: over OpenSSL's 100 KiB max_cert_list on the client.
      fs.writeFileSync(hugeChain, fs.readFileSync(pki.leaves.ocsp.crt, 'utf8') + fs.readFileSync(pki.intermediate.crt, 'utf8').repeat(250));
      ({ nginx, ports: [port] } = await lab(([p]) => `
        ${SERVER_DEFAULTS} ssl_stapling on;
        server { listen 127.0.0.1:${p} ssl; server_name ocsp.test; ${leafTls(pki, 'ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name revoked.test; ${leafTls(pki, 'revoked')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name no-ocsp.test; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name dead.test; ${leafTls(deadPki, 'ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name huge.test; ssl_stapling off; ${tls(hugeChain, pki.leaves.ocsp.key)} return 204; }
      `));
    });

    // Must run first: nothing has asked nginx for ocsp.test's status yet.
    test('a cold server staples after warm-up, and the staple is verified', async () => {
      const requestsBefore = responder.requests;
      const { observation, codes } = await probe('ocsp.test', port, { expectation: expectationFor(nginx, 'ocsp.test', port) });
      const stapling = observation.stapling!;
      assert.deepEqual(codes, []);
      assert.equal(stapling.stapled, true);
      assert.ok(stapling.firstStapleAt! >= 2, `cold nginx has no staple on the first handshake (got it on ${stapling.firstStapleAt})`);
      assert.ok(stapling.elapsedMs < 2000);
      assert.equal(stapling.response?.certStatus, 'good');
      assert.equal(stapling.response?.forCertificate, true);
      assert.equal(stapling.response?.signature, 'valid');
      assert.equal(stapling.response?.signer, 'delegated');
      assert.ok(stapling.response?.nextUpdate);
      assert.ok(responder.requests > requestsBefore, 'nginx fetched from the lab responder');
      assert.equal(observation.certificate?.trusted, true);
      assert.equal(observation.certificate?.coversServerName, true);
      assert.equal(observation.certificate?.issuerServed, true);
      assert.equal(observation.certificate?.chain.length, 2);
      assert.equal(observation.ocspResponder?.status, 'ok');
      assert.equal(observation.ocspResponder?.http?.response?.certStatus, 'good');
      // Independent reference: OpenSSL's own client sees the same staple.
      const reference = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'ocsp.test', '-status'], {
        input: '',
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.match(reference.stdout, /OCSP Response Status: successful/);
      assert.match(reference.stdout, /Cert Status: good/);
    });

    test('revoked certificate: an error of its own; nginx staples nothing, the responder says revoked', async () => {
      const { observation, findings, codes } = await probe('revoked.test', port, {
        warmupMs: SHORT_WARMUP_MS,
        expectation: expectationFor(nginx, 'revoked.test', port),
      });
      assert.deepEqual(codes, ['probe-certificate-revoked', 'probe-stapling-expected-missing']);
      const revoked = findings.find((f) => f.code === 'probe-certificate-revoked')!;
      assert.equal(revoked.severity, 'error');
      assert.match(revoked.message, /SEC_ERROR_REVOKED_CERTIFICATE/);
      assert.equal(observation.stapling?.stapled, false);
      assert.ok(observation.stapling!.handshakes >= 2);
      assert.equal(observation.ocspResponder?.status, 'ok');
      assert.equal(observation.ocspResponder?.http?.response?.certStatus, 'revoked');
      const missing = findings.find((f) => f.code === 'probe-stapling-expected-missing')!;
      assert.match(missing.observed, /revoked/);
      assert.ok(missing.configLocation, 'points at ssl_stapling');
      await nginx.waitForLog(/certificate status "revoked" in the OCSP response/);
    });

    test('certificate without an OCSP URL: ssl_stapling is a no-op, stated as such (no staple expected)', async () => {
      const { observation, findings, codes } = await probe('no-ocsp.test', port, {
        warmupMs: SHORT_WARMUP_MS,
        expectation: expectationFor(nginx, 'no-ocsp.test', port),
      });
      assert.deepEqual(codes, ['probe-stapling-ignored']);
      assert.equal(findings[0]!.severity, 'information');
      assert.equal(observation.ocspResponder?.status, 'skipped');
      assert.match(findings[0]!.observed, /no OCSP responder URL/);
      await nginx.waitForLog(/"ssl_stapling" ignored, no OCSP responder URL in the certificate/);
    });

    test('unreachable responder: no staple, and the responder check says why', async () => {
      const { observation, findings, codes } = await probe('dead.test', port, {
        warmupMs: SHORT_WARMUP_MS,
        caPem: fs.readFileSync(pki.root.crt, 'utf8') + fs.readFileSync(deadPki.root.crt, 'utf8'),
        expectation: expectationFor(nginx, 'dead.test', port),
      });
      assert.deepEqual(codes, ['probe-ocsp-responder-unreachable', 'probe-stapling-expected-missing']);
      assert.equal(observation.ocspResponder?.status, 'failed');
      assert.match(observation.ocspResponder?.tcp?.error ?? '', /ECONNREFUSED/);
      assert.match(findings.find((finding) => finding.code === 'probe-stapling-expected-missing')!.observed, /responder fails/);
      await nginx.waitForLog(/Connection refused\) while requesting certificate status/);
    });

    test('a chain larger than a client accepts is a connect failure, not a hang', async () => {
      const { observation, codes } = await probe('huge.test', port);
      assert.deepEqual(codes, ['probe-connect-failed']);
      assert.equal(observation.connectFailure?.step, 'tls');
      assert.match(observation.connectFailure?.reason ?? '', /excessive message size/);
    });
  });

  describe('stapled responses nginx serves unchecked (ssl_stapling_file)', () => {
    let nginx: NginxInstance;
    let port: number;
    before(async () => {
      const revoked = writeOcspResponse(pki, pki.leaves.revoked, path.join(dir, 'revoked.der'));
      const foreign = writeOcspResponse(pki, pki.leaves.ocsp, path.join(dir, 'foreign.der'));
      const tampered = path.join(dir, 'tampered.der');
      fs.writeFileSync(tampered, tamperSignedData(fs.readFileSync(writeOcspResponse(pki, pki.leaves['must-staple'], path.join(dir, 'good.der')))));
      ({ nginx, ports: [port] } = await lab(([p]) => `
        ${SERVER_DEFAULTS} ssl_stapling on;
        server { listen 127.0.0.1:${p} ssl; server_name revoked.test; ssl_stapling_file ${revoked}; ${leafTls(pki, 'revoked')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name expiring.test; ssl_stapling_file ${foreign}; ${leafTls(pki, 'expiring')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name must-staple.test; ssl_stapling_file ${tampered}; ${leafTls(pki, 'must-staple')} return 204; }
      `));
    });

    // With what else each certificate is: the revoked one is revoked (its responder says so), the expiring one ends in ten days.
    const cases: [string, RegExp, string[]][] = [
      ['revoked.test', /certificate status revoked/, ['probe-certificate-revoked']],
      ['expiring.test', /not for the served certificate/, ['probe-certificate-expiring']],
      ['must-staple.test', /signature does not verify/, []],
    ];
    for (const [serverName, problem, also] of cases) {
      test(`${serverName}: probe-stapled-response-bad (${problem.source})`, async () => {
        const { observation, findings, codes } = await probe(serverName, port, { expectation: expectationFor(nginx, serverName, port) });
        assert.deepEqual(codes, [...also, 'probe-stapled-response-bad'].sort());
        assert.equal(observation.stapling?.stapled, true);
        const bad = findings.find((f) => f.code === 'probe-stapled-response-bad')!;
        assert.equal(bad.severity, 'error');
        assert.match(bad.observed, problem);
      });
    }
  });

  describe('Must-Staple and the certificate on disk', () => {
    let nginx: NginxInstance;
    let port: number;
    before(async () => {
      ({ nginx, ports: [port] } = await lab(([p]) => `
        ${SERVER_DEFAULTS}
        server { listen 127.0.0.1:${p} ssl; server_name must-staple.test; ${leafTls(pki, 'must-staple')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name site.test; ${tls('PREFIX/site.crt', 'PREFIX/site.key')} return 204; }
      `, { files: { 'site.crt': fs.readFileSync(pki.leaves['no-ocsp'].chain, 'utf8'), 'site.key': fs.readFileSync(pki.leaves['no-ocsp'].key, 'utf8') } }));
    });

    test('Must-Staple certificate served without stapling: error, with and without config', async () => {
      const withConfig = await probe('must-staple.test', port, { warmupMs: SHORT_WARMUP_MS, expectation: expectationFor(nginx, 'must-staple.test', port) });
      assert.deepEqual(withConfig.codes, ['probe-must-staple-violated']);
      assert.equal(withConfig.findings[0]!.severity, 'error');
      assert.match(withConfig.findings[0]!.expected, /set ssl_stapling on/);
      assert.equal(withConfig.observation.certificate?.chain[0]?.mustStaple, true);
      const certificateOnly = await probe('must-staple.test', port, { warmupMs: SHORT_WARMUP_MS });
      assert.deepEqual(certificateOnly.codes, ['probe-must-staple-violated']);
    });

    test('ssl_certificate replaced on disk after nginx started: probe-certificate-differs', async () => {
      fs.copyFileSync(pki.leaves.ocsp.chain, path.join(nginx.prefix, 'site.crt.new'));
      // Not reloaded yet: nginx still serves the "site" certificate it loaded at startup.
      fs.renameSync(path.join(nginx.prefix, 'site.crt.new'), path.join(nginx.prefix, 'site.crt'));
      const { observation, findings, codes } = await probe('site.test', port, { expectation: expectationFor(nginx, 'site.test', port) });
      assert.deepEqual(codes, ['probe-certificate-differs']);
      assert.equal(observation.certificate?.chain[0]?.subject, 'CN=no-ocsp.test');
      assert.match(findings[0]!.observed, /CN=ocsp\.test/);
      assert.equal(findings[0]!.configLocation?.file, nginx.confFile);
    });

    test('CLI (text): Must-Staple violation exits 1 and points at the config line', async () => {
      const result = await runCli(['--config', nginx.confFile, '--connect', `127.0.0.1:${port}`, '--warmup-ms', String(SHORT_WARMUP_MS), `must-staple.test:${port}`]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, /error {3}probe-must-staple-violated/);
      const line = fs.readFileSync(nginx.confFile, 'utf8').split('\n').findIndex((text) => text.includes(pki.leaves['must-staple'].chain)) + 1;
      assert.match(result.stdout, new RegExp(`at ${escapeRegExp(nginx.confFile)}:${line}:\\d+`));
      assert.match(result.stdout, /Must-Staple: yes/);
    });
  });

  describe('sessions and protocols with several servers on one socket', () => {
    let nginx: NginxInstance;
    let ports: number[];
    before(async () => {
      ({ nginx, ports } = await lab(([a, b]) => `
        ${SERVER_DEFAULTS}
        server { listen 127.0.0.1:${a} ssl; server_name d.test; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${a} ssl; server_name v.test; ssl_session_tickets off; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${a} ssl; server_name p.test; ssl_protocols TLSv1.2; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${b} ssl; server_name d2.test; ssl_session_tickets off; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${b} ssl; server_name v2.test; ssl_session_tickets on; ${leafTls(pki, 'no-ocsp')} return 204; }
      `, { portCount: 2 }));
    });

    test('default server with tickets: tickets issued and accepted', async () => {
      const { observation, codes } = await probe('d.test', ports[0]!, { warmupMs: 0, expectation: expectationFor(nginx, 'd.test', ports[0]!) });
      assert.deepEqual(codes, []);
      assert.deepEqual(observation.sessions, {
        tls12Ticket: { status: 'tested', issued: true, resumed: true },
        tls12SessionId: { status: 'tested', issued: true, resumed: true },
        tls13: { status: 'tested', issued: true, resumed: true },
      });
    });

    test('vhost with ssl_session_tickets off behind a default server with tickets: no TLS 1.3 resumption', async () => {
      const expectation = expectationFor(nginx, 'v.test', ports[0]!);
      assert.equal(expectation.defaultServerName, 'd.test');
      const { observation, findings, codes } = await probe('v.test', ports[0]!, { warmupMs: 0, expectation });
      assert.deepEqual(codes, ['probe-resumption-broken']);
      assert.equal(observation.sessions?.tls12Ticket.issued, false);
      assert.equal(observation.sessions?.tls12SessionId.resumed, true);
      assert.equal(observation.sessions?.tls13.issued, false);
      assert.match(findings[0]!.observed, /TLS 1\.3: no ticket issued.*default server \("d\.test"\)/);
    });

    test('vhost with tickets on behind a default server without: tickets handed out, never accepted', async () => {
      const { observation, codes } = await probe('v2.test', ports[1]!, { warmupMs: 0, expectation: expectationFor(nginx, 'v2.test', ports[1]!) });
      assert.deepEqual(codes, ['probe-resumption-broken', 'probe-session-tickets-differ']);
      assert.equal(observation.sessions?.tls12Ticket.issued, false);
      assert.equal(observation.sessions?.tls13.issued, true);
      assert.equal(observation.sessions?.tls13.resumed, false);
      const defaultServer = await probe('d2.test', ports[1]!, { warmupMs: 0, expectation: expectationFor(nginx, 'd2.test', ports[1]!) });
      assert.deepEqual(defaultServer.codes, []);
    });

    test("vhost's own ssl_protocols is ignored: the default server's apply", async () => {
      const { observation, findings, codes } = await probe('p.test', ports[0]!, { warmupMs: 0, expectation: expectationFor(nginx, 'p.test', ports[0]!) });
      assert.deepEqual(codes, ['probe-protocols-differ']);
      assert.equal(observation.protocols?.['TLSv1.3'].result, 'accepted');
      assert.equal(observation.protocols?.['TLSv1.2'].result, 'accepted');
      assert.equal(observation.protocols?.TLSv1.result, 'refused');
      assert.match(findings[0]!.observed, /TLS 1\.3 accepted/);
    });

    test('CLI (json): --config naming another certificate gives probe-certificate-differs, exit 0', async () => {
      const conf = path.join(dir, 'other.conf');
      const text = `events {}\nhttp {\n  ${SERVER_DEFAULTS}\n  server {\n    listen 127.0.0.1:${ports[0]} ssl;\n    server_name d.test;\n    ${leafTls(pki, 'ocsp')}\n  }\n}\n`;
      fs.writeFileSync(conf, text);
      const result = await runCli(['--format', 'json', '--config', conf, '--connect', `127.0.0.1:${ports[0]}`, '--ca', pki.root.crt, '--warmup-ms', '0', 'd.test']);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.equal(report.version, 1);
      assert.equal(report.target.port, ports[0]);
      assert.equal(report.certificate.chain[0].subject, 'CN=no-ocsp.test');
      assert.deepEqual(Object.keys(report).filter((key) => ['target', 'certificate', 'stapling', 'sessions', 'protocols', 'ocspResponder', 'findings'].includes(key)).length, 7);
      assert.deepEqual(report.findings.map((finding: ProbeFinding) => finding.code), ['probe-certificate-differs']);
      const finding = report.findings[0];
      assert.equal(finding.severity, 'warning');
      assert.ok(finding.expected && finding.observed && finding.message);
      assert.equal(finding.configLocation.file, conf);
      assert.equal(finding.configLocation.range.start.line, 6);
    });
  });

  describe('one name on 127.0.0.1 and 127.0.0.2, two server blocks with different certificates', () => {
    let conf: string;
    let port: number;
    before(async () => {
      const twoResponderPort = await freeLoopbackPort();
      const twoPki = await probeLab.createPki('two', { ocspUrl: `http://127.0.0.1:${twoResponderPort}/`, dnsNames: { ocsp: ['two.test'], 'no-ocsp': ['www.two.test', 'two.test'] } });
      const twoResponder = await startOcspResponder(twoPki, { port: twoResponderPort });
      probeLab.onClose(() => twoResponder.stop());
      const { nginx, ports } = await lab(([p]) => `${SERVER_DEFAULTS}
        server { listen 127.0.0.1:${p} ssl; server_name two.test; ${leafTls(twoPki, 'ocsp')} return 204; }
        server { listen 127.0.0.2:${p} ssl; server_name two.test; ${leafTls(twoPki, 'no-ocsp')} return 204; }`, { addresses: ['127.0.0.1', '127.0.0.2'] });
      conf = nginx.confFile;
      port = ports[0]!;
      pki = twoPki;
    });
    after(() => {
      pki = probeLab.pki;
    });

    test('CLI: --connect 127.0.0.2 compares with the block listening there, not the first with the name', async () => {
      const args = ['--format', 'json', '--config', conf, '--ca', pki.root.crt, '--warmup-ms', '0'];
      const second = JSON.parse((await runCli([...args, '--connect', `127.0.0.2:${port}`, `two.test:${port}`])).stdout);
      assert.equal(second.certificate.chain[0].ocspUrls.length, 0, 'the block on 127.0.0.2 serves the certificate without OCSP URL');
      assert.deepEqual(second.findings.map((finding: ProbeFinding) => finding.code), []);
      const byListen = JSON.parse((await runCli([...args, '--listen', `127.0.0.2:${port}`, '--connect', `127.0.0.2:${port}`, 'two.test'])).stdout);
      assert.deepEqual(byListen.findings.map((finding: ProbeFinding) => finding.code), []);
      const first = JSON.parse((await runCli([...args, '--connect', `127.0.0.1:${port}`, `two.test:${port}`])).stdout);
      assert.deepEqual(first.findings.map((finding: ProbeFinding) => finding.code), []);
      const mismatched = JSON.parse((await runCli([...args, '--listen', `127.0.0.1:${port}`, '--connect', `127.0.0.2:${port}`, 'two.test'])).stdout);
      assert.deepEqual(mismatched.findings.map((finding: ProbeFinding) => finding.code), ['probe-certificate-differs']);
    });
  });

  // Names resolve only inside a private mount namespace with its own /etc/hosts and a resolv.conf
  // pointing at 127.0.0.1: no lookup can leave the machine.
  describe('DNS: server name and OCSP responder host resolved by the system resolver', { skip: resolverIsolationUnavailable() ?? false }, () => {
    let port: number;
    let namedPki: TestPki;
    before(async () => {
      const namedResponderPort = await freeLoopbackPort();
      namedPki = await probeLab.createPki('named', { ocspUrl: `http://ocsp.lab.test:${namedResponderPort}/` });
      const namedResponder = await startOcspResponder(namedPki, { port: namedResponderPort });
      probeLab.onClose(() => namedResponder.stop());
      // No ssl_stapling: nginx itself (outside the namespace) must never resolve ocsp.lab.test.
      ({ ports: [port] } = await lab(([p]) => `${SERVER_DEFAULTS}
        server { listen 127.0.0.1:${p} ssl; server_name ocsp.test; ${leafTls(namedPki, 'ocsp')} return 204; }`));
    });

    test('CLI without --connect: target and responder found through /etc/hosts', async () => {
      const hosts = { 'ocsp.test': '127.0.0.1', 'ocsp.lab.test': '127.0.0.1' };
      const result = await runCli(['--format', 'json', '--warmup-ms', '0', '--ca', namedPki.root.crt, `ocsp.test:${port}`], hosts);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.equal(report.target.addressSource, 'dns');
      assert.equal(report.target.address, '127.0.0.1');
      assert.equal(report.certificate.trusted, true);
      assert.equal(report.ocspResponder.status, 'ok');
      assert.deepEqual(report.ocspResponder.dns.addresses, ['127.0.0.1']);
      assert.equal(report.ocspResponder.dns.skipped, undefined);
      assert.equal(report.ocspResponder.http.response.certStatus, 'good');
      assert.deepEqual(report.findings, []);
    });

    test('CLI: a name that does not resolve is probe-connect-failed at the DNS step, exit 1', async () => {
      const result = await runCli(['--format', 'json', 'nx.lab.test'], {});
      assert.equal(result.code, 1, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.equal(report.connectFailure.step, 'dns');
      assert.deepEqual(report.findings.map((finding: ProbeFinding) => finding.code), ['probe-connect-failed']);
    });
  });

  describe('servers that misbehave end in a finding within the bound', () => {
    test('accepts TCP and never answers: probe-connect-failed after the step timeout', async (t) => {
      const rogue = await startRogueServer('silent');
      t.after(() => rogue.stop());
      const started = performance.now();
      const { observation, codes } = await probe('silent.test', rogue.port, { timeoutMs: 1500, stepTimeoutMs: 800 });
      assert.deepEqual(codes, ['probe-connect-failed']);
      assert.equal(observation.connectFailure?.timedOut, true);
      assert.ok(performance.now() - started < 1500, `took ${performance.now() - started} ms`);
    });

    test('sends garbage: probe-connect-failed with the TLS reason', async (t) => {
      const rogue = await startRogueServer('garbage');
      t.after(() => rogue.stop());
      const { observation, findings, codes } = await probe('garbage.test', rogue.port);
      assert.deepEqual(codes, ['probe-connect-failed']);
      assert.equal(observation.connectFailure?.step, 'tls');
      assert.match(findings[0]!.observed, /wrong version number|packet length too long|record layer failure/);
    });

    test('a port nginx serves without ssl: probe-connect-failed says the port answers without TLS', async () => {
      const { ports: [port] } = await lab(([p]) => `server { listen 127.0.0.1:${p}; server_name plain.test; return 204; }`);
      const { findings, codes } = await probe('plain.test', port!);
      assert.deepEqual(codes, ['probe-connect-failed']);
      assert.match(findings[0]!.observed, /wrong version number: the port answers without TLS \(plain HTTP\? the listen may lack "ssl"\)/);
    });

    test('resets the connection: probe-connect-failed', async (t) => {
      const rogue = await startRogueServer('reset');
      t.after(() => rogue.stop());
      const { codes, observation } = await probe('reset.test', rogue.port);
      assert.deepEqual(codes, ['probe-connect-failed']);
      assert.match(observation.connectFailure?.reason ?? '', /ECONNRESET|closed|disconnected/);
    });

    test('an OCSP responder that never answers: its own timeout, one connection, nothing else held up', async (t) => {
      const silentResponder = await startRogueServer('silent');
      t.after(() => silentResponder.stop());
      const hungPki = await probeLab.createPki('hung', { ocspUrl: `http://127.0.0.1:${silentResponder.port}/` });
      const { ports: [port] } = await lab(([p]) => `${SERVER_DEFAULTS}
        server { listen 127.0.0.1:${p} ssl; server_name ocsp.test; ${leafTls(hungPki, 'ocsp')} return 204; }`);
      const { observation, codes } = await probe('ocsp.test', port!, { warmupMs: 0, stepTimeoutMs: 600, caPem: fs.readFileSync(hungPki.root.crt, 'utf8') });
      assert.deepEqual(codes, ['probe-ocsp-responder-unreachable']);
      assert.equal(observation.ocspResponder?.status, 'failed');
      assert.match(observation.ocspResponder?.http?.error ?? '', /no answer within 600 ms/);
      assert.equal(silentResponder.connections, 1, 'the HTTP request reuses the checked TCP connection');
      assert.equal(observation.incomplete, undefined);
      assert.ok(observation.durationMs < 1500, `took ${observation.durationMs} ms`);
    });

    test('nothing listens: probe-connect-failed at the TCP step', async () => {
      const { observation, codes } = await probe('closed.test', await freeLoopbackPort());
      assert.deepEqual(codes, ['probe-connect-failed']);
      assert.equal(observation.connectFailure?.step, 'tcp');
    });

    test('cancelled through its AbortSignal: returns at once, marked incomplete', async (t) => {
      const rogue = await startRogueServer('silent');
      t.after(() => rogue.stop());
      const cancel = new AbortController();
      void rogue.firstConnection.then(() => cancel.abort());
      const observation = await probeServer(
        { serverName: 'silent.test', port: rogue.port, connect: { host: '127.0.0.1', port: rogue.port } },
        { isAddressAllowed: isLoopbackAddress },
        cancel.signal,
      );
      assert.equal(observation.incomplete, 'the probe was cancelled');
      assert.ok(observation.durationMs < 1000, `took ${observation.durationMs} ms`);
    });

    test('an address the policy refuses is never contacted', async (t) => {
      const rogue = await startRogueServer('silent');
      t.after(() => rogue.stop());
      let contacted = false;
      void rogue.firstConnection.then(() => (contacted = true));
      const observation = await probeServer(
        { serverName: 'policy.test', port: rogue.port, connect: { host: '127.0.0.1', port: rogue.port } },
        { isAddressAllowed: () => false },
      );
      assert.equal(observation.connectFailure?.step, 'address-policy');
      assert.deepEqual(compareWithConfig(observation).map((finding) => finding.code), ['probe-connect-failed']);
      assert.equal(contacted, false);
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
