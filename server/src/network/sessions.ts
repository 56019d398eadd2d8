// Session tickets and resumption for one SNI name. nginx resumes sessions before SNI selects the
// virtual server, with the default server's cache and ticket keys, so a virtual server can hand
// out tickets it never accepts (or none at all): only trying it shows what clients get.
import { constants } from 'node:crypto';
import type { SessionCheck, SessionsObservation } from '../service/probe/types';
import type { HandshakeRequest } from './handshake';
import { performHandshake } from './handshake';
import { isClientSideRefusal } from './protocols';

type SessionMode = keyof SessionsObservation;

const MODE_OPTIONS: Record<SessionMode, Partial<HandshakeRequest>> = {
  tls12Ticket: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' },
  // RFC 5077 §3.4: without the ticket extension the server can only resume by session ID.
  tls12SessionId: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET },
  tls13: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' },
};

/** Runs the three resumption checks in parallel, each a full handshake then a resumption attempt. */
export async function observeSessions(base: HandshakeRequest, signal: AbortSignal): Promise<SessionsObservation> {
  const [tls12Ticket, tls12SessionId, tls13] = await Promise.all(
    (['tls12Ticket', 'tls12SessionId', 'tls13'] as const).map((mode) => checkSessionMode(mode, base, signal)),
  );
  return { tls12Ticket: tls12Ticket!, tls12SessionId: tls12SessionId!, tls13: tls13! };
}

async function checkSessionMode(mode: SessionMode, base: HandshakeRequest, signal: AbortSignal): Promise<SessionCheck> {
  const request: HandshakeRequest = { ...base, ...MODE_OPTIONS[mode], requestOCSP: false, collectSession: true };
  const first = await performHandshake(request, signal);
  if (!first.ok) {
    if (isClientSideRefusal(first)) return { status: 'not-testable', issued: false, detail: first.reason };
    // A version the server refuses cannot carry sessions: not a resumption problem.
    return { status: first.stage === 'tls' && !first.timedOut ? 'not-testable' : 'error', issued: false, detail: first.reason };
  }
  const issued = mode === 'tls12Ticket' ? first.ticket : first.session !== undefined;
  // Without a ticket a TLS 1.2 resumption would be by session ID: that is the other mode's check.
  if (!issued || !first.session) return { status: 'tested', issued };
  const second = await performHandshake({ ...request, session: first.session, collectSession: false }, signal);
  if (!second.ok) return { status: 'error', issued, detail: `resumption handshake failed: ${second.reason}` };
  return { status: 'tested', issued, resumed: second.reused };
}
