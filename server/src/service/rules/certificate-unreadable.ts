import { serverRule, type RuleFinding } from './rule';
import { pathSpan } from '../model/locations';

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
        findings.push({ ...pathSpan(cert.placed), message: `${cert.message}; the checks that need the certificate are skipped (nginx itself fails to start if it cannot load it)` });
      }
      return findings;
    },
  },
});
