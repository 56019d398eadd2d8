// The live probe: connects to one TLS server like a client would and reports what it does
// (certificate, stapling, sessions, protocols, OCSP responder), as plain data.
import { X509Certificate } from 'node:crypto';
import * as dns from 'node:dns';
import { setMaxListeners } from 'node:events';
import * as net from 'node:net';
import { certificateCoversName } from '../service/certificates/names';
import type { CertificateInfo } from '../service/certificates/types';
import { parseCertificateDer } from '../service/certificates/parseCertificate';
import { isIssuedByAny } from '../service/certificates/issuer';
import { decodePemBody, isCertificateLabel, splitPemBlocks } from '../service/certificates/pem';
import type {
  OtherCertificate,
  AddressObservation,
  CertificateObservation,
  OcspResponderObservation,
  ProbeObservation,
  ProbeOptions,
  ProbeTarget,
  ServedCertificate,
  TargetObservation,
} from '../service/probe/types';
import { type HandshakeRequest, type HandshakeSuccess, performHandshake } from './handshake';
import { checkCertificatePath } from './certificatePath';
import { checkOcspResponder } from './ocspResponder';
import { checkOcspResponse } from '../service/certificates/ocsp';
import { observeProtocols } from './protocols';
import { observeSessions } from './sessions';
import { warmUpStapling } from './stapling';
import { mapConcurrently } from './concurrency';
import { bounded, elapsedMs, roundMs } from './timing';

/** Default stapling warm-up (nginx staples after 2-5 handshakes on a cold server, see stapling.ts). */
export const DEFAULT_WARMUP_MS = 2000;
/** Default bound of the whole probe. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Default bound of each network step. */
export const DEFAULT_STEP_TIMEOUT_MS = 5000;

// Every A/AAAA answer is probed, a few at once, but not indefinitely.
const MAX_ADDRESSES = 8;
const DEFAULT_ADDRESS_CONCURRENCY = 4;
const STEP_DEADLINE_MARGIN_MS = 100;

interface ProbeContext {
  deadline: number;
  stepTimeoutMs: number;
  signal: AbortSignal;
  isAllowed: (address: string) => boolean;
  /** Responder checks by served leaf and URL, shared by the addresses. */
  responders: Map<string, Promise<OcspResponderObservation | undefined>>;
}

/** One address probed, and its responder check (shared with addresses serving the same leaf). */
interface AddressProbe {
  observation: AddressObservation;
  responder: Promise<OcspResponderObservation | undefined>;
}

/** The first full handshake and the request it was made with (the base of all later ones). */
interface Connected {
  first: HandshakeSuccess;
  base: HandshakeRequest;
}

/** The served leaf and its issuer as DER, and the leaf's parsed fields when it parses. */
interface ServedLeaf {
  der: Uint8Array;
  issuer: Uint8Array | undefined;
  info: CertificateInfo | undefined;
}

/** Listeners of one probe's abort signal before Node warns (see probeServer). */
const MAX_ABORT_LISTENERS = 200;

/**
 * Probes `target` and returns what was observed; never throws. Bounded by `options.timeoutMs`
 * (partial observations are marked `incomplete`) and cancellable through `signal`.
 */
export async function probeServer(target: ProbeTarget, options: ProbeOptions = {}, signal?: AbortSignal): Promise<ProbeObservation> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const stop = new AbortController();
  // Every handshake in flight listens to it (stapling, sessions, protocols, trust, the other key
  // types, on each address): more than Node's default of 10 is normal here, not a leak.
  setMaxListeners(MAX_ABORT_LISTENERS, stop.signal);
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  const onCancel = (): void => stop.abort();
  signal?.addEventListener('abort', onCancel, { once: true });
  if (signal?.aborted) stop.abort();
  const context: ProbeContext = {
    deadline: started + timeoutMs,
    stepTimeoutMs: options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
    signal: stop.signal,
    isAllowed: options.isAddressAllowed ?? (() => true),
    responders: options.responderChecks ?? new Map(),
  };
  const observation: ProbeObservation = { target: describeTarget(target), startedAt: new Date().toISOString(), durationMs: 0 };
  try {
    await probeAddresses(observation, target, options, context);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCancel);
  }
  if (stop.signal.aborted) observation.incomplete = signal?.aborted ? 'the probe was cancelled' : `the probe reached its ${timeoutMs} ms bound`;
  observation.durationMs = elapsedMs(started);
  return observation;
}

