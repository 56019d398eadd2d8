// The probe report: one data structure (the CLI's JSON, version 1) and its text rendering.
import { formatFingerprint } from './compareWithConfig';
import { browserVerdicts } from './browserFindings';
import type {
  AddressObservation,
  CertificateObservation,
  Span,
  OcspResponderObservation,
  OcspResponseCheck,
  ProbeFinding,
  ProbeObservation,
  ProbeReport,
  ProtocolsObservation,
  SessionCheck,
  SessionsObservation,
  StaplingObservation,
} from './types';
import { TLS_PROTOCOL_NAMES } from './types';
import type { ConfigDiagnostic } from '../diagnostics';

/** Options of formatProbeReport. */
export interface FormatOptions {
  /** Renders a finding's config location for humans (e.g. `nginx.conf:12:5`); omitted when undefined. */
  locate?: (location: Span) => string | undefined;
}

const LABEL_WIDTH = 15;
const PROTOCOL_LABELS = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' } as const;

/** Combines an observation and its findings into the report (observation sections first). */
export function createProbeReport(observation: ProbeObservation, findings: ProbeFinding[]): ProbeReport {
  return { version: 1, ...observation, ...(observation.certificate || observation.connectFailure ? { browsers: browserVerdicts(observation, findings) } : {}), findings };
}

/** Renders the report as text for a terminal: one block per section, then the findings. */
export function formatProbeReport(report: ProbeReport, options: FormatOptions = {}): string {
  const lines: string[] = [headline(report)];
  if (report.incomplete) lines.push(`  (${report.incomplete}: some sections are missing)`);
  lines.push('');
  if (report.certificate) section(lines, 'Certificate', certificateLines(report.certificate, report.target.serverName));
  if (report.stapling) section(lines, 'Stapling', [staplingLine(report.stapling)]);
  if (report.sessions) section(lines, 'Sessions', sessionLines(report.sessions));
  if (report.protocols) section(lines, 'Protocols', [protocolLine(report.protocols)]);
  if (report.ocspResponder) section(lines, 'OCSP responder', responderLines(report.ocspResponder));
  if ((report.addresses?.length ?? 0) > 1) section(lines, 'Addresses', report.addresses!.map(addressLine));
  if (report.browsers) section(lines, 'Browsers', report.browsers.map((verdict) => `${verdict.browser}: ${verdict.works ? 'works' : 'refuses'}${verdict.why ? ` (${verdict.why})` : ''}`));
  if (report.certificate) lines.push('');
  lines.push(...findingLines(report.findings, options));
  return `${lines.join('\n')}\n`;
}

function headline(report: ProbeReport): string {
  const target = report.target;
  const via = target.address && target.address !== target.connectHost ? `${target.connectHost} = ${target.address}` : target.connectHost;
  const sni = target.sni ? `SNI ${target.serverName}` : 'no SNI (IP literal)';
  const timings = [
    ...(target.dnsMs !== undefined ? [`DNS ${ms(target.dnsMs)}`] : []),
    ...(target.tcpMs !== undefined ? [`TCP ${ms(target.tcpMs)}`] : []),
    ...(target.handshakeMs !== undefined ? [`TLS handshake ${ms(target.handshakeMs)}`] : []),
  ];
  const detail = timings.length > 0 ? ` (${timings.join(', ')})` : '';
  return `Probe of ${target.serverName}:${target.port} via ${via}:${target.connectPort} (${sni}) in ${Math.round(report.durationMs)} ms${detail}`;
}

function section(lines: string[], label: string, body: string[]): void {
  body.forEach((line, index) => lines.push(`${(index === 0 ? label : '').padEnd(LABEL_WIDTH)}${line}`));
}

