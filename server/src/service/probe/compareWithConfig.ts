// Turns a probe observation and what the config says into findings. Pure apart from reading the
// config's certificate files (cached, never throws); no network.
import { readCertificateFile } from '../certificates/readCertificateFile';
import type { CertificateFileResult } from '../certificates/types';
import { compareVersions, TLS13_DEFAULT_SINCE, versionOf } from '../versions';
import type {
  OcspResponderObservation,
  OcspResponseCheck,
  ProbeExpectation,
  ProbeFinding,
  ProbeObservation,
  ProtocolsObservation,
  ServedCertificate,
  SessionCheck,
  SessionsObservation,
  StaplingObservation,
  TlsProtocolName,
} from './types';
import { TLS_PROTOCOL_NAMES } from './types';
import { addressFindings, certificateVerdicts, coldStartFindings } from './browserFindings';
import { finding } from './finding';

/** Options of compareWithConfig. */
export interface CompareOptions {
  /** Reads an `ssl_certificate` file; defaults to the cached readCertificateFile. */
  readCertificate?: (path: string) => CertificateFileResult;
}

// OpenSSL's OCSP_check_validity() allows this much clock skew (MAX_VALIDITY_PERIOD in ocsp_cl.c).
const OCSP_CLOCK_SKEW_MS = 5 * 60 * 1000;
const MODERN_PROTOCOLS: readonly TlsProtocolName[] = ['TLSv1.2', 'TLSv1.3'];
// Refused by OpenSSL 3 at security level >= 1 whatever ssl_protocols says (their handshakes need
// SHA-1 signatures; nginx logs "no suitable signature algorithm", clients get alert 80).
const LIBRARY_REFUSED: ReadonlySet<TlsProtocolName> = new Set(['TLSv1', 'TLSv1.1']);
const PROTOCOL_LABELS: Record<TlsProtocolName, string> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

/**
 * Findings for one probe. Without an expectation (no config) only what the certificate and the
 * protocol imply is judged: Must-Staple, the staple's validity, the OCSP responder, tickets that
 * are handed out but never accepted, and whether the probe could connect at all.
 */
export function compareWithConfig(observation: ProbeObservation, expectation?: ProbeExpectation, options: CompareOptions = {}): ProbeFinding[] {
  if (observation.connectFailure || !observation.certificate) return [connectFailed(observation, expectation)];
  const now = Date.parse(observation.startedAt);
  const readCertificate = options.readCertificate ?? readCertificateFile;
  return [
    ...certificateVerdicts(observation, expectation),
    ...staplingFindings(observation, expectation, readCertificate),
    ...coldStartFindings(observation, expectation),
    ...stapledResponseFindings(observation.stapling, now, expectation),
    ...certificateFindings(observation, expectation, readCertificate),
    ...sessionFindings(observation.sessions, expectation),
    ...protocolFindings(observation.protocols, expectation),
    ...responderFindings(observation.ocspResponder, expectation),
    ...addressFindings(observation, expectation),
    ...failedCheckFindings(observation, expectation),
  ];
}

/**
 * Checks whose handshakes failed after the first one succeeded: what they were to find is
 * unknown, which "no findings" must not hide (a server that stops answering after a few
 * connections: rate limits, limit_conn, a firewall).
 */
function failedCheckFindings(observation: ProbeObservation, expectation: ProbeExpectation | undefined): ProbeFinding[] {
  // A probe cut short says so itself (observation.incomplete).
  if (observation.incomplete) return [];
  const failed: string[] = [];
  if (observation.certificate?.trusted === undefined) failed.push('the handshake that verifies the chain');
  for (const version of TLS_PROTOCOL_NAMES) {
    const check = observation.protocols?.[version];
    if (check?.result === 'error') failed.push(`${PROTOCOL_LABELS[version]}${check.detail ? ` (${check.detail})` : ''}`);
  }
  const sessions = observation.sessions;
  const resumption: [string, SessionCheck | undefined][] = [['TLS 1.2 tickets', sessions?.tls12Ticket], ['TLS 1.2 session IDs', sessions?.tls12SessionId], ['TLS 1.3 resumption', sessions?.tls13]];
  for (const [name, check] of resumption) if (check?.status === 'error') failed.push(`${name}${check.detail ? ` (${check.detail})` : ''}`);
  if (failed.length === 0) return [];
  return [
    finding('probe-checks-failed', `Some of the probe's handshakes failed, so what they check is unknown: ${failed.length} check(s). A server that stops answering after the first connections (rate limits, limit_conn, a firewall) or a flaky network does this: probe again.`, {
      expected: 'every check completes (one TLS handshake or two each)',
      observed: `failed: ${failed.join('; ')}`,
      configLocation: expectation?.locations?.listen ?? expectation?.locations?.server,
    }),
  ];
}