/** Resolves the connect host and probes each allowed address (a few at a time); the first that completes a handshake is the report's main one. */
async function probeAddresses(observation: ProbeObservation, target: ProbeTarget, options: ProbeOptions, context: ProbeContext): Promise<void> {
  const targetObservation = observation.target;
  const host = targetObservation.connectHost;
  const dnsStarted = performance.now();
  const resolved = await resolveAddresses(host, stepTimeout(context), context.signal);
  if (net.isIP(bareHost(host)) === 0) targetObservation.dnsMs = elapsedMs(dnsStarted);
  if (!resolved.ok) {
    observation.connectFailure = { step: 'dns', reason: `${host}: ${resolved.reason}`, timedOut: resolved.timedOut };
    return;
  }
  const addresses = resolved.value.filter(context.isAllowed).slice(0, MAX_ADDRESSES);
  if (addresses.length === 0) {
    const reason = `no address of ${host} is allowed by the probe's address policy (${resolved.value.join(', ')})`;
    observation.connectFailure = { step: 'address-policy', reason, timedOut: false };
    return;
  }
  const results = await mapConcurrently(addresses, options.addressConcurrency ?? DEFAULT_ADDRESS_CONCURRENCY, (address) =>
    probeAddress(address, target, options, context),
  );
  const main = results.find((result) => result.observation.certificate !== undefined) ?? results[0]!;
  const { address, tcpMs, handshakeMs, connectFailure, certificate, stapling, sessions, protocols } = main.observation;
  targetObservation.address = address;
  if (tcpMs !== undefined) targetObservation.tcpMs = tcpMs;
  if (handshakeMs !== undefined) targetObservation.handshakeMs = handshakeMs;
  Object.assign(observation, {
    ...(connectFailure ? { connectFailure } : {}),
    ...(certificate ? { certificate } : {}),
    ...(stapling ? { stapling } : {}),
    ...(sessions ? { sessions } : {}),
    ...(protocols ? { protocols } : {}),
  });
  const responder = await main.responder;
  if (responder) observation.ocspResponder = responder;
  observation.addresses = results.map((result) => result.observation);
}

/** One address: the first full handshake (with status_request), then everything else. */
async function probeAddress(address: string, target: ProbeTarget, options: ProbeOptions, context: ProbeContext): Promise<AddressProbe> {
  const observation: AddressObservation = { address };
  const base: HandshakeRequest = { address, port: target.connect?.port ?? target.port, serverName: target.serverName, trust: { kind: 'none' }, timeoutMs: stepTimeout(context) };
  const first = await performHandshake({ ...base, requestOCSP: true, collectChain: true }, context.signal);
  if (!first.ok) {
    observation.connectFailure = { step: first.stage, reason: first.reason, timedOut: first.timedOut };
    return { observation, responder: Promise.resolve(undefined) };
  }
  observation.tcpMs = roundMs(first.tcpMs);
  observation.handshakeMs = roundMs(first.handshakeMs);
  return observeServer(observation, { first, base }, target, options, context);
}

