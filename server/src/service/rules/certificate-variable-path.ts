import { serverRule, type RuleFinding } from './rule';
import { pathSpan } from '../model/locations';
import { describePathValue } from '../model/serverCertificates';
import { effective } from '../model/serverModel';

/**
 * An `ssl_certificate` or `ssl_certificate_key` path with variables: nginx loads the server's
 * certificates per handshake (ngx_http_ssl_compile_certificates), staples none of them and logs
 * nothing about it.
 */
export const certificateVariablePath = serverRule({
  id: 'certificate-variable-path',
  defaultSeverity: 'information',
  summary: 'The ssl_certificate or ssl_certificate_key path contains variables: certificates loaded per handshake, no OCSP stapling',
  perServer: {
    servers: 'http',
    check(server, context) {
      const findings: RuleFinding[] = [];
      const certificates = context.certificates(server);
      for (const cert of certificates) {
        if (cert.kind !== 'unknown' || cert.reason !== 'variable') continue;
        findings.push({ ...pathSpan(cert.placed), message: cert.message });
      }
      if (certificates.length === 0 || certificates.some((c) => c.kind === 'unknown' && c.reason === 'variable')) return findings;
      // Only the key has variables: the certificates are checked, but never stapled.
      for (const placed of effective(server, 'ssl_certificate_key')?.placed ?? []) {
        const value = placed.directive.args[0]?.value ?? '';
        if (!value.includes('$')) continue;
        findings.push({
          ...pathSpan(placed),
          message: `${describePathValue(value, 'certificate key')} has variables, so nginx loads this server's certificates per handshake: it does no OCSP stapling for them, and logs no warning about it`,
        });
      }
      return findings;
    },
  },
});