function connectFailed(observation: ProbeObservation, expectation: ProbeExpectation | undefined): ProbeFinding {
  const target = observation.target;
  const where = `${target.connectHost}:${target.connectPort}`;
  const failure = observation.connectFailure;
  const observed = failure
    ? `${failure.step === 'address-policy' ? 'refused' : `${failure.step} failed`}: ${failure.reason}`
    : (observation.incomplete ?? 'no handshake completed');
  return finding('probe-connect-failed', `Cannot complete a TLS handshake with ${target.serverName} at ${where}.`, {
    expected: `a TLS handshake for ${target.serverName} at ${where}`,
    observed,
    configLocation: expectation?.locations?.listen ?? expectation?.locations?.server,
  });
}

function staplingFindings(
  observation: ProbeObservation,
  expectation: ProbeExpectation | undefined,
  readCertificate: (path: string) => CertificateFileResult,
): ProbeFinding[] {
  const stapling = observation.stapling;
  const leaf = observation.certificate?.chain[0];
  if (!stapling || !leaf || stapling.stapled || !stapling.warmupComplete) return [];
  const ignored = expectation?.staplingOn === true ? staplingIgnoredReason(observation, expectation, readCertificate) : undefined;
  const cause = ignored ? `; nginx ignores ssl_stapling: ${ignored}` : missingStapleCause(observation, expectation);
  const observed = `no staple in ${stapling.handshakes} full handshakes over ${Math.round(stapling.elapsedMs)} ms${cause}`;
  const locations = expectation?.locations;
  const findings: ProbeFinding[] = [];
  if (leaf.mustStaple) {
    const staplingOff = expectation !== undefined && expectation.staplingOn !== true;
    findings.push(
      finding('probe-must-staple-violated', 'The certificate is OCSP Must-Staple but the server sends no staple: Firefox refuses the site (MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING).',
        {
          expected: `a stapled OCSP response on every full handshake (the certificate's TLS Feature extension requires it)${staplingOff ? '; set ssl_stapling on' : ''}`,
          observed,
          configLocation: locations?.stapling ?? locations?.certificateFiles?.[0] ?? locations?.server,
        },
      ),
    );
  }
  if (ignored) {
    findings.push(
      finding('probe-stapling-ignored', `ssl_stapling is on but nginx ignores it for this certificate: ${ignored}.`, {
        expected: 'no staple: nginx switches stapling off for this certificate at startup',
        observed,
        configLocation: locations?.stapling,
      }),
    );
  } else if (expectation?.staplingOn === true) {
    findings.push(
      finding('probe-stapling-expected-missing', 'ssl_stapling is on but the server sends no OCSP staple.', {
        expected: 'a stapled OCSP response after warm-up (ssl_stapling on)',
        observed,
        configLocation: locations?.stapling,
      }),
    );
  }
  return findings;
}

/**
 * Why nginx switches stapling off for the served certificate at startup, from the config and
 * the certificate alone (ngx_ssl_stapling(): these never staple whatever the responder does).
 */