/** Everything after the first handshake: stapling warm-up, sessions, protocols, trust and responder, in parallel. */
async function observeServer(observation: AddressObservation, connected: Connected, target: ProbeTarget, options: ProbeOptions, context: ProbeContext): Promise<AddressProbe> {
  const { first, base } = connected;
  const leaf = servedLeaf(first.chain, options.caPem);
  const certificate = describeCertificate(first, leaf, target.serverName, options.caPem);
  observation.certificate = certificate;

  const request = (): HandshakeRequest => ({ ...base, timeoutMs: stepTimeout(context) });
  const ocspUrl = options.ocspResponderUrl ?? leaf?.info?.ocspUrls[0];
  // Without an OCSP URL nginx has nothing to fetch (only an ssl_stapling_file, stapled from the
  // first handshake on): waiting would only slow the probe down.
  const fetchable = leaf?.info === undefined || ocspUrl !== undefined;
  const warmupMs = fetchable ? (options.warmupMs ?? DEFAULT_WARMUP_MS) : 0;
  // Addresses serving the same certificate share one responder check.
  const responder = leaf ? responderCheck(context, leaf, ocspUrl, options.ocspResponderUrl !== undefined) : Promise.resolve(undefined);
  // How long the responder took to answer the probe: nginx's own first fetch takes about as long.
  const responderMs = responder.then((r) => (r?.status === 'ok' ? (r.dns?.ms ?? 0) + (r.tcp?.ms ?? 0) + (r.http?.ms ?? 0) : undefined), () => undefined);
  const [stapling, sessions, protocols, trust, others] = await Promise.all([
    warmUpStapling(first, request(), warmupMs, context.signal, responderMs),
    observeSessions(request(), context.signal),
    observeProtocols(request(), context.signal),
    performHandshake({ ...request(), trust: { kind: 'verify', ...(options.caPem ? { extraCaPem: options.caPem } : {}) } }, context.signal),
    otherCertificates(first, request, target.serverName, options.caPem, context.signal),
    responder,
  ]);
  if (others.length > 0) certificate.others = others;

  observation.stapling = {
    firstHandshake: { stapled: first.staple !== null && first.staple !== undefined },
    handshakes: stapling.handshakes,
    failedHandshakes: stapling.failedHandshakes,
    stapled: stapling.staple !== undefined,
    elapsedMs: stapling.elapsedMs,
    warmupMs: stapling.budgetMs ?? warmupMs,
    warmupComplete: stapling.complete,
    ...(fetchable ? {} : { warmupSkipped: 'the certificate has no OCSP URL, so nginx cannot fetch a staple' }),
    ...(stapling.firstStapleAt !== undefined ? { firstStapleAt: stapling.firstStapleAt } : {}),
    ...(stapling.staple && leaf ? { response: checkOcspResponse(stapling.staple, leaf.der, leaf.issuer) } : {}),
  };
  observation.sessions = sessions;
  observation.protocols = protocols;
  if (trust.ok) {
    certificate.trusted = trust.authorized;
    if (trust.authorizationError) certificate.trustError = trust.authorizationError;
  }
  return { observation, responder };
}

function responderCheck(context: ProbeContext, leaf: ServedLeaf, ocspUrl: string | undefined, fromConfig: boolean): Promise<OcspResponderObservation | undefined> {
  const key = `${Buffer.from(leaf.der).toString('base64')} ${ocspUrl ?? ''}`;
  let check = context.responders.get(key);
  if (!check) {
    check = checkOcspResponder(
      { leaf: leaf.der, ocspUrl, issuer: leaf.issuer, stepTimeoutMs: stepTimeout(context), isAddressAllowed: context.isAllowed },
      context.signal,
    ).then((result) => (fromConfig ? { ...result, source: 'ssl_stapling_responder' as const } : result));
    context.responders.set(key, check);
  }
  return check;
}

function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function servedLeaf(chain: readonly Uint8Array[], caPem: string | undefined): ServedLeaf | undefined {
  const der = chain[0];
  if (!der) return undefined;
  const x509 = safeX509(der);
  const issuer = x509 ? (findIssuer(x509, chain.slice(1)) ?? (caPem ? findIssuer(x509, certificatesOfPem(caPem)) : undefined)) : undefined;
  return { der, issuer, info: safeParse(der) };
}

// OpenSSL's names of the signature schemes of each key type (TLS 1.2 and 1.3): nginx, with an RSA
// and an ECDSA certificate, serves the one whose key the client can verify.
const SIGALGS: Record<OtherCertificate['offered'], string> = {
  RSA: 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512',
  ECDSA: 'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512',
};

/**
 * The certificates a client that offers only RSA, or only ECDSA, signatures gets, when they are
 * not the one of the first handshake: a block with two certificates serves each to its clients,
 * and an expired one of them fails those clients only (an audit found the RSA one unprobed).
 */
async function otherCertificates(first: HandshakeSuccess, request: () => HandshakeRequest, serverName: string, caPem: string | undefined, signal: AbortSignal): Promise<OtherCertificate[]> {
  const main = first.chain[0];
  const tries = await Promise.all((Object.keys(SIGALGS) as OtherCertificate['offered'][]).map(async (offered) => ({ offered, outcome: await performHandshake({ ...request(), sigalgs: SIGALGS[offered], collectChain: true }, signal) })));
  const others: OtherCertificate[] = [];
  for (const { offered, outcome } of tries) {
    const leaf = outcome.ok ? outcome.chain[0] : undefined;
    if (!outcome.ok || !leaf || (main && Buffer.from(leaf).equals(Buffer.from(main)))) continue;
    if (others.some((o) => o.chain[0]?.sha256Fingerprint === describeServedCertificate(leaf).sha256Fingerprint)) continue;
    const described = describeCertificate(outcome, servedLeaf(outcome.chain, caPem), serverName, caPem);
    others.push({ offered, chain: described.chain, coversServerName: described.coversServerName });
  }
  return others;
}