function certificateLines(certificate: CertificateObservation, serverName: string): string[] {
  const leaf = certificate.chain[0];
  if (!leaf) return ['(no certificate)'];
  const names = [...leaf.dnsNames, ...leaf.ipAddresses];
  const trust = certificate.trusted === undefined ? 'not checked' : certificate.trusted ? 'yes' : `no (${certificate.trustError ?? 'unknown reason'})`;
  const path = certificate.path;
  const pathText = !path ? '' : path.trustedRoot ? `; root: ${path.root ?? '?'}${path.complete ? '' : ` (served chain lacks ${path.missingIssuer ?? '?'})`}` : `; no path to a trusted root${path.missingIssuer ? ` (missing ${path.missingIssuer})` : ''}`;
  return [
    `${leaf.subject} (${certificate.protocol}, ${certificate.cipher})`,
    `names: ${names.length > 0 ? names.join(', ') : '(none)'}; ${certificate.coversServerName ? 'covers' : 'does NOT cover'} ${serverName}`,
    `valid ${leaf.notBefore.slice(0, 10)} to ${leaf.notAfter.slice(0, 10)}; Must-Staple: ${leaf.mustStaple ? 'yes' : 'no'}`,
    `OCSP: ${leaf.ocspUrls.length > 0 ? leaf.ocspUrls.join(', ') : '(no responder URL)'}`,
    `SHA-256: ${formatFingerprint(leaf.sha256Fingerprint)}`,
    `chain: ${certificate.chain.length} certificate(s), issuer ${certificate.issuerServed ? 'served' : 'NOT served'}; trusted: ${trust}${pathText}`,
    ...(leaf.parseError ? [`parse error: ${leaf.parseError}`] : []),
    ...(certificate.others ?? []).map((other) => `to ${other.offered}-only clients: ${other.chain[0]?.subject ?? '?'}, valid ${other.chain[0]?.notBefore.slice(0, 10) ?? '?'} to ${other.chain[0]?.notAfter.slice(0, 10) ?? '?'}; ${other.coversServerName ? 'covers' : 'does NOT cover'} ${serverName}`),
  ];
}

function addressLine(entry: AddressObservation): string {
  const leaf = entry.certificate?.chain[0];
  if (!leaf) return `${entry.address}: ${entry.connectFailure ? `${entry.connectFailure.step} failed: ${entry.connectFailure.reason}` : 'no handshake'}`;
  const protocols = entry.protocols ? TLS_PROTOCOL_NAMES.filter((version) => entry.protocols![version].result === 'accepted').map((version) => PROTOCOL_LABELS[version]).join(' ') : '?';
  return `${entry.address}: ${leaf.subject}, SHA-256 ${formatFingerprint(leaf.sha256Fingerprint).slice(0, 23)}…; ${entry.stapling?.stapled ? 'stapled' : 'no staple'}; ${protocols}`;
}

function staplingLine(stapling: StaplingObservation): string {
  if (!stapling.stapled) {
    const warmup = stapling.warmupSkipped ? ` (no warm-up: ${stapling.warmupSkipped})` : stapling.warmupComplete ? '' : ' (warm-up cut short)';
    return `no staple in ${stapling.handshakes} handshake(s) over ${Math.round(stapling.elapsedMs)} ms${warmup}`;
  }
  const response = stapling.response ? `: ${describeResponse(stapling.response)}` : '';
  return `stapled on handshake ${stapling.firstStapleAt ?? '?'} of ${stapling.handshakes} (${Math.round(stapling.elapsedMs)} ms warm-up)${response}`;
}

function describeResponse(response: OcspResponseCheck): string {
  if (response.responseStatus !== 'successful') return `response ${response.responseStatus}${response.problems.length > 0 ? ` (${response.problems.join('; ')})` : ''}`;
  const parts = [response.certStatus ?? 'no status'];
  if (response.thisUpdate) parts.push(`thisUpdate ${response.thisUpdate}`);
  if (response.nextUpdate) parts.push(`nextUpdate ${response.nextUpdate}`);
  if (response.forCertificate === false) parts.push('NOT for this certificate');
  parts.push(`signature ${response.signature}${response.signer ? ` (${response.signer}${response.signerSubject ? `: ${response.signerSubject}` : ''})` : ''}`);
  return parts.join(', ');
}

function sessionLines(sessions: SessionsObservation): string[] {
  // A ticket the server hands out and then refuses is always a fault; a session ID without a
  // session cache (nginx's default `ssl_session_cache none`) is just not resumable.
  const describe = (label: string, issuedWord: string, refused: string, check: SessionCheck): string => {
    if (check.status !== 'tested') return `${label}: ${check.status}${check.detail ? ` (${check.detail})` : ''}`;
    if (!check.issued) return `${label}: no ${issuedWord} issued`;
    return `${label}: ${issuedWord} issued, ${check.resumed === undefined ? 'not tried' : check.resumed ? 'resumed' : refused}`;
  };
  return [
    describe('TLS 1.2 ticket', 'ticket', 'NOT accepted back', sessions.tls12Ticket),
    describe('TLS 1.2 session ID', 'session ID', 'not resumed', sessions.tls12SessionId),
    describe('TLS 1.3 ticket', 'ticket', 'NOT accepted back', sessions.tls13),
  ];
}

