// Which TLS versions the server accepts for the server name, each tried alone (min = max).
import type { ProtocolCheck, ProtocolsObservation, TlsProtocolName } from '../service/probe/types';
import { TLS_PROTOCOL_NAMES } from '../service/probe/types';
import type { HandshakeFailure, HandshakeRequest } from './handshake';
import { performHandshake } from './handshake';

// OpenSSL 3 refuses SHA-1 and MD5+SHA-1 signatures, which TLS 1.0/1.1 need, at security level 1
// and above; level 0 lets this client offer them (the server may still refuse).
const LEGACY_CIPHERS = 'DEFAULT:@SECLEVEL=0';
const LEGACY_PROTOCOLS: ReadonlySet<TlsProtocolName> = new Set(['TLSv1', 'TLSv1.1']);

// Errors raised by this client before or instead of offering the version.
const CLIENT_SIDE_CODES = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHERS_AVAILABLE', 'ERR_TLS_INVALID_PROTOCOL_VERSION']);
const CLIENT_SIDE_REASONS = /no protocols available|no ciphers available/i;

/** True when the handshake failed because this client could not offer what was asked. */
export function isClientSideRefusal(failure: HandshakeFailure): boolean {
  return (failure.code !== undefined && CLIENT_SIDE_CODES.has(failure.code)) || CLIENT_SIDE_REASONS.test(failure.reason);
}

/** Tries TLS 1.0 to 1.3 in parallel, one handshake each. */
export async function observeProtocols(base: HandshakeRequest, signal: AbortSignal): Promise<ProtocolsObservation> {
  const checks = await Promise.all(TLS_PROTOCOL_NAMES.map((version) => checkProtocol(version, base, signal)));
  return Object.fromEntries(TLS_PROTOCOL_NAMES.map((version, i) => [version, checks[i]!])) as ProtocolsObservation;
}

async function checkProtocol(version: TlsProtocolName, base: HandshakeRequest, signal: AbortSignal): Promise<ProtocolCheck> {
  const outcome = await performHandshake(
    {
      ...base,
      minVersion: version,
      maxVersion: version,
      requestOCSP: false,
      collectSession: false,
      ...(LEGACY_PROTOCOLS.has(version) ? { ciphers: LEGACY_CIPHERS } : {}),
    },
    signal,
  );
  if (outcome.ok) {
    return outcome.protocol === version
      ? { result: 'accepted' }
      : { result: 'error', detail: `asked for ${version} only, got ${outcome.protocol}` };
  }
  if (isClientSideRefusal(outcome)) return { result: 'not-testable', detail: `this client cannot offer ${version}: ${outcome.reason}` };
  if (outcome.stage === 'tcp' || outcome.timedOut || outcome.aborted) return { result: 'error', detail: outcome.reason };
  return { result: 'refused', detail: outcome.reason };
}
