import type { RuleContext } from '../rule';
import type { ServerCertificate } from '../../model/serverCertificates';
import { effective, servesCertificates, type HttpServer, type ListenSocket } from '../../model/serverModel';

/** A readable certificate that clients of a server get, and the socket whose default server lends it. */
export interface ServedCertificate {
  cert: Extract<ServerCertificate, { kind: 'ok' }>;
  /** Set when the server has no ssl_certificate (own or from http {}) and gets the default server's, or when the client sends no SNI (see servedWithoutSni). */
  via?: ListenSocket;
  /** Served to clients that send no server name: nginx picks the certificate before any name is known. */
  noSni?: boolean;
}

/**
 * The certificates clients get when they send no SNI, as for an IP address (RFC 6066 allows no
 * IP literal in SNI, and browsers and curl send none): the handshake runs in the default server
 * of the socket connected to, so its certificate is served whatever server then answers the
 * request (measured by an audit, nginx 1.22.1: curl https://127.0.0.1/ got the default server's
 * certificate while a server named 127.0.0.1 served the request).
 */
export function servedWithoutSni(context: RuleContext, server: HttpServer): ServedCertificate[] {
  const served: ServedCertificate[] = [];
  const lenders = new Set<HttpServer>();
  for (const socket of context.model.sockets) {
    const lender = socket.defaultServer;
    if (lenders.has(lender) || !socket.servers.includes(server) || !isTlsSocket(socket)) continue;
    lenders.add(lender);
    const certs = lender === server ? servedCertificates(context, server) : servedCertificates(context, lender).map((s) => ({ ...s, via: socket }));
    for (const s of certs) served.push({ ...s, noSni: true });
  }
  return served;
}

/**
 * The readable certificates a TLS server hands out: its own or inherited ones; without any, those
 * of the default server of each TLS socket it listens on (measured with nginx 1.22.1: a second
 * server on a socket without ssl_certificate passes nginx -t, and a handshake with its name gets
 * the default server's certificate while the request is served by the second server).
 */
export function servedCertificates(context: RuleContext, server: HttpServer): ServedCertificate[] {
  const ok = (certs: ServerCertificate[]): Extract<ServerCertificate, { kind: 'ok' }>[] => certs.flatMap((c) => (c.kind === 'ok' ? [c] : []));
  if (effective(server, 'ssl_certificate')) return ok(context.certificates(server)).map((cert) => ({ cert }));
  const served: ServedCertificate[] = [];
  const lenders = new Set<HttpServer>();
  for (const socket of context.model.sockets) {
    const lender = socket.defaultServer;
    if (lender === server || lenders.has(lender) || !socket.servers.includes(server) || !isTlsSocket(socket)) continue;
    if (!servesCertificates(lender) || !effective(lender, 'ssl_certificate')) continue;
    lenders.add(lender);
    for (const cert of ok(context.certificates(lender))) served.push({ cert, via: socket });
  }
  return served;
}

function isTlsSocket(socket: ListenSocket): boolean {
  return socket.servers.some((s) => s.listens.some((l) => l.socket === socket.socket && l.ssl));
}
