// One TLS handshake with Node's `tls`, bounded in time and cancellable, reduced to plain facts.
import * as net from 'node:net';
import * as tls from 'node:tls';

/** The CA store of a handshake: none (see the served chain as sent, verify nothing) or Node's roots plus `extraCaPem`. */
export type HandshakeTrust = { kind: 'none' } | { kind: 'verify'; extraCaPem?: string };

/** What one handshake should look like. */
export interface HandshakeRequest {
  address: string;
  port: number;
  /** Sent as SNI and used for the name check; an IP literal is never sent as SNI (RFC 6066 §3). */
  serverName: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  /** The signature algorithms offered (OpenSSL names), to ask a server with RSA and ECDSA certificates for one of them. */
  sigalgs?: string;
  secureOptions?: number;
  /** A session from an earlier handshake, to resume. */
  session?: Buffer;
  /** Send status_request and report the staple. */
  requestOCSP?: boolean;
  /** Report the served chain (walking it costs more than the rest of a resumed handshake). */
  collectChain?: boolean;
  trust: HandshakeTrust;
  timeoutMs: number;
  /**
   * Wait for the server's session (TLS 1.3 sends NewSessionTicket after the handshake): sends a
   * HEAD request and stops at the first session, the first response byte, or the end.
   */
  collectSession?: boolean;
}

/** A completed handshake. */
export interface HandshakeSuccess {
  ok: true;
  protocol: string;
  cipher: string;
  reused: boolean;
  /** The stapled OCSP response: bytes, null when none was stapled, undefined when not requested. */
  staple: Uint8Array | null | undefined;
  /** DER certificates as served, leaf first (only complete with `trust: none`; empty unless `collectChain`). */
  chain: Uint8Array[];
  authorized: boolean;
  authorizationError?: string;
  /** A TLS 1.2 session ticket came with the handshake. */
  ticket: boolean;
  /** The last session the server handed out (to resume with), if any. */
  session?: Buffer;
  tcpMs: number;
  handshakeMs: number;
}

/** A handshake that did not complete. */
export interface HandshakeFailure {
  ok: false;
  stage: 'tcp' | 'tls';
  /** Node or OpenSSL error code (ECONNREFUSED, ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION, ...). */
  code?: string;
  reason: string;
  timedOut: boolean;
  aborted: boolean;
}

/** Result of performHandshake. */
export type HandshakeOutcome = HandshakeSuccess | HandshakeFailure;

// More certificates than any real chain; a server sending more is cut off by OpenSSL's
// 100 KiB max_cert_list anyway, this only bounds the walk.
const MAX_CHAIN_CERTIFICATES = 16;

