// compareWithConfig and formatProbeReport on hand-made observations: every rule, no network.
import { parseHostPort } from '../../server/src/service/hostPort';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CertificateFileResult, CertificateInfo } from '../../server/src/service/certificates';
import { compareWithConfig } from '../../server/src/service/probe/compareWithConfig';
import { createProbeReport, formatProbeReport } from '../../server/src/service/probe/formatProbeReport';
import { renderProbeReportHtml } from '../../server/src/service/probe/renderProbeReportHtml';
import type { OcspResponseCheck, ProbeExpectation, ProbeObservation, ServedCertificate } from '../../server/src/service/probe/types';

const STARTED_AT = '2026-01-10T12:00:00.000Z';
const MINUTE_MS = 60_000;
const LEAF_FINGERPRINT = 'aa'.repeat(32);
const CONF = '/etc/nginx/nginx.conf';

function at(offsetMs: number): string {
  return new Date(Date.parse(STARTED_AT) + offsetMs).toISOString();
}

function goodResponse(overrides: Partial<OcspResponseCheck> = {}): OcspResponseCheck {
  return {
    sizeBytes: 900,
    responseStatus: 'successful',
    certStatus: 'good',
    producedAt: at(-MINUTE_MS),
    thisUpdate: at(-MINUTE_MS),
    nextUpdate: at(60 * MINUTE_MS),
    forCertificate: true,
    signature: 'valid',
    signer: 'delegated',
    problems: [],
    ...overrides,
  };
}

function leaf(overrides: Partial<ServedCertificate> = {}): ServedCertificate {
  return {
    subject: 'CN=site.test',
    issuer: 'CN=Test Intermediate',
    serialNumber: '01',
    notBefore: at(-10 * 24 * 60 * MINUTE_MS),
    notAfter: at(80 * 24 * 60 * MINUTE_MS),
    dnsNames: ['site.test'],
    ipAddresses: [],
    commonName: 'site.test',
    mustStaple: false,
    ocspUrls: ['http://127.0.0.1:8888/'],
    isCA: false,
    sha256Fingerprint: LEAF_FINGERPRINT,
    ...overrides,
  };
}

/** A site where everything works: stapled good response, tickets and IDs resume, TLS 1.2 + 1.3. */
function healthy(): ProbeObservation {
  return {
    target: { serverName: 'site.test', port: 443, connectHost: '127.0.0.1', connectPort: 443, address: '127.0.0.1', addressSource: 'override', sni: true },
    startedAt: STARTED_AT,
    durationMs: 120,
    certificate: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', chain: [leaf()], coversServerName: true, issuerServed: true, trusted: true },
    stapling: { handshakes: 2, failedHandshakes: 0, stapled: true, firstStapleAt: 2, elapsedMs: 30, warmupMs: 2000, warmupComplete: true, response: goodResponse() },
    sessions: {
      tls12Ticket: { status: 'tested', issued: true, resumed: true },
      tls12SessionId: { status: 'tested', issued: true, resumed: true },
      tls13: { status: 'tested', issued: true, resumed: true },
    },
    protocols: {
      TLSv1: { result: 'refused', detail: 'tlsv1 alert protocol version' },
      'TLSv1.1': { result: 'refused', detail: 'tlsv1 alert protocol version' },
      'TLSv1.2': { result: 'accepted' },
      'TLSv1.3': { result: 'accepted' },
    },
    ocspResponder: {
      url: 'http://127.0.0.1:8888/',
      status: 'ok',
      dns: { ms: 0, addresses: ['127.0.0.1'], skipped: 'ip-literal' },
      tcp: { ms: 1, address: '127.0.0.1' },
      http: { ms: 12, statusCode: 200, response: goodResponse() },
    },
  };
}