function staplingIgnoredReason(
  observation: ProbeObservation,
  expectation: ProbeExpectation,
  readCertificate: (path: string) => CertificateFileResult,
): string | undefined {
  if (expectation.staplingFile) return undefined;
  const certificate = observation.certificate!;
  const leaf = certificate.chain[0]!;
  if (expectation.certificatePathHasVariables) {
    return 'the ssl_certificate or ssl_certificate_key path has variables, so the certificate is loaded per handshake and never stapled';
  }
  const responder = expectation.staplingResponder ?? leaf.ocspUrls[0];
  if (responder === undefined) return '"ssl_stapling" ignored, no OCSP responder URL in the certificate (and no ssl_stapling_responder)';
  if (!/^http:\/\//i.test(responder)) {
    return `"ssl_stapling" ignored, invalid URL prefix in OCSP responder "${responder}" (nginx speaks plain http:// to responders only)`;
  }
  if (!certificate.issuerServed && !issuerInFiles(leaf, expectation.issuerFiles ?? [], readCertificate)) {
    const files = expectation.issuerFiles?.length ? ` nor in ${expectation.issuerFiles.join(', ')}` : ' and there is no ssl_trusted_certificate';
    return `"ssl_stapling" ignored, issuer certificate not found for the certificate: "${leaf.issuer}" is not in the ssl_certificate file${files}`;
  }
  return undefined;
}

function issuerInFiles(leaf: ServedCertificate, files: readonly string[], readCertificate: (path: string) => CertificateFileResult): boolean {
  return files.some((file) => {
    const result = readCertificate(file);
    return result.kind === 'ok' && result.chain.some((certificate) => certificate.subject === leaf.issuer);
  });
}

// The most likely reason nginx has no staple, from what else the probe saw.
function missingStapleCause(observation: ProbeObservation, expectation: ProbeExpectation | undefined): string {
  const certificate = observation.certificate!;
  const leaf = certificate.chain[0]!;
  const responder = observation.ocspResponder;
  if (expectation !== undefined && expectation.staplingOn !== true) return '; ssl_stapling is not on for this server';
  if (leaf.ocspUrls.length === 0) {
    return '; the certificate has no OCSP responder URL, so nginx ignores ssl_stapling ("ssl_stapling" ignored, no OCSP responder URL in the certificate)';
  }
  const status = responder?.http?.response?.certStatus;
  if (status === 'revoked') return '; the OCSP responder says the certificate is revoked, and nginx never staples a status other than good';
  if (status === 'unknown') return '; the OCSP responder does not know the certificate (status unknown), and nginx never staples a status other than good';
  if (responder?.status === 'failed') return `; the OCSP responder fails from this machine (${describeResponderFailure(responder)})`;
  if (responder?.status === 'skipped' && responder.skipReason) return `; ${responder.skipReason}`;
  if (!certificate.issuerServed) {
    return '; the issuer certificate is not in the served chain: nginx needs it there or in ssl_trusted_certificate ("issuer certificate not found")';
  }
  if (expectation?.staplingVerify === true && responder?.http?.response?.signer === 'delegated') {
    return '; with ssl_stapling_verify on, the delegated OCSP signer\'s chain up to the root must be in ssl_trusted_certificate';
  }
  return '; nginx may be holding a failed fetch (it retries only after 300 s): see its error log for "while requesting certificate status"';
}

function stapledResponseFindings(stapling: StaplingObservation | undefined, now: number, expectation: ProbeExpectation | undefined): ProbeFinding[] {
  const response = stapling?.response;
  if (!response) return [];
  const problems = responseProblems(response, now);
  if (problems.length === 0) return [];
  return [
    finding('probe-stapled-response-bad', `The stapled OCSP response is unusable: ${problems.join('; ')}.`, {
      expected: 'a successful OCSP response for the served certificate, status good, current, signed by its issuer or a delegated responder',
      observed: `${problems.join('; ')} (${describeResponse(response)})`,
      configLocation: expectation?.locations?.stapling ?? expectation?.locations?.certificateFiles?.[0],
    }),
  ];
}