function describeCertificate(first: HandshakeSuccess, leaf: ServedLeaf | undefined, serverName: string, caPem: string | undefined): CertificateObservation {
  const x509 = leaf ? safeX509(leaf.der) : undefined;
  const path = checkCertificatePath(first.chain, caPem);
  return {
    protocol: first.protocol,
    cipher: first.cipher,
    chain: first.chain.map(describeServedCertificate),
    // As browsers match: subjectAltName only; a CN-only certificate covers no name (Chrome 58+, Firefox).
    coversServerName: leaf?.info ? certificateCoversName({ ...leaf.info, commonName: undefined }, serverName) : false,
    issuerServed: x509 !== undefined && findIssuer(x509, first.chain.slice(1)) !== undefined,
    ...(path ? { path } : {}),
  };
}

function describeTarget(target: ProbeTarget): TargetObservation {
  const connectHost = target.connect?.host ?? target.serverName;
  return {
    serverName: target.serverName,
    port: target.port,
    connectHost,
    connectPort: target.connect?.port ?? target.port,
    addressSource: target.connect ? 'override' : net.isIP(target.serverName) !== 0 ? 'ip-literal' : 'dns',
    sni: net.isIP(target.serverName) === 0,
  };
}

async function resolveAddresses(
  host: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ ok: true; value: string[] } | { ok: false; reason: string; timedOut: boolean }> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (net.isIP(bare) !== 0) return { ok: true, value: [bare] };
  // The system resolver (getaddrinfo: /etc/hosts, then DNS), as browsers and nginx at startup use.
  const answer = await bounded(dns.promises.lookup(bare, { all: true, verbatim: true }), timeoutMs, signal);
  return answer.ok ? { ok: true, value: answer.value.map((entry) => entry.address) } : answer;
}

// Steps end a little before the whole probe does, so they report their own timeout and the
// probe still returns everything else it saw.
function stepTimeout(context: ProbeContext): number {
  return Math.max(1, Math.min(context.stepTimeoutMs, Math.floor(context.deadline - performance.now()) - STEP_DEADLINE_MARGIN_MS));
}

function describeServedCertificate(der: Uint8Array): ServedCertificate {
  try {
    const { info } = parseCertificateDer(der);
    return {
      subject: info.subject,
      issuer: info.issuer,
      serialNumber: info.serialNumber,
      notBefore: info.notBefore.toISOString(),
      notAfter: info.notAfter.toISOString(),
      dnsNames: [...info.dnsNames],
      ipAddresses: [...info.ipAddresses],
      ...(info.commonName !== undefined ? { commonName: info.commonName } : {}),
      mustStaple: info.mustStaple,
      ocspUrls: [...info.ocspUrls],
      isCA: info.isCA,
      sha256Fingerprint: info.sha256Fingerprint,
    };
  } catch (error) {
    const x509 = safeX509(der);
    return {
      subject: x509?.subject.split('\n').join(', ') ?? '',
      issuer: x509?.issuer.split('\n').join(', ') ?? '',
      serialNumber: x509?.serialNumber.toLowerCase() ?? '',
      notBefore: x509 ? new Date(x509.validFrom).toISOString() : '',
      notAfter: x509 ? new Date(x509.validTo).toISOString() : '',
      dnsNames: [],
      ipAddresses: [],
      mustStaple: false,
      ocspUrls: [],
      isCA: x509?.ca ?? false,
      sha256Fingerprint: x509?.fingerprint256.replaceAll(':', '').toLowerCase() ?? '',
      parseError: error instanceof Error ? error.message : String(error),
    };
  }
}

function safeParse(der: Uint8Array): CertificateInfo | undefined {
  try {
    return parseCertificateDer(der).info;
  } catch {
    return undefined;
  }
}

function safeX509(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/** The candidate (DER) that issued `leaf`, by the same test nginx uses to find the stapling issuer. */
function findIssuer(leaf: X509Certificate, candidates: readonly Uint8Array[]): Uint8Array | undefined {
  return candidates.find((der) => {
    const candidate = safeX509(der);
    return candidate !== undefined && isIssuedByAny(leaf, [candidate]);
  });
}

function certificatesOfPem(pem: string): Uint8Array[] {
  return splitPemBlocks(pem).flatMap((block) => {
    const der = isCertificateLabel(block.label) && block.body !== undefined ? decodePemBody(block.body) : undefined;
    return der ? [der] : [];
  });
}