function expectation(overrides: Partial<ProbeExpectation> = {}): ProbeExpectation {
  return {
    serverName: 'site.test',
    port: 443,
    staplingOn: true,
    staplingVerify: undefined,
    certificateFiles: ['/etc/ssl/site.crt'],
    protocols: ['TLSv1.2', 'TLSv1.3'],
    sessionTickets: undefined,
    sessionCache: true,
    locations: {
      server: { file: CONF, start: 10, end: 16 },
      listen: { file: CONF, start: 20, end: 35 },
      stapling: { file: CONF, start: 40, end: 56 },
      certificateFiles: [{ file: CONF, start: 60, end: 90 }],
      protocols: { file: CONF, start: 100, end: 130 },
      sessionTickets: { file: CONF, start: 140, end: 165 },
      sessionCache: { file: CONF, start: 170, end: 200 },
    },
    ...overrides,
  };
}

function certificateFile(fingerprint: string, fields: Partial<CertificateInfo> = {}): (path: string) => CertificateFileResult {
  return (path) => ({
    kind: 'ok',
    path,
    issuerInChain: true,
    chain: [{ subject: 'CN=site.test', sha256Fingerprint: fingerprint, dnsNames: ['other.test'], notBefore: new Date(at(-20 * 24 * 60 * MINUTE_MS)), ...fields } as CertificateInfo],
  });
}

const sameCertificate = { readCertificate: certificateFile(LEAF_FINGERPRINT) };

function codes(observation: ProbeObservation, expected?: ProbeExpectation, options = sameCertificate): string[] {
  return compareWithConfig(observation, expected, options).map((finding) => finding.code).sort();
}