function responseProblems(response: OcspResponseCheck, now: number): string[] {
  if (response.responseStatus !== 'successful') {
    return [response.responseStatus === 'unparsable' ? `not a valid OCSP response (${response.problems.join('; ')})` : `response status ${response.responseStatus}`];
  }
  const problems: string[] = [];
  if (response.certStatus === 'revoked') problems.push(`certificate status revoked${response.revocationTime ? ` since ${response.revocationTime}` : ''}`);
  if (response.certStatus === 'unknown') problems.push('certificate status unknown');
  if (response.certStatus === undefined) problems.push('no certificate status in the response');
  if (response.forCertificate === false) problems.push('it is not for the served certificate (CertID does not match the leaf and its issuer)');
  if (response.signature === 'invalid') problems.push('its signature does not verify with the issuer or an included responder certificate');
  if (response.signature === 'untrusted-signer') problems.push('it is signed by a responder the issuer did not authorise for OCSP signing');
  if (response.nextUpdate !== undefined && Date.parse(response.nextUpdate) + OCSP_CLOCK_SKEW_MS < now) problems.push(`it expired at ${response.nextUpdate} (nextUpdate)`);
  if (response.thisUpdate !== undefined && Date.parse(response.thisUpdate) - OCSP_CLOCK_SKEW_MS > now) problems.push(`it is not valid before ${response.thisUpdate} (thisUpdate)`);
  return problems;
}

function certificateFindings(
  observation: ProbeObservation,
  expectation: ProbeExpectation | undefined,
  readCertificate: (path: string) => CertificateFileResult,
): ProbeFinding[] {
  const leaf = observation.certificate?.chain[0];
  if (!expectation || !leaf || expectation.certificateFiles.length === 0) return [];
  const onDisk = expectation.certificateFiles.map((file) => ({ file, result: readCertificate(file) }));
  if (onDisk.some(({ result }) => result.kind === 'ok' && result.chain[0]?.sha256Fingerprint === leaf.sha256Fingerprint)) return [];
  const described = onDisk.map(({ file, result }) =>
    result.kind === 'ok' && result.chain[0]
      ? `${file} holds ${result.chain[0].subject} (SHA-256 ${formatFingerprint(result.chain[0].sha256Fingerprint)}, valid from ${result.chain[0].notBefore.toISOString()})`
      : `${file}: ${result.kind === 'error' ? result.message : 'no certificate'}`,
  );
  // Same names, later notBefore on disk: a renewal nginx has not loaded yet.
  const sameNames = (names: readonly string[]): boolean => [...names].sort().join(' ') === [...leaf.dnsNames].sort().join(' ');
  const renewal = onDisk.find(({ result }) => result.kind === 'ok' && result.chain[0] !== undefined && sameNames(result.chain[0].dnsNames) && result.chain[0].notBefore.getTime() > Date.parse(leaf.notBefore));
  const message = renewal
    ? `The server sends an older certificate than ${renewal.file}: nginx was probably not reloaded since the certificate was renewed (run nginx -s reload, or add a deploy hook that does).`
    : 'The server sends another certificate than ssl_certificate on disk: nginx was not reloaded since the file changed, or another server block answers for this name.';
  return [
    finding('probe-certificate-differs', message, {
      expected: `the certificate of ${expectation.certificateFiles.join(', ')}`,
      observed: `the server sends ${leaf.subject} (SHA-256 ${formatFingerprint(leaf.sha256Fingerprint)}, valid from ${leaf.notBefore}); ${described.join('; ')}`,
      configLocation: expectation.locations?.certificateFiles?.[0],
    }),
  ];
}

