import type { Rule, RuleFinding } from './rule';
import { pathSpan } from '../model/locations';

/** An `ssl_certificate` path with variables: loaded per handshake, never stapled. */
export const certificateVariablePath: Rule = {
  id: 'certificate-variable-path',
  defaultSeverity: 'information',
  summary: 'The ssl_certificate path contains variables: no OCSP stapling, and it cannot be checked here',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const server of context.model.servers) {
      for (const cert of context.certificates(server)) {
        if (cert.kind !== 'unknown' || cert.reason !== 'variable') continue;
        findings.push({ ...pathSpan(cert.placed), message: cert.message });
      }
    }
    return findings;
  },
};
