import type { Rule, RuleFinding } from './rule';
import { certificateCoversName } from '../certificates';
import { tokenSpan } from '../model/locations';
import { servesCertificates } from '../model/serverModel';

/** Whether a server_name is a literal host name (not a regex, a catch-all or a variable). */
function literalName(name: string): string | undefined {
  if (name === '' || name === '_' || name.startsWith('~') || name.includes('$')) return undefined;
  if (name.startsWith('.')) return name.slice(1);
  if (name.includes('*') && !name.startsWith('*.')) return undefined;
  return name;
}

/** A literal `server_name` not covered by the server's certificate. */
export const certificateNameMismatch: Rule = {
  id: 'certificate-name-mismatch',
  defaultSeverity: 'warning',
  summary: 'A literal server_name is not covered by the certificate',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const server of context.model.servers) {
      if (!servesCertificates(server)) continue;
      const certs = context.certificates(server).flatMap((c) => (c.kind === 'ok' ? [c] : []));
      if (certs.length === 0) continue;
      const nameDirective = server.own.get('server_name');
      for (const { value, token } of server.names) {
        const name = literalName(value);
        if (!name) continue;
        const cert = certs.find((c) => !certificateCoversName(c.leaf, name));
        if (!cert) continue;
        const directive = nameDirective?.find((p) => p.directive.args.includes(token))?.directive;
        if (!directive) continue;
        const covered = [...cert.leaf.dnsNames, ...cert.leaf.ipAddresses];
        findings.push({
          ...tokenSpan(directive, token),
          message: `"${name}" is not covered by the certificate "${cert.shown}" (${covered.length ? `it covers ${covered.join(', ')}` : `subject ${cert.leaf.subject}`}): browsers show NET::ERR_CERT_COMMON_NAME_INVALID / SSL_ERROR_BAD_CERT_DOMAIN for this name`,
        });
      }
    }
    return findings;
  },
};