function sessionFindings(sessions: SessionsObservation | undefined, expectation: ProbeExpectation | undefined): ProbeFinding[] {
  if (!sessions) return [];
  const { tls12Ticket, tls12SessionId, tls13 } = sessions;
  const ticketsOn = expectation?.sessionTickets ?? true;
  const cacheOn = expectation?.sessionCache ?? false;
  const findings: ProbeFinding[] = [];
  const hint = expectation?.defaultServerName
    ? `; nginx resumes sessions before SNI picks the server, with the settings of this listen socket's default server ("${expectation.defaultServerName}"): give it (or http {}) the same ssl_session_* settings`
    : '';

  if (expectation) {
    const differences: string[] = [];
    if (tls12Ticket.status === 'tested' && tls12Ticket.issued !== ticketsOn) differences.push(`TLS 1.2: ${tls12Ticket.issued ? 'a ticket was issued' : 'no ticket issued'}`);
    if (tls13.status === 'tested' && ticketsOn && !tls13.issued) differences.push('TLS 1.3: no ticket issued');
    if (differences.length > 0) {
      findings.push(
        finding('probe-session-tickets-differ', `Session tickets differ from the config (ssl_session_tickets ${ticketsOn ? 'on' : 'off'}).`, {
          expected: ticketsOn ? 'session tickets issued (ssl_session_tickets on)' : 'no TLS 1.2 session tickets (ssl_session_tickets off)',
          observed: differences.join('; ') + hint,
          configLocation: expectation.locations?.sessionTickets ?? expectation.locations?.server,
        }),
      );
    }
  }

  const broken: string[] = [];
  if (tls12Ticket.status === 'tested' && tls12Ticket.issued && tls12Ticket.resumed === false) broken.push('TLS 1.2: the ticket it issued is not accepted');
  if (tls13.status === 'tested' && tls13.issued && tls13.resumed === false) broken.push('TLS 1.3: the ticket it issued is not accepted');
  if (tls12SessionId.status === 'tested' && tls12SessionId.issued && tls12SessionId.resumed === false && cacheOn) {
    broken.push('TLS 1.2: resumption by session ID fails although ssl_session_cache is set');
  }
  if (expectation && cacheOn && tls12SessionId.status === 'tested' && !tls12SessionId.issued) broken.push('TLS 1.2: no session ID issued although ssl_session_cache is set');
  if (expectation && cacheOn && !ticketsOn && tls13.status === 'tested' && !tls13.issued) {
    broken.push('TLS 1.3: no ticket issued, so no resumption, although ssl_session_cache is set');
  }
  if (broken.length > 0) {
    findings.push(
      finding('probe-resumption-broken', 'Clients cannot resume TLS sessions: every connection pays a full handshake.', {
        expected: expectation ? resumptionExpectation(ticketsOn, cacheOn) : 'tickets the server issues are accepted when offered back',
        observed: broken.join('; ') + hint,
        configLocation: expectation?.locations?.sessionCache ?? expectation?.locations?.sessionTickets ?? expectation?.locations?.server,
      }),
    );
  }
  return findings;
}

function resumptionExpectation(ticketsOn: boolean, cacheOn: boolean): string {
  const ways = [...(ticketsOn ? ['by ticket'] : []), ...(cacheOn ? ['by session ID / stateful TLS 1.3 ticket (ssl_session_cache)'] : [])];
  return ways.length > 0 ? `sessions resume ${ways.join(' and ')}` : 'issued tickets are accepted';
}

function protocolFindings(protocols: ProtocolsObservation | undefined, expectation: ProbeExpectation | undefined): ProbeFinding[] {
  if (!protocols || !expectation) return [];
  const { required, judged, source } = expectedProtocols(expectation);
  const differences: string[] = [];
  const libraryRefused: string[] = [];
  for (const version of TLS_PROTOCOL_NAMES) {
    if (!judged.has(version)) continue;
    const check = protocols[version];
    const wanted = required.has(version);
    const refused = `${PROTOCOL_LABELS[version]} refused${check.detail ? ` (${check.detail})` : ''}`;
    if (wanted && check.result === 'refused') (LIBRARY_REFUSED.has(version) ? libraryRefused : differences).push(refused);
    if (!wanted && check.result === 'accepted') differences.push(`${PROTOCOL_LABELS[version]} accepted`);
  }
  const findings: ProbeFinding[] = [];
  const configLocation = expectation.locations?.protocols ?? expectation.locations?.server;
  if (libraryRefused.length > 0) {
    findings.push(
      finding('probe-protocols-refused-by-library', "ssl_protocols lists TLS versions the server's TLS library refuses whatever nginx asks: this is expected, not a fault.", {
        expected: `${libraryRefused.map((text) => text.split(' refused')[0]).join(' and ')} listed in ${source}`,
        observed: `${libraryRefused.join('; ')}: OpenSSL 3 refuses TLS 1.0/1.1 at security level 1 and above (their SHA-1 signatures; Debian's default is level 2), and SSLv3 is never built in; drop them from ssl_protocols to say what really happens`,
        configLocation,
      }),
    );
  }
  if (differences.length === 0) return findings;
  const hint = expectation.defaultServerName
    ? `; the version is chosen before SNI picks the server, from the default server of this listen socket ("${expectation.defaultServerName}")`
    : '';
  const expected = [...judged].map((version) => `${PROTOCOL_LABELS[version]} ${required.has(version) ? 'accepted' : 'refused'}`).join(', ');
  findings.push(
    finding('probe-protocols-differ', 'The TLS versions the server accepts differ from ssl_protocols.', {
      expected: `${expected} (${source})`,
      observed: differences.join('; ') + hint,
      configLocation,
    }),
  );
  return findings;
}

