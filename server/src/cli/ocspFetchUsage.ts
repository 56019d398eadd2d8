/** Usage text of `nginx-tls ocsp-fetch` (apart from the command, which loads only when used). */
export const OCSP_FETCH_USAGE = `  nginx-tls ocsp-fetch [--responder URL] [--ca FILE] [--timeout-ms N] --out FILE CERT
      Fetches the OCSP response for CERT (the ssl_certificate file, with its chain) over HTTP from
      its responder (or URL), checks status good, CertID, signature and dates, and writes the DER
      to FILE atomically, for ssl_stapling_file. The issuer comes from CERT's chain or --ca FILE.
      Exit status: 0 written, 1 the response is not good (FILE untouched), 2 usage or I/O error.
`;