describe('compareWithConfig', () => {
  test('a healthy site matching its config has no findings, with or without the config', () => {
    assert.deepEqual(codes(healthy(), expectation()), []);
    assert.deepEqual(codes(healthy()), []);
  });

  test('a connect failure is the only finding, placed on the listen directive', () => {
    const observation: ProbeObservation = { ...healthy(), connectFailure: { step: 'tcp', reason: 'connect ECONNREFUSED 127.0.0.1:443', timedOut: false } };
    const findings = compareWithConfig(observation, expectation(), sameCertificate);
    assert.deepEqual(findings.map((finding) => finding.code), ['probe-connect-failed']);
    assert.equal(findings[0]!.severity, 'error');
    assert.match(findings[0]!.observed, /tcp failed: connect ECONNREFUSED/);
    assert.deepEqual(findings[0]!.configLocation, { file: CONF, start: 20, end: 35 });
  });

  describe('stapling', () => {
    const noStaple = (mustStaple: boolean, warmupComplete = true): ProbeObservation => {
      const observation = healthy();
      observation.certificate!.chain = [leaf({ mustStaple })];
      observation.stapling = { handshakes: 9, failedHandshakes: 0, stapled: false, elapsedMs: 2001, warmupMs: 2000, warmupComplete };
      return observation;
    };

    test('Must-Staple without a staple is an error; with ssl_stapling on there is also the config warning', () => {
      assert.deepEqual(codes(noStaple(true)), ['probe-must-staple-violated']);
      const findings = compareWithConfig(noStaple(true), expectation(), sameCertificate);
      assert.deepEqual(findings.map((finding) => [finding.code, finding.severity]), [
        ['probe-must-staple-violated', 'error'],
        ['probe-stapling-expected-missing', 'warning'],
      ]);
      assert.deepEqual(findings[1]!.configLocation, { file: CONF, start: 40, end: 56 });
      assert.match(findings[0]!.observed, /no staple in 9 full handshakes over 2001 ms/);
    });

    test('Must-Staple with ssl_stapling off tells to turn it on', () => {
      const [finding] = compareWithConfig(noStaple(true), expectation({ staplingOn: undefined }), sameCertificate);
      assert.match(finding!.expected, /set ssl_stapling on/);
    });

    test('no conclusion before the warm-up has run', () => {
      assert.deepEqual(codes(noStaple(true, false), expectation()), []);
    });

    test('no staple without Must-Staple and without ssl_stapling on is fine', () => {
      assert.deepEqual(codes(noStaple(false), expectation({ staplingOn: false })), []);
      assert.deepEqual(codes(noStaple(false)), []);
    });

    test('the missing staple is explained by what else was seen', () => {
      const explain = (change: (observation: ProbeObservation) => void, pattern: RegExp): void => {
        const observation = noStaple(false);
        change(observation);
        const finding = compareWithConfig(observation, expectation({ staplingVerify: true }), sameCertificate).find((candidate) => candidate.code === 'probe-stapling-expected-missing' || candidate.code === 'probe-stapling-ignored');
        assert.match(finding!.observed, pattern);
      };
      explain((o) => (o.certificate!.chain = [leaf({ ocspUrls: [] })]), /no OCSP responder URL/);
      explain((o) => (o.ocspResponder!.http!.response = goodResponse({ certStatus: 'revoked' })), /says the certificate is revoked/);
      explain((o) => (o.ocspResponder = { url: 'http://127.0.0.1:1/', status: 'failed', tcp: { ms: 1, error: 'ECONNREFUSED' } }), /responder fails from this machine \(TCP connect: ECONNREFUSED\)/);
      explain((o) => (o.certificate!.issuerServed = false), /issuer certificate not found/);
      explain(() => undefined, /ssl_stapling_verify on, the delegated OCSP signer/);
    });

    const bad: [string, Partial<OcspResponseCheck>, RegExp][] = [
      ['revoked', { certStatus: 'revoked', revocationTime: at(-MINUTE_MS) }, /certificate status revoked since/],
      ['unknown', { certStatus: 'unknown' }, /certificate status unknown/],
      ['expired', { nextUpdate: at(-6 * MINUTE_MS) }, /expired at/],
      ['not yet valid', { thisUpdate: at(6 * MINUTE_MS) }, /not valid before/],
      ['for another certificate', { forCertificate: false }, /not for the served certificate/],
      ['badly signed', { signature: 'invalid' }, /signature does not verify/],
      ['signed by an unauthorised responder', { signature: 'untrusted-signer' }, /did not authorise/],
      ['unsuccessful', { responseStatus: 'tryLater' }, /response status tryLater/],
      ['unparsable', { responseStatus: 'unparsable', problems: ['not an OCSP response'] }, /not a valid OCSP response/],
    ];
    for (const [name, change, pattern] of bad) {
      test(`a stapled response that is ${name} is an error`, () => {
        const observation = healthy();
        observation.stapling!.response = goodResponse(change);
        const findings = compareWithConfig(observation, undefined, sameCertificate);
        assert.deepEqual(findings.map((finding) => [finding.code, finding.severity]), [['probe-stapled-response-bad', 'error']]);
        assert.match(findings[0]!.observed, pattern);
      });
    }

    test("OpenSSL's 5 minutes of clock skew are tolerated", () => {
      const observation = healthy();
      observation.stapling!.response = goodResponse({ nextUpdate: at(-4 * MINUTE_MS), thisUpdate: at(4 * MINUTE_MS) });
      assert.deepEqual(codes(observation), []);
    });

    test('an unknown issuer is not a bad signature', () => {
      const observation = healthy();
      observation.stapling!.response = goodResponse({ signature: 'issuer-unknown', forCertificate: undefined });
      assert.deepEqual(codes(observation), []);
    });
  });

  describe('certificate on disk', () => {
    test('another certificate than the ssl_certificate file is a warning on that directive', () => {
      const findings = compareWithConfig(healthy(), expectation(), { readCertificate: certificateFile('bb'.repeat(32)) });
      assert.deepEqual(findings.map((finding) => finding.code), ['probe-certificate-differs']);
      assert.match(findings[0]!.observed, /AA:AA:AA/);
      assert.match(findings[0]!.observed, /BB:BB:BB/);
      assert.deepEqual(findings[0]!.configLocation, { file: CONF, start: 60, end: 90 });
    });

    test('one of several certificates (RSA + ECDSA) matching is enough', () => {
      const files = ['/etc/ssl/rsa.crt', '/etc/ssl/ecdsa.crt'];
      const read = (path: string): CertificateFileResult => certificateFile(path === files[1] ? LEAF_FINGERPRINT : 'cc'.repeat(32))(path);
      assert.deepEqual(codes(healthy(), expectation({ certificateFiles: files }), { readCertificate: read }), []);
    });

    test('an unreadable file is reported in the observation', () => {
      const unreadable = (path: string): CertificateFileResult => ({ kind: 'error', path, reason: 'not-found', message: `cannot read "${path}": no such file` });
      const [finding] = compareWithConfig(healthy(), expectation(), { readCertificate: unreadable });
      assert.equal(finding!.code, 'probe-certificate-differs');
      assert.match(finding!.observed, /no such file/);
    });
  });

  describe('sessions', () => {
    test('tickets issued but never accepted are broken even without a config', () => {
      const observation = healthy();
      observation.sessions!.tls13 = { status: 'tested', issued: true, resumed: false };
      assert.deepEqual(codes(observation), ['probe-resumption-broken']);
    });

    test('tickets off in the config but issued by the server', () => {
      const observation = healthy();
      const findings = compareWithConfig(observation, expectation({ sessionTickets: false }), sameCertificate);
      assert.deepEqual(findings.map((finding) => finding.code), ['probe-session-tickets-differ']);
      assert.deepEqual(findings[0]!.configLocation, { file: CONF, start: 140, end: 165 });
    });

    test('the default server is named when another server decides', () => {
      const observation = healthy();
      observation.sessions!.tls12Ticket = { status: 'tested', issued: false };
      const [finding] = compareWithConfig(observation, expectation({ defaultServerName: 'default.test' }), sameCertificate);
      assert.equal(finding!.code, 'probe-session-tickets-differ');
      assert.match(finding!.observed, /default server \("default\.test"\)/);
    });

    test('session cache set but no resumption by session ID', () => {
      const observation = healthy();
      observation.sessions!.tls12SessionId = { status: 'tested', issued: true, resumed: false };
      assert.deepEqual(codes(observation, expectation()), ['probe-resumption-broken']);
      assert.deepEqual(codes(observation, expectation({ sessionCache: false })), []);
    });

    test('versions the server does not speak are not session problems', () => {
      const observation = healthy();
      observation.sessions!.tls13 = { status: 'not-testable', issued: false, detail: 'tlsv1 alert protocol version' };
      assert.deepEqual(codes(observation, expectation()), []);
    });
  });

  describe('protocols', () => {
    const withProtocols = (results: Partial<Record<'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3', 'accepted' | 'refused' | 'not-testable' | 'error'>>): ProbeObservation => {
      const observation = healthy();
      for (const [version, result] of Object.entries(results)) observation.protocols![version as 'TLSv1'] = { result: result! };
      return observation;
    };

    test('a listed version refused and an unlisted one accepted differ', () => {
      const [finding] = compareWithConfig(withProtocols({ 'TLSv1.3': 'refused', TLSv1: 'accepted' }), expectation(), sameCertificate);
      assert.equal(finding!.code, 'probe-protocols-differ');
      assert.match(finding!.observed, /TLS 1\.0 accepted; TLS 1\.3 refused/);
      assert.deepEqual(finding!.configLocation, { file: CONF, start: 100, end: 130 });
    });

    test('not-testable and error results are never differences; errors are checks that failed', () => {
      assert.deepEqual(codes(withProtocols({ TLSv1: 'not-testable' }), expectation()), []);
      const failed = compareWithConfig(withProtocols({ 'TLSv1.3': 'error', TLSv1: 'not-testable' }), expectation(), sameCertificate);
      assert.deepEqual(failed.map((f) => [f.code, f.severity]), [['probe-checks-failed', 'warning']]);
      assert.match(failed[0]!.observed, /TLS 1\.3/);
    });

    test('ssl_protocols unset: TLS 1.2 must work, TLS 1.3 too when the nginx version says so', () => {
      const unset = expectation({ protocols: undefined });
      // Version unknown: conservative, TLS 1.3 is not judged (not a default before 1.23.4).
      assert.deepEqual(codes(withProtocols({ 'TLSv1.3': 'refused', TLSv1: 'accepted' }), unset), []);
      assert.deepEqual(codes(withProtocols({ 'TLSv1.2': 'refused' }), unset), ['probe-protocols-differ']);
      // nginx before 1.23.4 does not enable TLS 1.3 by default.
      assert.deepEqual(codes(withProtocols({ 'TLSv1.3': 'refused' }), { ...unset, nginxVersion: '1.22.1' }), []);
      assert.deepEqual(codes(withProtocols({ 'TLSv1.3': 'accepted' }), { ...unset, nginxVersion: '1.22.1' }), ['probe-protocols-differ']);
      assert.deepEqual(codes(withProtocols({ 'TLSv1.3': 'refused' }), { ...unset, nginxVersion: '1.24.0' }), ['probe-protocols-differ']);
    });

    test('without a config protocols are not judged', () => {
      assert.deepEqual(codes(withProtocols({ 'TLSv1.2': 'refused', TLSv1: 'accepted' })), []);
    });
  });

  test('a failing OCSP responder is a warning on ssl_stapling', () => {
    const observation = healthy();
    observation.ocspResponder = { url: 'http://ocsp.test/', status: 'failed', dns: { ms: 3, addresses: [], error: 'ocsp.test: ENOTFOUND' } };
    const findings = compareWithConfig(observation, expectation(), sameCertificate);
    assert.deepEqual(findings.map((finding) => [finding.code, finding.severity]), [['probe-ocsp-responder-unreachable', 'warning']]);
    assert.match(findings[0]!.observed, /DNS: ocsp\.test: ENOTFOUND/);
    assert.deepEqual(findings[0]!.configLocation, { file: CONF, start: 40, end: 56 });
  });
});

