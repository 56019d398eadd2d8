import 'reflect-metadata';
// What browsers and nginx really do, on the real-nginx lab: each browser verdict code, Must-Staple
// on a fresh nginx, two addresses serving different certificates, and expectations that follow
// nginx (responder override, stapling nginx ignores, protocols OpenSSL refuses, renewals).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProbeFinding, ProbeReport } from '../../server/src/service/probe/types';
import type { TestPki } from '../support/pki';
import { findNginx } from '../support/nginxBinary';
import { freeLoopbackPort, leafTls, openProbeLab, resolverIsolationUnavailable, skipLab, startOcspResponder, tlsFiles, type ProbeLab } from '../support/lab';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const SERVER_DEFAULTS = 'ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:LAB:1m;';

let lab: ProbeLab;
let pki: TestPki;
/** Every lab root except the "unknown CA" one, as a PEM bundle file for --ca and as text. */
let caFile: string;
let caPem: string;

function codesOf(report: { findings: ProbeFinding[] }): string[] {
  return report.findings.map((finding) => finding.code).sort();
}

function parseReport(stdout: string): ProbeReport {
  return JSON.parse(stdout) as ProbeReport;
}

describe('the probe sees what browsers see (real nginx on loopback)', { skip: skipLab }, () => {
  let cnPki: TestPki;
  let futurePki: TestPki;
  let ipPki: TestPki;
  let unknownCa: TestPki;

  before(async () => {
    lab = await openProbeLab({ dnsNames: { ocsp: ['ocsp.test', 'leafonly.test', 'renewed.test', 'responder.test', 'https-responder.test'] } });
    pki = lab.pki;
    const deadOcsp = `http://127.0.0.1:${await freeLoopbackPort()}/`;
    cnPki = await lab.createPki('cn', { ocspUrl: deadOcsp, dnsNames: { 'no-ocsp': ['cnonly.test'] }, withoutSan: ['no-ocsp'] });
    const now = Date.now();
    futurePki = await lab.createPki('future', {
      ocspUrl: deadOcsp,
      dnsNames: { 'no-ocsp': ['future.test'] },
      validity: { 'no-ocsp': { notBefore: new Date(now + 2 * DAY_MS), notAfter: new Date(now + 90 * DAY_MS) } },
    });
    ipPki = await lab.createPki('ip', { ocspUrl: deadOcsp, dnsNames: { 'no-ocsp': ['ip.test'] }, ipAddresses: { 'no-ocsp': ['127.0.0.1'] } });
    unknownCa = await lab.createPki('unknown', { ocspUrl: deadOcsp, dnsNames: { 'no-ocsp': ['untrusted.test'] } });
    caPem = [pki, cnPki, futurePki, ipPki].map((set) => fs.readFileSync(set.root.crt, 'utf8')).join('');
    caFile = path.join(lab.dir, 'roots.pem');
    fs.writeFileSync(caFile, caPem);
  });
  after(() => lab.close());

  describe('browser verdicts on the certificate served', () => {
    let port: number;
    let ipPort: number;
    let dnsOnlyPort: number;
    before(async () => {
      const started = await lab.nginx(([p, ip, dnsOnly]) => `${SERVER_DEFAULTS}
        server { listen 127.0.0.1:${p} ssl; server_name expired.test; ${leafTls(pki, 'expired')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name wrong.test; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name cnonly.test; ${leafTls(cnPki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name future.test; ${leafTls(futurePki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name untrusted.test; ${leafTls(unknownCa, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name leafonly.test; ${tlsFiles(pki.leaves.ocsp.crt, pki.leaves.ocsp.key)} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name under-expired.test; ${tlsFiles(pki.odd.underExpired.chain, pki.odd.underExpired.key)} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name expiring.test; ${leafTls(pki, 'expiring')} return 204; }
        server { listen 127.0.0.1:${ip} ssl; server_name ip.test; ${leafTls(ipPki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${dnsOnly} ssl; server_name no-ocsp.test; ${leafTls(pki, 'no-ocsp')} return 204; }
      `, { portCount: 3 });
      [port, ipPort, dnsOnlyPort] = started.ports as [number, number, number];
    });

    test('expired: an error naming Chrome and Firefox pages; the CLI exits 1 and never says all is well', async () => {
      const { codes, findings } = await lab.probe('expired.test', port, { caPem, warmupMs: 0 });
      assert.deepEqual(codes, ['probe-certificate-expired']);
      assert.equal(findings[0]!.severity, 'error');
      assert.match(findings[0]!.message, /NET::ERR_CERT_DATE_INVALID/);
      assert.match(findings[0]!.message, /SEC_ERROR_EXPIRED_CERTIFICATE/);
      const text = await lab.runCli(['--ca', caFile, '--warmup-ms', '0', '--connect', `127.0.0.1:${port}`, `expired.test:${port}`]);
      assert.equal(text.code, 1, text.stderr);
      assert.match(text.stdout, /error {3}probe-certificate-expired: /);
      assert.match(text.stdout, /Chrome: refuses \(NET::ERR_CERT_DATE_INVALID\)/);
      assert.doesNotMatch(text.stdout, /No findings|as expected/);
      const json = await lab.runCli(['--format', 'json', '--ca', caFile, '--warmup-ms', '0', '--connect', `127.0.0.1:${port}`, `expired.test:${port}`]);
      assert.equal(json.code, 1);
      const report = parseReport(json.stdout);
      assert.deepEqual(codesOf(report), ['probe-certificate-expired']);
      assert.equal(report.certificate?.trusted, false, 'the trust field keeps its meaning (Node: CERT_HAS_EXPIRED)');
      assert.deepEqual(report.browsers?.map((verdict) => [verdict.browser, verdict.works]), [['Chrome', false], ['Firefox', false], ['Safari', false]]);
    });

    test('a current certificate sent with an expired intermediate: an error naming the intermediate, as openssl s_client sees it', async () => {
      const { codes, findings } = await lab.probe('under-expired.test', port, { caPem, warmupMs: 0 });
      assert.deepEqual(codes, ['probe-certificate-expired']);
      assert.match(findings[0]!.message, /intermediate certificate "CN=nginx-tls Test Expired Intermediate CA/);
      assert.match(findings[0]!.message, /SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE/);
      const reference = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'under-expired.test', '-CAfile', caFile], { input: '', encoding: 'utf8', timeout: 10_000 });
      assert.match(reference.stdout, /Verify return code: 10 \(certificate has expired\)/);
      const json = await lab.runCli(['--format', 'json', '--ca', caFile, '--warmup-ms', '0', '--connect', `127.0.0.1:${port}`, `under-expired.test:${port}`]);
      assert.equal(json.code, 1, json.stderr);
      const firefox = parseReport(json.stdout).browsers?.find((verdict) => verdict.browser === 'Firefox');
      assert.deepEqual([firefox?.works, firefox?.why], [false, 'SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE']);
    });

    test('a certificate that ends in ten days: a warning, and the browsers still work', async () => {
      const { codes, findings, observation } = await lab.probe('expiring.test', port, { caPem, warmupMs: 0 });
      assert.deepEqual(codes, ['probe-certificate-expiring']);
      assert.equal(findings[0]!.severity, 'warning');
      assert.match(findings[0]!.message, /in (9|10) day\(s\)/);
      assert.equal(observation.certificate?.trusted, true);
    });

    test('not yet valid', async () => {
      const { codes, findings } = await lab.probe('future.test', port, { caPem, warmupMs: 0 });
      assert.deepEqual(codes, ['probe-certificate-not-yet-valid']);
      assert.match(findings[0]!.message, /MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE/);
    });

    test('a certificate for other names', async () => {
      const { codes, findings } = await lab.probe('wrong.test', port, { caPem, warmupMs: 0 });
      assert.deepEqual(codes, ['probe-certificate-name-mismatch']);
      assert.match(findings[0]!.message, /NET::ERR_CERT_COMMON_NAME_INVALID.*SSL_ERROR_BAD_CERT_DOMAIN/);
      assert.match(findings[0]!.observed, /no-ocsp\.test/);
    });

    test('a CN-only certificate covers nothing', async () => {
      const { codes, findings, observation } = await lab.probe('cnonly.test', port, { caPem, warmupMs: 0 });
      assert.deepEqual(codes, ['probe-certificate-name-mismatch']);
      assert.equal(observation.certificate?.chain[0]?.commonName, 'cnonly.test');
      assert.match(findings[0]!.observed, /browsers ignore the CN/);
    });

    test('an IP address needs an IP SAN', async () => {
      const withIpSan = await lab.probe('127.0.0.1', ipPort, { caPem, warmupMs: 0 });
      assert.deepEqual(withIpSan.codes, []);
      assert.equal(withIpSan.observation.target.sni, false);
      const dnsOnly = await lab.probe('127.0.0.1', dnsOnlyPort, { caPem, warmupMs: 0 });
      assert.deepEqual(dnsOnly.codes, ['probe-certificate-name-mismatch']);
      assert.match(dnsOnly.findings[0]!.observed, /iPAddress SAN/);
    });

    test('a chain to a root nobody trusts', async () => {
      const { codes, findings, observation } = await lab.probe('untrusted.test', port, { caPem, warmupMs: 0 });
      assert.deepEqual(codes, ['probe-certificate-untrusted']);
      assert.match(findings[0]!.message, /NET::ERR_CERT_AUTHORITY_INVALID.*SEC_ERROR_UNKNOWN_ISSUER/);
      assert.equal(observation.certificate?.path?.trustedRoot, false);
    });

    test('a leaf-only chain names the missing intermediate and who still works', async () => {
      const { codes, findings, observation } = await lab.probe('leafonly.test', port, { caPem, warmupMs: 0 });
      assert.deepEqual(codes, ['probe-chain-incomplete']);
      assert.equal(findings[0]!.severity, 'warning');
      assert.match(findings[0]!.message, /"CN=nginx-tls Test Intermediate CA, O=nginx-tls tests"/);
      assert.match(findings[0]!.message, /Firefox works only when it has the intermediate cached/);
      assert.equal(observation.certificate?.chain.length, 1);
      // With the intermediate in --ca the path completes, and the chain is still incomplete.
      const helped = await lab.probe('leafonly.test', port, { caPem: fs.readFileSync(pki.caChain, 'utf8'), warmupMs: 0 });
      assert.deepEqual(helped.codes, ['probe-chain-incomplete']);
      assert.equal(helped.observation.certificate?.path?.missingIssuerFoundIn, 'ca');
      assert.equal(helped.observation.certificate?.trusted, true, 'Node trusts it with the intermediate in its store');
    });
  });

  test('Must-Staple on a freshly started nginx: the first handshake has no staple', async () => {
    const { nginx, ports } = await lab.nginx(([p]) => `${SERVER_DEFAULTS} ssl_stapling on;
      server { listen 127.0.0.1:${p} ssl; server_name must-staple.test; ${leafTls(pki, 'must-staple')} return 204; }`);
    const port = ports[0]!;
    const { codes, findings, observation } = await lab.probe('must-staple.test', port, { expectation: lab.expectationFor(nginx, 'must-staple.test', port) });
    assert.deepEqual(codes, ['probe-must-staple-cold-start']);
    assert.equal(observation.stapling?.firstHandshake?.stapled, false);
    assert.equal(observation.stapling?.stapled, true);
    assert.match(findings[0]!.message, /MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING/);
    assert.match(findings[0]!.message, /Chrome does not enforce/);
  });

  test('a block with an ECDSA and an expired RSA certificate: the RSA one is probed too, an error for RSA-only clients, browsers unaffected', async () => {
    const dual = await lab.createPki('dual', { dnsNames: { 'no-ocsp': ['dual.test'] } });
    // An RSA leaf for dual.test from the same intermediate, expired ten days ago (openssl s_client -sigalgs RSA+SHA256 gets it).
    const rsaKeys = await webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const intermediateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(fs.readFileSync(dual.intermediate.key, 'utf8')), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const intermediatePem = fs.readFileSync(dual.intermediate.crt, 'utf8');
    const rsa = await x509.X509CertificateGenerator.create({
      serialNumber: '0a1b2c',
      subject: 'CN=dual.test',
      issuer: new x509.X509Certificate(intermediatePem).subject,
      notBefore: new Date(Date.now() - 100 * DAY_MS),
      notAfter: new Date(Date.now() - 10 * DAY_MS),
      publicKey: rsaKeys.publicKey as never,
      signingKey: intermediateKey as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'dual.test' }])],
    });
    const rsaChain = path.join(lab.dir, 'dual-rsa.chain.pem');
    const rsaKey = path.join(lab.dir, 'dual-rsa.key');
    fs.writeFileSync(rsaChain, `${rsa.toString('pem')}\n${intermediatePem}`);
    fs.writeFileSync(rsaKey, x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', rsaKeys.privateKey), 'PRIVATE KEY'), { mode: 0o600 });
    const { ports } = await lab.nginx(([p]) => `${SERVER_DEFAULTS}
      server { listen 127.0.0.1:${p} ssl; server_name dual.test; ${leafTls(dual, 'no-ocsp')} ${tlsFiles(rsaChain, rsaKey)} return 204; }`);
    const port = ports[0]!;
    const ca = fs.readFileSync(dual.root.crt, 'utf8');
    const { codes, findings, observation } = await lab.probe('dual.test', port, { caPem: ca, warmupMs: 0 });
    assert.deepEqual(codes, ['probe-other-certificate-invalid']);
    assert.match(findings[0]!.message, /The RSA certificate the server sends to clients that offer only RSA signatures .* expired on/);
    assert.deepEqual(observation.certificate?.others?.map((o) => o.offered), ['RSA']);
    const reference = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'dual.test', '-sigalgs', 'RSA-PSS+SHA256:RSA+SHA256'], { input: '', encoding: 'utf8', timeout: 10_000 });
    assert.match(reference.stdout, /s:CN ?= ?dual\.test/);
    assert.match(reference.stdout, /NotAfter: .*\n/);
    const caFileDual = path.join(lab.dir, 'dual-root.pem');
    fs.writeFileSync(caFileDual, ca);
    const json = await lab.runCli(['--format', 'json', '--ca', caFileDual, '--warmup-ms', '0', '--connect', `127.0.0.1:${port}`, `dual.test:${port}`]);
    assert.equal(json.code, 1, json.stderr);
    assert.deepEqual(parseReport(json.stdout).browsers?.map((verdict) => verdict.works), [true, true, true]);
  });

  test('Must-Staple with a responder slower than the warm-up: the warm-up waits for nginx\'s fetch, a cold start and not a violation', async () => {
    const slow = await startOcspResponder(pki, { delayMs: 2500 });
    try {
      const { nginx, ports } = await lab.nginx(([p]) => `${SERVER_DEFAULTS} ssl_stapling on;
        server { listen 127.0.0.1:${p} ssl; server_name must-staple.test; ssl_stapling_responder ${slow.url}; ${leafTls(pki, 'must-staple')} return 204; }`);
      const port = ports[0]!;
      const expectation = lab.expectationFor(nginx, 'must-staple.test', port);
      const { codes, observation } = await lab.probe('must-staple.test', port, { expectation, ocspResponderUrl: slow.url, warmupMs: 1000 });
      assert.deepEqual(codes, ['probe-must-staple-cold-start']);
      assert.equal(observation.stapling?.stapled, true);
      assert.ok((observation.stapling?.warmupMs ?? 0) > 2500, `warm-up ${observation.stapling?.warmupMs} ms`);
    } finally {
      await slow.stop();
    }
  });

  describe('one name on two loopback addresses serving different certificates', { skip: resolverIsolationUnavailable() ?? false }, () => {
    let port: number;
    before(async () => {
      const twoPki = await lab.createPki('two', { dnsNames: { 'no-ocsp': ['multi.test'], expiring: ['multi.test', 'www.multi.test'] } });
      fs.appendFileSync(caFile, fs.readFileSync(twoPki.root.crt, 'utf8'));
      const started = await lab.nginx(([p]) => `${SERVER_DEFAULTS}
        server { listen 127.0.0.1:${p} ssl; server_name multi.test; ${leafTls(twoPki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.2:${p} ssl; server_name multi.test; ${leafTls(twoPki, 'expiring')} return 204; }`, { addresses: ['127.0.0.1', '127.0.0.2'] });
      port = started.ports[0]!;
    });

    test('both A records are probed; the top level describes the first address', async () => {
      const run = await lab.runCli(['--format', 'json', '--ca', caFile, '--warmup-ms', '0', `multi.test:${port}`], { 'multi.test': ['127.0.0.1', '127.0.0.2'] });
      assert.equal(run.code, 0, run.stderr);
      const report = parseReport(run.stdout);
      assert.deepEqual(report.addresses?.map((entry) => entry.address), ['127.0.0.1', '127.0.0.2']);
      assert.equal(report.target.address, '127.0.0.1');
      assert.equal(report.certificate?.chain[0]?.subject, 'CN=multi.test');
      assert.deepEqual(codesOf(report), ['probe-addresses-differ']);
      assert.match(report.findings[0]!.observed, /127\.0\.0\.2 serves CN=multi\.test .*valid until/);
      assert.notEqual(report.addresses?.[0]?.certificate?.chain[0]?.sha256Fingerprint, report.addresses?.[1]?.certificate?.chain[0]?.sha256Fingerprint);
    });
  });

  test('--config with --connect and no port: the block listening on the port connected to is compared', async () => {
    const { nginx, ports } = await lab.nginx(([a, b]) => `${SERVER_DEFAULTS}
      server { listen 127.0.0.1:${a} ssl; server_name no-ocsp.test; ssl_session_tickets off; ${leafTls(pki, 'no-ocsp')} return 204; }
      server { listen 127.0.0.1:${b} ssl; server_name no-ocsp.test; ${leafTls(pki, 'no-ocsp')} return 204; }`, { portCount: 2 });
    const [a, b] = ports as [number, number];
    const probeVia = (port: number): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      lab.runCli(['--config', nginx.confFile, '--server-name', 'no-ocsp.test', '--connect', `127.0.0.1:${port}`, '--ca', caFile, '--warmup-ms', '0', '--format', 'json']);
    for (const port of [a, b]) {
      const run = await probeVia(port);
      assert.equal(run.code, 0, run.stderr);
      const report = parseReport(run.stdout);
      assert.equal(report.target.port, port, 'the block of the port connected to');
      assert.deepEqual(codesOf(report), [], 'tickets as that block says');
    }
  });

  describe('every server of a config (--all)', () => {
    let conf: string;
    let ports: number[];
    before(async () => {
      const started = await lab.nginx(([a, b]) => `${SERVER_DEFAULTS}
        server { listen 127.0.0.1:${a} ssl default_server; server_name _; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${a} ssl; server_name no-ocsp.test www.no-ocsp.test; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${a} ssl; server_name *.wild.test; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${b} ssl; server_name expired.test; ${leafTls(pki, 'expired')} return 204; }
      `, { portCount: 2 });
      conf = started.nginx.confFile;
      ports = started.ports;
    });

    test('JSON: one report per literal name, wildcards skipped with a note, exit 1 on an error finding', async () => {
      const run = await lab.runCli(['--config', conf, '--all', '--connect', '127.0.0.1', '--concurrency', '2', '--ca', caFile, '--warmup-ms', '0', '--format', 'json']);
      assert.equal(run.code, 1, run.stderr);
      const result = JSON.parse(run.stdout) as { version: number; reports: ProbeReport[]; skipped: { name: string; reason: string }[] };
      assert.equal(result.version, 1);
      assert.deepEqual(result.reports.map((report) => `${report.target.serverName}:${report.target.port}`), [`no-ocsp.test:${ports[0]}`, `www.no-ocsp.test:${ports[0]}`, `expired.test:${ports[1]}`]);
      assert.deepEqual(result.reports.map(codesOf), [[], [], ['probe-certificate-expired']]);
      assert.deepEqual(result.skipped.map((entry) => entry.name), ['_', '*.wild.test']);
    });

    test('text: one table', async () => {
      const run = await lab.runCli(['--config', conf, '--all', '--connect', '127.0.0.1', '--ca', caFile, '--warmup-ms', '0']);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /^SERVER +ADDRESS +RESULT +FINDINGS$/m);
      assert.match(run.stdout, new RegExp(`^expired\\.test:${ports[1]} +127\\.0\\.0\\.1 +1 error\\(s\\) +probe-certificate-expired$`, 'm'));
      assert.match(run.stdout, new RegExp(`^no-ocsp\\.test:${ports[0]} +127\\.0\\.0\\.1 +ok +-$`, 'm'));
      assert.match(run.stdout, /^skipped \*\.wild\.test .*not a literal name/m);
    });
  });

  describe('expectations that follow nginx', () => {
    let nginxConf: string;
    let port: number;
    let legacyPort: number;
    let defaultsPort: number;
    let deadResponder: string;
    let renewedFile: string;
    before(async () => {
      deadResponder = `http://127.0.0.1:${await freeLoopbackPort()}/`;
      const { nginx, ports } = await lab.nginx(([p, legacy, defaults]) => `
        server { listen 127.0.0.1:${p} ssl; server_name responder.test; ${SERVER_DEFAULTS} ssl_stapling on; ssl_stapling_responder ${deadResponder}; ${leafTls(pki, 'ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name https-responder.test; ssl_stapling on; ssl_stapling_responder https://127.0.0.1:1/; ${leafTls(pki, 'ocsp')} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name leafonly.test; ssl_stapling on; ${tlsFiles(pki.leaves.ocsp.crt, pki.leaves.ocsp.key)} return 204; }
        server { listen 127.0.0.1:${p} ssl; server_name renewed.test; ${tlsFiles('PREFIX/renewed.crt', 'PREFIX/renewed.key')} return 204; }
        server { listen 127.0.0.1:${legacy} ssl; server_name no-ocsp.test; ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; ${leafTls(pki, 'no-ocsp')} return 204; }
        server { listen 127.0.0.1:${defaults} ssl; server_name no-ocsp.test; ${leafTls(pki, 'no-ocsp')} return 204; }
      `, {
        portCount: 3,
        files: { 'renewed.crt': fs.readFileSync(pki.leaves.ocsp.chain, 'utf8'), 'renewed.key': fs.readFileSync(pki.leaves.ocsp.key, 'utf8') },
      });
      nginxConf = nginx.confFile;
      [port, legacyPort, defaultsPort] = ports as [number, number, number];
      renewedFile = path.join(nginx.prefix, 'renewed.crt');
      await nginx.waitForLog(/invalid URL prefix in OCSP responder/);
      await nginx.waitForLog(/"ssl_stapling" ignored, issuer certificate not found/);
    });

    const cli = (name: string, listenPort: number, ...extra: string[]): Promise<ProbeReport> =>
      lab.runCli(['--format', 'json', '--config', nginxConf, '--ca', caFile, '--warmup-ms', '400', '--connect', `127.0.0.1:${listenPort}`, ...extra, `${name}:${listenPort}`]).then((run) => parseReport(run.stdout));

    test('ssl_stapling_responder is the responder checked', async () => {
      const report = await cli('responder.test', port);
      assert.equal(report.ocspResponder?.url, deadResponder);
      assert.equal(report.ocspResponder?.source, 'ssl_stapling_responder');
      assert.deepEqual(codesOf(report), ['probe-ocsp-responder-unreachable', 'probe-stapling-expected-missing']);
      assert.match(report.findings.find((finding) => finding.code === 'probe-ocsp-responder-unreachable')!.message, /ssl_stapling_responder/);
    });

    test('an https:// responder: nginx ignores stapling, no staple expected', async () => {
      const report = await cli('https-responder.test', port);
      assert.deepEqual(codesOf(report), ['probe-stapling-ignored']);
      assert.match(report.findings[0]!.message, /invalid URL prefix in OCSP responder "https:\/\/127\.0\.0\.1:1\/"/);
    });

    test('issuer nowhere to be found: nginx ignores stapling, and the chain is incomplete', async () => {
      const report = await cli('leafonly.test', port);
      assert.deepEqual(codesOf(report), ['probe-chain-incomplete', 'probe-stapling-ignored']);
      assert.match(report.findings.find((finding) => finding.code === 'probe-stapling-ignored')!.message, /issuer certificate not found/);
    });

    test("TLS 1.0/1.1 listed but refused by Debian's OpenSSL 3: information, not a difference", async () => {
      const report = await cli('no-ocsp.test', legacyPort);
      assert.equal(report.protocols?.TLSv1.result, 'refused');
      assert.deepEqual(codesOf(report), ['probe-protocols-refused-by-library']);
      assert.equal(report.findings[0]!.severity, 'information');
    });

    test('ssl_protocols unset: the default follows the nginx version', async () => {
      const installed = /nginx\/(\d+\.\d+\.\d+)/.exec(spawnSync(findNginx()!, ['-v'], { encoding: 'utf8' }).stderr)?.[1];
      assert.ok(installed);
      assert.deepEqual(codesOf(await cli('no-ocsp.test', defaultsPort)), [], 'unknown version: conservative');
      assert.deepEqual(codesOf(await cli('no-ocsp.test', defaultsPort, '--nginx-version', installed)), []);
    });

    test('the file holds a renewal nginx has not loaded: it says nginx was not reloaded', async () => {
      const renewal = await lab.createPki('renewal', {
        dnsNames: { ocsp: pki.leaves.ocsp.dnsNames },
        validity: { ocsp: { notBefore: new Date(Date.now() - 10 * 60 * 1000), notAfter: new Date(Date.now() + 90 * DAY_MS) } },
      });
      fs.writeFileSync(`${renewedFile}.new`, fs.readFileSync(renewal.leaves.ocsp.chain));
      fs.renameSync(`${renewedFile}.new`, renewedFile);
      const report = await cli('renewed.test', port);
      assert.deepEqual(codesOf(report), ['probe-certificate-differs']);
      assert.match(report.findings[0]!.message, /nginx was probably not reloaded since the certificate was renewed/);
    });
  });
});
