/** Usage text of the probe command. */
export const PROBE_USAGE = `Usage:
  nginx-tls probe [--format text|json] [--config FILE | --nginx-T FILE|- [--root DIR]] [--server-name NAME] [--listen ADDR:PORT]
                  [--connect HOST:PORT] [--ca FILE] [--warmup-ms N] [--timeout-ms N]
                  [--nginx-version V] [HOST[:PORT]]
  nginx-tls probe (--config FILE | --nginx-T FILE|-) --all [--concurrency N] [--connect HOST[:PORT]] [--format text|json] ...
      Connects to HOST (sent as SNI; port 443 unless given) and reports the certificate served
      as browsers judge it, OCSP stapling, session resumption, TLS versions and the OCSP
      responder, on every address HOST resolves to.
      --config FILE     compare with this nginx config (HOST defaults to its first TLS server)
      --nginx-T FILE    compare with the config in this nginx -T output (- for stdin)
      --server-name N   the server block of --config to compare with (default: HOST)
      --listen A:P      among blocks with that name, the one with \`listen A:P ssl\` (default: the
                        block listening on the --connect address, then one on a wildcard address)
      --all             probe every literal server_name of the config's TLS blocks (one table, or
                        {"version":1,"reports":[...]} with --format json)
      --concurrency N   with --all, servers probed at once (8)
      --connect H:P     connect to H:P instead of HOST's DNS answer (SNI stays HOST); with --all,
                        the port defaults to each block's ssl port
      --ca FILE         extra trusted CA certificates (PEM), for private CAs
      --warmup-ms N     how long to retry for a staple before concluding there is none (2000)
      --timeout-ms N    bound of the whole probe (15000)
      --nginx-version V the nginx version serving the config (e.g. 1.22.1): its default ssl_protocols

Exit status: 0 no error finding, 1 error findings, 2 usage or I/O error.
`;
