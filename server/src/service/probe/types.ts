// Plain data of the live probe: what to probe, what was observed, what the config expects and
// what differs. No functions, no Dates, no Buffers in observations: they cross process boundaries
// (LSP, JSON) unchanged.
import type { Severity, Span } from '../diagnostics';

/** Config locations in probe data are service spans (one name for a stretch of a file). */
export type { Span };

/** The TLS versions the probe tries, in nginx's `ssl_protocols` spelling. */
export type TlsProtocolName = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** Every version the probe tries, oldest first. */
export const TLS_PROTOCOL_NAMES: readonly TlsProtocolName[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** What to probe: the server name (always sent as SNI, unless an IP) and port; optionally where to connect instead of DNS. */
export interface ProbeTarget {
  serverName: string;
  port: number;
  /** `--connect HOST:PORT`: connect here instead of to the server name's DNS answer. */
  connect?: { host: string; port: number };
}

/** How the probe runs; every field has a default. */
export interface ProbeOptions {
  /** Extra trusted CA certificates (PEM text), e.g. a private CA, on top of Node's root store. */
  caPem?: string;
  /** How long stapling may warm up before "no staple" is concluded (nginx fetches lazily). Default 2000. */
  warmupMs?: number;
  /** Bound of the whole probe. Default 15000. */
  timeoutMs?: number;
  /** Bound of each network step (DNS, connect + handshake, HTTP). Default 5000. */
  stepTimeoutMs?: number;
  /** Refuses addresses the probe may not touch (tests allow loopback only); default allows all. */
  isAddressAllowed?: (address: string) => boolean;
  /** The OCSP responder nginx asks (`ssl_stapling_responder`), instead of the certificate's OCSP URL. */
  ocspResponderUrl?: string;
  /** How many addresses of the name are probed at once. Default 4. */
  addressConcurrency?: number;
  /** Responder checks shared between probes (every server of a config), by served leaf and URL. */
  responderChecks?: Map<string, Promise<OcspResponderObservation | undefined>>;
}

/** Where the probe connected and how it got the address. */
export interface TargetObservation {
  serverName: string;
  port: number;
  /** Host and port the TCP connections went to (the override or the server name). */
  connectHost: string;
  connectPort: number;
  /** The IP address used, once resolved. */
  address?: string;
  addressSource: 'override' | 'dns' | 'ip-literal';
  dnsMs?: number;
  /** TCP connect and TLS handshake times of the first (full) handshake. */
  tcpMs?: number;
  handshakeMs?: number;
  /** Whether SNI was sent (never for an IP literal, RFC 6066 §3). */
  sni: boolean;
}

/** Why the probe could not talk TLS to the server at all. */
export interface ConnectFailure {
  step: 'dns' | 'address-policy' | 'tcp' | 'tls';
  reason: string;
  timedOut: boolean;
}

/** One certificate as the server sent it. Dates are ISO 8601 strings. */
export interface ServedCertificate {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  dnsNames: string[];
  ipAddresses: string[];
  commonName?: string;
  mustStaple: boolean;
  ocspUrls: string[];
  isCA: boolean;
  sha256Fingerprint: string;
  /** Set when the certificate could not be fully parsed (other fields may then be empty). */
  parseError?: string;
}

/** The certificate chain served for the server name, and what a client makes of it. */
export interface CertificateObservation {
  protocol: string;
  cipher: string;
  /** As sent by the server, leaf first (ordered by issuance, unrelated extras dropped by OpenSSL). */
  chain: ServedCertificate[];
  coversServerName: boolean;
  /** The leaf's issuer is in the served chain (nginx needs it there or in ssl_trusted_certificate to staple). */
  issuerServed: boolean;
  /** Chain and name verified against Node's roots plus `caPem`; undefined when that handshake failed. */
  trusted?: boolean;
  trustError?: string;
  /** The certification path as browsers build it (dates and names aside). */
  path?: CertificatePath;
  /**
   * Other certificates the server has for the name, served to clients that offer only RSA or only
   * ECDSA signatures (a block with an RSA and an ECDSA ssl_certificate): absent when there is none.
   */
  others?: OtherCertificate[];
}

/** A certificate served to clients restricted to one kind of key. */
export interface OtherCertificate {
  /** The signatures the client offered: `RSA` or `ECDSA`. */
  offered: 'RSA' | 'ECDSA';
  chain: ServedCertificate[];
  coversServerName: boolean;
}

/** Whether the served chain leads to a trusted root (Node's root store plus `caPem`), dates and names aside. */
export interface CertificatePath {
  /** A path from the leaf to a trusted root exists (with `caPem`'s intermediates if the server leaves one out). */
  trustedRoot: boolean;
  /** The served chain holds every certificate between the leaf and the root. */
  complete: boolean;
  /** Subject of the certificate the chain lacks (the issuer of its last certificate), when incomplete. */
  missingIssuer?: string;
  /** Where the probe found the missing certificate: `ca` (the extra CA file); absent when nowhere. */
  missingIssuerFoundIn?: 'ca';
  /** The leaf names a CA Issuers URL (AIA), from which some clients fetch a missing intermediate. */
  caIssuersUrl?: string;
  /** Subject of the trusted root the path ends at. */
  root?: string;
  /**
   * When no path was found: the last certificate reached is a CA (so what is missing is most
   * likely a root nobody trusts), not the leaf (an intermediate left out).
   */
  lastIsCa?: boolean;
  /** The last certificate of the chain is self-signed and not a trusted root. */
  selfSigned?: boolean;
}

/** An OCSP response (stapled or fetched) as parsed and verified against the served leaf and its issuer. */
export interface OcspResponseCheck {
  sizeBytes: number;
  /** RFC 6960 OCSPResponseStatus name, or `unparsable`. */
  responseStatus: 'successful' | 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized' | 'unparsable';
  certStatus?: 'good' | 'revoked' | 'unknown';
  revocationTime?: string;
  revocationReason?: string;
  producedAt?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  /** A SingleResponse's CertID names the served leaf and issuer; undefined when the issuer is unknown. */
  forCertificate?: boolean;
  /** `valid`: signed by the issuer or by a delegated responder the issuer certified for OCSP signing. */
  signature: 'valid' | 'invalid' | 'untrusted-signer' | 'issuer-unknown' | 'unsupported-algorithm' | 'not-checked';
  signer?: 'issuer' | 'delegated';
  signerSubject?: string;
  /** Human-readable problems found while parsing (malformed parts). */
  problems: string[];
}

/** OCSP stapling as seen over several full handshakes. */
export interface StaplingObservation {
  /** The probe's first handshake, apart from the warm-up: what a browser's first connection gets. */
  firstHandshake?: { stapled: boolean };
  /** Full handshakes that asked for a staple (status_request). */
  handshakes: number;
  /** Handshakes in the warm-up that failed (not counted above). */
  failedHandshakes: number;
  stapled: boolean;
  /** 1-based handshake that first carried a staple. */
  firstStapleAt?: number;
  elapsedMs: number;
  warmupMs: number;
  /** A staple was seen, or the whole warm-up ran: only then does "no staple" mean anything. */
  warmupComplete: boolean;
  /** Why there was no warm-up (no OCSP URL: nothing for nginx to fetch). */
  warmupSkipped?: string;
  response?: OcspResponseCheck;
}

/** One session resumption check: a full handshake, then one offering its session. */
export interface SessionCheck {
  status: 'tested' | 'not-testable' | 'error';
  /** A ticket (or for `tls12SessionId` a session ID) was handed out. */
  issued: boolean;
  /** The second handshake resumed; undefined when nothing was issued to resume with. */
  resumed?: boolean;
  detail?: string;
}

/** Session tickets and resumption for the server name (SNI). */
export interface SessionsObservation {
  /** TLS 1.2 with tickets offered: a NewSessionTicket, and resumption with it. */
  tls12Ticket: SessionCheck;
  /** TLS 1.2 with SSL_OP_NO_TICKET: a session ID, and resumption by ID (the session cache). */
  tls12SessionId: SessionCheck;
  /** TLS 1.3: NewSessionTicket after the handshake, and PSK resumption. */
  tls13: SessionCheck;
}

/** Outcome of a handshake restricted to one TLS version. */
export interface ProtocolCheck {
  result: 'accepted' | 'refused' | 'not-testable' | 'error';
  detail?: string;
}

/** Each TLS version tried alone (min = max). */
export type ProtocolsObservation = Record<TlsProtocolName, ProtocolCheck>;

/** One timed network step of the responder check. */
export interface TimedStep {
  ms: number;
  error?: string;
}

/** The certificate's OCSP responder as reached from this machine. */
export interface OcspResponderObservation {
  url?: string;
  /** Where the URL comes from: the certificate's AIA (absent) or the config's `ssl_stapling_responder`. */
  source?: 'ssl_stapling_responder';
  status: 'ok' | 'failed' | 'skipped';
  /** Why the check was skipped (no OCSP URL, not http, issuer unknown). */
  skipReason?: string;
  dns?: TimedStep & { addresses: string[]; skipped?: 'ip-literal' };
  tcp?: TimedStep & { address?: string };
  http?: TimedStep & { statusCode?: number; contentType?: string; response?: OcspResponseCheck };
}

/** What one address of the name served (for names with several A/AAAA answers). */
export interface AddressObservation {
  address: string;
  tcpMs?: number;
  handshakeMs?: number;
  connectFailure?: ConnectFailure;
  certificate?: CertificateObservation;
  stapling?: StaplingObservation;
  sessions?: SessionsObservation;
  protocols?: ProtocolsObservation;
}

/** Everything the probe saw; absent sections were not reached (connect failure or the overall bound). */
export interface ProbeObservation {
  target: TargetObservation;
  /** ISO time the probe started; findings judge validity at this time. */
  startedAt: string;
  durationMs: number;
  connectFailure?: ConnectFailure;
  /** Set when the probe was cut short (its bound or cancellation): later sections may be missing. */
  incomplete?: string;
  certificate?: CertificateObservation;
  stapling?: StaplingObservation;
  sessions?: SessionsObservation;
  protocols?: ProtocolsObservation;
  ocspResponder?: OcspResponderObservation;
  /**
   * Every address probed (the name's A and AAAA answers, or the --connect host's), in order; the
   * sections above describe the first one that completed a handshake.
   */
  addresses?: AddressObservation[];
}


/** Where each expectation came from in the config (absent: not written, nginx's default applies). */
export interface ProbeExpectationLocations {
  server?: Span;
  listen?: Span;
  stapling?: Span;
  staplingVerify?: Span;
  /** Parallel to `certificateFiles`. */
  certificateFiles?: Span[];
  protocols?: Span;
  sessionTickets?: Span;
  sessionCache?: Span;
  /** The default server of the same listen socket, when it is another server. */
  defaultServer?: Span;
}

/** What the nginx config says about one TLS server, as plain data. */
export interface ProbeExpectation {
  serverName: string;
  port: number;
  /** `ssl_stapling`; undefined = not set (nginx default off). */
  staplingOn: boolean | undefined;
  staplingVerify: boolean | undefined;
  /** `ssl_certificate` paths, absolute (paths with variables are left out: they cannot be read ahead). */
  certificateFiles: string[];
  /** `ssl_stapling_responder`, when set: nginx asks it instead of the certificate's OCSP URL. */
  staplingResponder?: string;
  /** `ssl_stapling_file` is set: nginx staples that file from the first handshake, fetching nothing. */
  staplingFile?: boolean;
  /** An `ssl_certificate` or `ssl_certificate_key` path has variables: loaded per handshake, never stapled. */
  certificatePathHasVariables?: boolean;
  /** Files (absolute) where nginx also looks for the stapling issuer: ssl_trusted_certificate, and ssl_client_certificate with client verification. */
  issuerFiles?: string[];
  /** `ssl_protocols` arguments; undefined = nginx's default for its version. */
  protocols: string[] | undefined;
  /** `ssl_session_tickets`; undefined = nginx default on. */
  sessionTickets: boolean | undefined;
  /** `ssl_session_cache` is `builtin` or `shared` (not `off`/`none`, nginx's default `none`). */
  sessionCache: boolean;
  /** nginx version (e.g. "1.22.1") when known: decides the default of `ssl_protocols`. */
  nginxVersion?: string;
  /** First server_name of the listen socket's default server, when it is another server. */
  defaultServerName?: string;
  locations?: ProbeExpectationLocations;
}

/**
 * Every probe finding code (a CLI and LSP contract) with its severity: the one place they are
 * declared. Browser verdicts are errors where browsers refuse the site.
 */
export const PROBE_FINDING_CODES = {
  'probe-connect-failed': 'error',
  'probe-certificate-expired': 'error',
  'probe-certificate-not-yet-valid': 'error',
  'probe-certificate-name-mismatch': 'error',
  'probe-certificate-untrusted': 'error',
  'probe-certificate-revoked': 'error',
  'probe-certificate-expiring': 'warning',
  'probe-other-certificate-invalid': 'error',
  'probe-chain-incomplete': 'warning',
  'probe-must-staple-violated': 'error',
  'probe-must-staple-cold-start': 'warning',
  'probe-stapled-response-bad': 'error',
  'probe-stapling-expected-missing': 'warning',
  'probe-stapling-ignored': 'information',
  'probe-certificate-differs': 'warning',
  'probe-addresses-differ': 'warning',
  'probe-session-tickets-differ': 'warning',
  'probe-resumption-broken': 'warning',
  'probe-protocols-differ': 'warning',
  'probe-protocols-refused-by-library': 'information',
  'probe-ocsp-responder-unreachable': 'warning',
  'probe-checks-failed': 'warning',
} as const satisfies Record<string, ProbeSeverity>;

/** Severities a probe finding can have. */
export type ProbeSeverity = Extract<Severity, 'error' | 'warning' | 'information'>;

/** Stable codes of probe findings (a CLI and LSP contract). */
export type ProbeFindingCode = keyof typeof PROBE_FINDING_CODES;

/** One difference between what should happen and what the server does. */
export interface ProbeFinding {
  code: ProbeFindingCode;
  severity: ProbeSeverity;
  message: string;
  expected: string;
  observed: string;
  /** The config directive the finding concerns, when the expectation came from a config. */
  configLocation?: Span;
}

/** The probe's full result: observation sections plus findings (the CLI's JSON, version 1). */
export interface ProbeReport extends ProbeObservation {
  version: 1;
  /** One line per browser family: does it open the site, and why not. */
  browsers?: BrowserVerdict[];
  findings: ProbeFinding[];
}

/** What one browser family makes of the site, from the findings. */
export interface BrowserVerdict {
  browser: 'Chrome' | 'Firefox' | 'Safari';
  works: boolean;
  /** The error page code and why, when it refuses; a caveat (e.g. first connections) otherwise. */
  why?: string;
}