function protocolLine(protocols: ProtocolsObservation): string {
  return TLS_PROTOCOL_NAMES.map((version) => `${PROTOCOL_LABELS[version]} ${protocols[version].result}`).join(', ');
}

function responderLines(responder: OcspResponderObservation): string[] {
  if (responder.status === 'skipped') return [`skipped: ${responder.skipReason ?? 'no reason'}`];
  const steps: string[] = [];
  if (responder.dns) steps.push(responder.dns.skipped ? 'DNS: IP literal' : responder.dns.error ? `DNS failed: ${responder.dns.error}` : `DNS ${ms(responder.dns.ms)} (${responder.dns.addresses.join(', ')})`);
  if (responder.tcp) steps.push(responder.tcp.error ? `TCP failed: ${responder.tcp.error}` : `TCP ${ms(responder.tcp.ms)}`);
  if (responder.http) {
    const answer = responder.http.response ? describeResponse(responder.http.response) : '';
    steps.push(responder.http.error ? `HTTP failed: ${responder.http.error}${answer ? ` (${answer})` : ''}` : `HTTP ${ms(responder.http.ms)}: ${answer}`);
  }
  return [`${responder.url ?? ''} ${responder.status}`, ...steps, ...(responder.skipReason ? [responder.skipReason] : [])];
}

function findingLines(findings: readonly ProbeFinding[], options: FormatOptions): string[] {
  if (findings.length === 0) return ['No findings: the server does what the config and the certificate say.'];
  const lines = [`${findings.length} finding(s):`];
  for (const finding of findings) {
    lines.push(`  ${(finding.severity === 'information' ? 'info' : finding.severity).padEnd(8)}${finding.code}: ${finding.message}`);
    const where = finding.configLocation ? options.locate?.(finding.configLocation) : undefined;
    if (where) lines.push(`            at ${where}`);
    lines.push(`            expected: ${finding.expected}`, `            observed: ${finding.observed}`);
  }
  return lines;
}

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** `--all` as text: one row per server name probed, then the names skipped. */
export function formatProbeTable(reports: readonly ProbeReport[], skipped: readonly { name: string; reason: string; at: string }[]): string {
  const rows = reports.map((report) => {
    const errors = report.findings.filter((finding) => finding.severity === 'error').length;
    const warnings = report.findings.filter((finding) => finding.severity === 'warning').length;
    const verdict = errors > 0 ? `${errors} error(s)` : warnings > 0 ? `${warnings} warning(s)` : 'ok';
    const codes = [...new Set(report.findings.filter((finding) => finding.severity !== 'information').map((finding) => finding.code))].join(', ');
    return [`${report.target.serverName}:${report.target.port}`, report.target.address ?? report.target.connectHost, verdict, codes || '-'];
  });
  const header = ['SERVER', 'ADDRESS', 'RESULT', 'FINDINGS'];
  const widths = header.slice(0, 3).map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string => cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]! + 2) : cell)).join('').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (reports.length === 0) lines.push('(no TLS server with a literal server_name)');
  for (const entry of skipped) lines.push(`skipped ${entry.name} (${entry.at}): ${entry.reason}`);
  if (reports.some((report) => report.findings.length > 0)) lines.push('details of one server: nginx-tls probe --config FILE NAME:PORT (or --format json for all)');
  return `${lines.join('\n')}\n`;
}

/**
 * Probe findings as ordinary diagnostics, on the config lines they concern (`server` where a
 * finding names none), so that they take the same way to the editor as every other finding.
 */
export function probeFindingsAsDiagnostics(findings: readonly ProbeFinding[], label: string, server: Span): ConfigDiagnostic[] {
  return findings.map((f) => {
    const at = f.configLocation ?? server;
    return {
      file: at.file,
      start: at.start,
      end: at.end,
      severity: f.severity,
      code: f.code,
      message: `live probe of ${label}: ${f.message} (config: ${f.expected}; server: ${f.observed})`,
      fixes: [],
      related: [],
    };
  });
}
