import { serverRule, type RuleFinding } from './rule';
import { pathSpan } from '../model/locations';
import type { CertificateFileErrorReason } from '../certificates';

/**
 * Files that are there but hold no certificate nginx can load: nginx -t fails wherever the config
 * runs (measured: PEM_read_bio_X509_AUX() failed for a key, a DER file, an empty file or garbage).
 * A missing or unreadable file may only be missing here (a CI job, a laptop), and a file over this
 * tool's 1 MiB limit is nginx's to judge, so those stay a note.
 */
const FAILS_NGINX: ReadonlySet<CertificateFileErrorReason> = new Set(['no-certificate', 'garbage', 'is-directory']);

/** An `ssl_certificate` file that cannot be read or parsed: the TLS checks cannot see it. */
export const certificateUnreadable = serverRule({
  id: 'certificate-unreadable',
  defaultSeverity: 'information',
  summary: 'The ssl_certificate file cannot be read or is not a PEM certificate',
  perServer: {
    servers: 'all',
    check(server, context) {
      const findings: RuleFinding[] = [];
      for (const cert of context.certificates(server)) {
        if (cert.kind !== 'unknown' || cert.reason !== 'unreadable') continue;
        if (cert.fileError && FAILS_NGINX.has(cert.fileError)) {
          findings.push({ ...pathSpan(cert.placed), severity: 'error', message: `${cert.message}: nginx cannot load it, so nginx -t fails and nginx neither starts nor reloads ([emerg] cannot load certificate ...); the checks that need the certificate are skipped` });
        } else {
          findings.push({ ...pathSpan(cert.placed), message: `${cert.message}; the checks that need the certificate are skipped (nginx itself fails to start if it cannot load it)` });
        }
      }
      return findings;
    },
  },
});