describe('browser verdicts and expectations that follow nginx', () => {
  const DAY = 24 * 60 * MINUTE_MS;

  test('each certificate verdict, with the browser pages in its message', () => {
    const expired = healthy();
    expired.certificate!.chain = [leaf({ notAfter: at(-DAY) })];
    assert.deepEqual(codes(expired), ['probe-certificate-expired']);
    const future = healthy();
    future.certificate!.chain = [leaf({ notBefore: at(DAY) })];
    assert.deepEqual(codes(future), ['probe-certificate-not-yet-valid']);
    const wrongName = healthy();
    wrongName.certificate!.coversServerName = false;
    assert.deepEqual(codes(wrongName), ['probe-certificate-name-mismatch']);
    const untrusted = healthy();
    untrusted.certificate!.path = { trustedRoot: false, complete: false, missingIssuer: 'CN=Private Root', lastIsCa: true };
    assert.deepEqual(codes(untrusted), ['probe-certificate-untrusted']);
    const selfSigned = healthy();
    selfSigned.certificate!.path = { trustedRoot: false, complete: true, selfSigned: true };
    assert.deepEqual(codes(selfSigned), ['probe-certificate-untrusted']);
    const incomplete = healthy();
    incomplete.certificate!.path = { trustedRoot: false, complete: false, missingIssuer: 'CN=Test Intermediate', caIssuersUrl: 'http://ca.test/int.crt' };
    const [chain] = compareWithConfig(incomplete, undefined, sameCertificate);
    assert.equal(chain!.code, 'probe-chain-incomplete');
    assert.match(chain!.message, /"CN=Test Intermediate".*fetch it from the certificate's CA Issuers URL \(http:\/\/ca\.test\/int\.crt\)/);
    const report = createProbeReport(incomplete, [chain!]);
    assert.deepEqual(report.browsers?.map((verdict) => [verdict.browser, verdict.works]), [['Chrome', true], ['Firefox', false], ['Safari', true]]);
  });

  test('Must-Staple stapled only after the first handshake is a cold start, not a violation', () => {
    const observation = healthy();
    observation.certificate!.chain = [leaf({ mustStaple: true })];
    observation.stapling!.firstHandshake = { stapled: false };
    assert.deepEqual(codes(observation), ['probe-must-staple-cold-start']);
    observation.stapling!.firstHandshake = { stapled: true };
    assert.deepEqual(codes(observation), []);
  });

  test('addresses that serve different certificates, staples or versions, or do not answer', () => {
    const observation = healthy();
    const main = { address: '127.0.0.1', certificate: observation.certificate!, stapling: observation.stapling!, protocols: observation.protocols! };
    observation.addresses = [main, { ...main, address: '127.0.0.2' }];
    assert.deepEqual(codes(observation), []);
    observation.addresses[1] = { ...main, address: '127.0.0.2', certificate: { ...main.certificate, chain: [leaf({ sha256Fingerprint: 'bb'.repeat(32) })] } };
    observation.addresses.push({ address: '::1', connectFailure: { step: 'tcp', reason: 'connect ECONNREFUSED', timedOut: false } });
    const [finding] = compareWithConfig(observation, undefined, sameCertificate);
    assert.equal(finding!.code, 'probe-addresses-differ');
    assert.match(finding!.observed, /127\.0\.0\.2 serves CN=site\.test \(SHA-256 bbbb/);
    assert.match(finding!.observed, /::1: tcp failed: connect ECONNREFUSED/);
  });

  test('stapling nginx ignores is stated, not expected: no URL, invalid responder, variables, issuer nowhere', () => {
    const staplingOff = (change: (observation: ProbeObservation) => void, expected: Partial<ProbeExpectation>, pattern: RegExp): void => {
      const observation = healthy();
      observation.stapling = { handshakes: 5, failedHandshakes: 0, stapled: false, elapsedMs: 400, warmupMs: 400, warmupComplete: true };
      change(observation);
      const findings = compareWithConfig(observation, expectation(expected), sameCertificate);
      assert.deepEqual(findings.map((finding) => [finding.code, finding.severity]), [['probe-stapling-ignored', 'information']]);
      assert.match(findings[0]!.message, pattern);
    };
    staplingOff((o) => (o.certificate!.chain = [leaf({ ocspUrls: [] })]), {}, /no OCSP responder URL/);
    staplingOff(() => undefined, { staplingResponder: 'https://ocsp.test/' }, /invalid URL prefix in OCSP responder "https:\/\/ocsp\.test\/"/);
    staplingOff(() => undefined, { staplingResponder: 'ocsp.test:80' }, /invalid URL prefix/);
    staplingOff(() => undefined, { certificatePathHasVariables: true }, /variables/);
    staplingOff((o) => (o.certificate!.issuerServed = false), {}, /issuer certificate not found/);
    // The issuer in ssl_trusted_certificate is enough for nginx.
    const trusted = healthy();
    trusted.stapling = { handshakes: 5, failedHandshakes: 0, stapled: false, elapsedMs: 400, warmupMs: 400, warmupComplete: true };
    trusted.certificate!.issuerServed = false;
    const withIssuer = { readCertificate: (file: string) => (file === '/etc/ssl/ca.crt' ? certificateFile('cc'.repeat(32), { subject: 'CN=Test Intermediate' })(file) : certificateFile(LEAF_FINGERPRINT)(file)) };
    assert.deepEqual(codes(trusted, expectation({ issuerFiles: ['/etc/ssl/ca.crt'] }), withIssuer), ['probe-stapling-expected-missing']);
  });

  test('TLS 1.0/1.1 listed and refused is information; TLS 1.2 refused stays a warning', () => {
    const observation = healthy();
    const legacy = expectation({ protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] });
    const findings = compareWithConfig(observation, legacy, sameCertificate);
    assert.deepEqual(findings.map((finding) => [finding.code, finding.severity]), [['probe-protocols-refused-by-library', 'information']]);
    observation.protocols!['TLSv1.2'] = { result: 'refused' };
    assert.deepEqual(codes(observation, legacy), ['probe-protocols-differ', 'probe-protocols-refused-by-library']);
  });

  test('a newer certificate with the same names on disk: nginx was not reloaded after the renewal', () => {
    const renewed = certificateFile('bb'.repeat(32), { dnsNames: ['site.test'], notBefore: new Date(at(-DAY)) });
    const [finding] = compareWithConfig(healthy(), expectation(), { readCertificate: renewed });
    assert.equal(finding!.code, 'probe-certificate-differs');
    assert.match(finding!.message, /not reloaded since the certificate was renewed/);
  });

  test('the report view opens with the browsers and never calls an expired certificate as expected', () => {
    const observation = healthy();
    observation.certificate!.chain = [leaf({ notAfter: at(-DAY) })];
    const report = createProbeReport(observation, compareWithConfig(observation, expectation(), sameCertificate));
    const html = renderProbeReportHtml(report, { expectation: expectation(), locate: () => undefined, nonce: 'n', cspSource: 'c' });
    assert.match(html, /refuses<\/span> <b>Chrome<\/b> — NET::ERR_CERT_DATE_INVALID/);
    assert.match(html, /<tr class="bad"><td>Certificate served/);
  });
});

describe('formatProbeReport', () => {
  test('renders every section and each finding with its location', () => {
    const observation = healthy();
    observation.stapling!.response = goodResponse({ certStatus: 'revoked' });
    const report = createProbeReport(observation, compareWithConfig(observation, expectation(), sameCertificate));
    assert.equal(report.version, 1);
    const text = formatProbeReport(report, { locate: (location) => `nginx.conf:${location.start}` });
    for (const label of ['Certificate', 'Stapling', 'Sessions', 'Protocols', 'OCSP responder']) assert.match(text, new RegExp(`^${label} `, 'm'));
    assert.match(text, /^Probe of site\.test:443 via 127\.0\.0\.1:443 \(SNI site\.test\)/);
    assert.match(text, /SHA-256: AA:AA/);
    assert.match(text, /1 finding\(s\):\n {2}error {3}probe-stapled-response-bad: /);
    assert.match(text, /at nginx\.conf:40\n/);
    assert.match(text, /expected: .*\n {12}observed: certificate status revoked/);
  });

  test('a connect failure renders without sections', () => {
    const observation: ProbeObservation = {
      target: { serverName: 'down.test', port: 443, connectHost: 'down.test', connectPort: 443, addressSource: 'dns', sni: true },
      startedAt: STARTED_AT,
      durationMs: 5,
      connectFailure: { step: 'dns', reason: 'down.test: ENOTFOUND', timedOut: false },
    };
    const text = formatProbeReport(createProbeReport(observation, compareWithConfig(observation)));
    assert.match(text, /probe-connect-failed/);
    assert.doesNotMatch(text, /^Certificate/m);
  });
});

test('HOST[:PORT] and --connect: an IPv6 address with a port needs brackets, and says so', () => {
  assert.deepEqual(parseHostPort('[::1]:8443'), { host: '::1', port: 8443 });
  assert.deepEqual(parseHostPort('::1'), { host: '::1' });
  assert.deepEqual(parseHostPort('2001:db8::1'), { host: '2001:db8::1' });
  assert.match((parseHostPort('::1:28524') as { error: string }).error, /write an IPv6 address with a port as \[::1\]:28524/);
  assert.deepEqual(parseHostPort('example.test:443'), { host: 'example.test', port: 443 });
});