/** Connects and handshakes once; never throws, never outlives `timeoutMs` or `signal`. */
export function performHandshake(request: HandshakeRequest, signal?: AbortSignal): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    let tcpMs = 0;
    let tcpConnected = false;
    let settled = false;
    let staple: Uint8Array | null | undefined = request.requestOCSP ? null : undefined;
    let session: Buffer | undefined;
    let success: HandshakeSuccess | undefined;

    const sni = net.isIP(request.serverName) === 0;
    let socket: tls.TLSSocket;
    try {
      socket = connect();
    } catch (error) {
      // Option errors (e.g. a version this Node cannot offer) throw synchronously.
      const code = (error as NodeJS.ErrnoException).code;
      resolve({ ok: false, stage: 'tls', ...(code ? { code } : {}), reason: describeTlsError(error as Error), timedOut: false, aborted: false });
      return;
    }
    function connect(): tls.TLSSocket {
      // tls.connect passes requestOCSP on to the TLSSocket; @types/node only declares it there.
      const options: tls.ConnectionOptions & Pick<tls.TLSSocketOptions, 'requestOCSP'> = {
        host: request.address,
        port: request.port,
        requestOCSP: request.requestOCSP ?? false,
        secureContext: request.trust.kind === 'none' ? plainContext(request) : verifyingContext(request.trust.extraCaPem),
        rejectUnauthorized: false,
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(request.serverName, cert),
      };
      if (sni) options.servername = request.serverName;
      if (request.session) options.session = request.session;
      return tls.connect(options);
    }

    const finish = (outcome: HandshakeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const fail = (reason: string, extra: Partial<HandshakeFailure> = {}): void => {
      if (success) return finish(success); // the handshake completed; only the session wait failed
      finish({ ok: false, stage: tcpConnected ? 'tls' : 'tcp', reason, timedOut: false, aborted: false, ...extra });
    };
    const onAbort = (): void => fail('cancelled', { aborted: true });
    const timer = setTimeout(() => fail(`no answer within ${request.timeoutMs} ms`, { timedOut: true }), request.timeoutMs);

    socket.once('connect', () => {
      tcpConnected = true;
      tcpMs = performance.now() - started;
    });
    socket.on('OCSPResponse', (response: Buffer | null) => {
      staple = response && response.length > 0 ? new Uint8Array(response) : null;
    });
    socket.on('session', (data: Buffer) => {
      session = data;
      if (success) finish({ ...success, session });
    });
    // `on`, not `once`: a second 'error' without a listener would crash the process.
    socket.on('error', (error: NodeJS.ErrnoException) => fail(describeTlsError(error), { ...(error.code ? { code: error.code } : {}) }));
    socket.once('close', () => fail('the server closed the connection'));
    socket.once('secureConnect', () => {
      const handshakeMs = performance.now() - started - tcpMs;
      const cipher = socket.getCipher();
      success = {
        ok: true,
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
        reused: socket.isSessionReused(),
        staple,
        chain: request.collectChain ? servedChain(socket) : [],
        authorized: socket.authorized,
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
        ticket: (socket.getTLSTicket()?.length ?? 0) > 0,
        ...(session ? { session } : {}),
        tcpMs,
        handshakeMs,
      };
      if (!request.collectSession || session) return finish(success);
      const host = sni ? request.serverName : net.isIPv6(request.address) ? `[${request.address}]` : request.address;
      socket.write(`HEAD / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      // Tickets precede application data: once the response starts, none is coming.
      socket.once('data', () => finish(success!));
      socket.once('end', () => finish(success!));
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// A context holding Node's ~140 roots costs ~50 ms of CPU to build: build it once per CA set (a
// probe of every server of a config would otherwise spend seconds on it).
const verifyingContexts = new Map<string, tls.SecureContext>();
const MAX_VERIFYING_CONTEXTS = 4;

// Contexts that verify nothing, by the versions, ciphers and options they offer: an empty CA list
// replaces Node's root store, so nothing is added to the served chain.
const plainContexts = new Map<string, tls.SecureContext>();

function plainContext(request: HandshakeRequest): tls.SecureContext {
  const options: tls.SecureContextOptions = {
    ca: [],
    ...(request.minVersion ? { minVersion: request.minVersion } : {}),
    ...(request.maxVersion ? { maxVersion: request.maxVersion } : {}),
    ...(request.ciphers ? { ciphers: request.ciphers } : {}),
    ...(request.sigalgs ? { sigalgs: request.sigalgs } : {}),
    ...(request.secureOptions ? { secureOptions: request.secureOptions } : {}),
  };
  const key = JSON.stringify(options);
  let context = plainContexts.get(key);
  if (!context) {
    context = tls.createSecureContext(options);
    plainContexts.set(key, context);
  }
  return context;
}

function verifyingContext(extraCaPem: string | undefined): tls.SecureContext {
  const key = extraCaPem ?? '';
  let context = verifyingContexts.get(key);
  if (!context) {
    if (verifyingContexts.size >= MAX_VERIFYING_CONTEXTS) verifyingContexts.delete(verifyingContexts.keys().next().value!);
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, ...(extraCaPem ? [extraCaPem] : [])] });
    verifyingContexts.set(key, context);
  }
  return context;
}

function servedChain(socket: tls.TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && chain.length < MAX_CHAIN_CERTIFICATES && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

/**
 * A short reason for a TLS or socket error: OpenSSL's reason string (e.g. "tlsv1 alert protocol
 * version") instead of its `ID:error:CODE:lib:func:reason:file:line:` form.
 */
export function describeTlsError(error: Error): string {
  const message = error.message.split('\n')[0] ?? '';
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(message);
  const reason = openssl?.[1] ?? message;
  const alert = /SSL alert number (\d+)/.exec(error.message);
  if (reason === 'wrong version number') return `${reason}: the port answers without TLS (plain HTTP? the listen may lack "ssl")`;
  return alert && !reason.includes('alert number') ? `${reason} (TLS alert ${alert[1]})` : reason;
}