function expectedProtocols(expectation: ProbeExpectation): { required: Set<TlsProtocolName>; judged: Set<TlsProtocolName>; source: string } {
  if (expectation.protocols) {
    const listed = new Set(TLS_PROTOCOL_NAMES.filter((version) => expectation.protocols!.includes(version)));
    return { required: listed, judged: new Set(TLS_PROTOCOL_NAMES), source: `ssl_protocols ${expectation.protocols.join(' ')}` };
  }
  // Unset: only TLS 1.2 and 1.3 are judged. Whether TLS 1.0/1.1 work with nginx's default also
  // depends on OpenSSL's security level (Debian's level 2 refuses their SHA-1 signatures).
  const judged = new Set(MODERN_PROTOCOLS);
  const version = versionOf(expectation.nginxVersion);
  // Version unknown: TLS 1.3 is on by default only from nginx 1.23.4, so only TLS 1.2 is judged.
  if (!version) return { required: new Set(['TLSv1.2']), judged: new Set(['TLSv1.2']), source: 'ssl_protocols not set, nginx version unknown: TLS 1.2 must work (TLS 1.3 is a default only from nginx 1.23.4)' };
  const required = new Set<TlsProtocolName>(['TLSv1.2']);
  if (compareVersions(version, TLS13_DEFAULT_SINCE) >= 0) required.add('TLSv1.3');
  return { required, judged, source: `ssl_protocols not set: nginx ${expectation.nginxVersion}'s default` };
}

function responderFindings(responder: OcspResponderObservation | undefined, expectation: ProbeExpectation | undefined): ProbeFinding[] {
  if (responder?.status !== 'failed') return [];
  return [
    finding('probe-ocsp-responder-unreachable',
      responder.source === 'ssl_stapling_responder'
        ? 'The OCSP responder set by ssl_stapling_responder fails from this machine: nginx cannot fetch a staple.'
        : "The certificate's OCSP responder fails from this machine: nginx cannot fetch a staple, and clients that ask the responder themselves get no answer.",
      {
        expected: `an OCSP answer from ${responder.url} (DNS, TCP connect, HTTP POST)`,
        observed: describeResponderFailure(responder),
        configLocation: expectation?.locations?.stapling ?? expectation?.locations?.certificateFiles?.[0],
      },
    ),
  ];
}

function describeResponderFailure(responder: OcspResponderObservation): string {
  if (responder.dns?.error) return `DNS: ${responder.dns.error}`;
  if (responder.tcp?.error) return `TCP connect: ${responder.tcp.error}`;
  if (responder.http?.error) return `HTTP: ${responder.http.error}`;
  return 'failed';
}

function describeResponse(response: OcspResponseCheck): string {
  const parts = [`status ${response.certStatus ?? response.responseStatus}`];
  if (response.thisUpdate) parts.push(`thisUpdate ${response.thisUpdate}`);
  if (response.nextUpdate) parts.push(`nextUpdate ${response.nextUpdate}`);
  parts.push(`signature ${response.signature}`);
  return parts.join(', ');
}

/** A SHA-256 fingerprint as colon-separated upper-case pairs, as browsers show it. */
export function formatFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

