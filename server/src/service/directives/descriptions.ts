/**
 * Our own one-line descriptions of the TLS-related directives (ssl_*, resolver*, listen,
 * server_name), written for this project. The same text serves the http, stream and mail
 * variants unless a variant-specific entry (`module:name`) exists.
 */
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
  listen: 'Opens a socket (address, port or UNIX path) for this server; parameters such as `ssl`, `default_server` and `reuseport` change how connections on it are handled.',
  server_name: 'Names this server answers for: exact names, `*.` wildcards and `~` regular expressions, matched against the Host header or the TLS SNI name.',
  resolver: 'DNS servers nginx queries at run time, e.g. for OCSP responder host names and upstreams given with variables.',
  resolver_timeout: 'How long nginx waits for an answer from the configured resolver before giving up on a lookup.',
  ssl: 'Old switch that turned on TLS for every listen socket of a server; replaced by the `ssl` parameter of `listen`.',
  ssl_alpn: 'ALPN protocol names this stream server offers during the TLS handshake.',
  ssl_buffer_size: 'Size of the buffer nginx fills before sending a TLS record; small values cut time to first byte, large ones reduce overhead.',
  ssl_certificate: 'PEM file with the server certificate followed by its intermediates; repeat the directive to serve both an RSA and an ECDSA certificate.',
  ssl_certificate_key: 'Private key that matches the certificate given in the same position by `ssl_certificate`.',
  ssl_ciphers: 'OpenSSL cipher list for TLS 1.2 and older; TLS 1.3 suites are set separately (see `ssl_conf_command`).',
  ssl_client_certificate: 'CA certificates used to check client certificates; their names are also sent to clients as acceptable issuers.',
  ssl_conf_command: 'Passes a raw OpenSSL configuration command (for example `Ciphersuites` for TLS 1.3) to the TLS context.',
  ssl_crl: 'Certificate revocation list file used when checking client certificates.',
  ssl_dhparam: 'File with Diffie-Hellman parameters for DHE cipher suites; without it those suites are not used.',
  ssl_early_data: 'Accepts TLS 1.3 early data (0-RTT); such requests can be replayed, so only enable it for idempotent traffic.',
  ssl_ecdh_curve: 'Elliptic curves (groups) offered for key exchange, as a colon-separated list or `auto`.',
  ssl_engine: 'Hardware or provider engine OpenSSL should use for cryptographic operations.',
  ssl_handshake_timeout: 'How long a stream connection may take to finish the TLS handshake.',
  ssl_ocsp: 'Checks client certificates against their OCSP responder (`on`), or only the leaf (`leaf`).',
  ssl_ocsp_cache: 'Shared-memory cache for OCSP answers obtained while checking client certificates.',
  ssl_ocsp_responder: 'Overrides the OCSP responder URL used to check client certificates.',
  ssl_password_file: 'File with pass phrases for encrypted private keys, one per line, tried in order.',
  ssl_prefer_server_ciphers: 'Makes the server, not the client, choose the cipher order for TLS 1.2 and older.',
  ssl_preread: 'Reads the ClientHello of a stream connection without terminating TLS, exposing SNI and ALPN as variables.',
  ssl_protocols: 'TLS versions this server accepts; TLSv1.2 and TLSv1.3 are the sensible set today.',
  ssl_reject_handshake: 'Aborts every TLS handshake that selects this server, so it never hands out a certificate (useful for a catch-all default server).',
  ssl_session_cache: 'Where session parameters are kept for resumption: `shared:NAME:SIZE` (all workers), `builtin`, `none` or `off`.',
  ssl_session_ticket_key: 'File with the key used to encrypt session tickets; share it between servers that should resume each other’s sessions.',
  ssl_session_tickets: 'Turns TLS session tickets (stateless resumption) on or off.',
  ssl_session_timeout: 'How long a cached session or ticket may be resumed.',
  ssl_stapling: 'Makes nginx fetch an OCSP response for its certificate and send it in the handshake (OCSP stapling).',
  ssl_stapling_file: 'Staples an OCSP response read from this DER file instead of asking the responder.',
  ssl_stapling_responder: 'Overrides the OCSP responder URL taken from the certificate’s Authority Information Access.',
  ssl_stapling_verify: 'Verifies fetched OCSP responses before stapling them; needs the issuer chain in `ssl_trusted_certificate` or the certificate file.',
  ssl_trusted_certificate: 'CA certificates used to verify client certificates and OCSP responses, without advertising them to clients.',
  ssl_verify_client: 'Asks clients for a certificate: `on` requires a valid one, `optional` checks one if sent, `optional_no_ca` does not verify it.',
  ssl_verify_depth: 'Maximum length of the chain accepted when verifying client certificates.',
};

/**
 * Values worth offering when completing arguments of directives whose argument is not a plain
 * enum in the source (listen parameters, cache forms). Our own selection.
 */
export const ARGUMENT_HINTS: Readonly<Record<string, readonly string[]>> = {
  listen: ['ssl', 'http2', 'quic', 'default_server', 'proxy_protocol', 'reuseport', 'deferred', 'bind', 'ipv6only=on', 'ipv6only=off', 'backlog=', 'rcvbuf=', 'sndbuf=', 'so_keepalive=on', 'fastopen='],
  ssl_session_cache: ['shared:SSL:10m', 'builtin', 'none', 'off'],
  ssl_ecdh_curve: ['auto', 'X25519:prime256v1:secp384r1'],
  resolver: ['valid=300s', 'ipv6=off', 'ipv4=off'],
  ssl_ciphers: ['HIGH:!aNULL:!MD5'],
};

/** Whether a directive is TLS-related for hover and completion purposes (ssl_*, resolver*). */
export function isTlsDirective(name: string): boolean {
  return name.startsWith('ssl_') || name.startsWith('resolver') || name === 'ssl';
}
