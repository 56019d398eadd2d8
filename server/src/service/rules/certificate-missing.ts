import type { Rule, RuleFinding, RuleContext } from './rule';
import type { Fix } from '../diagnostics';
import { insertIntoBlock } from '../fixes/directiveEdits';
import { directiveSpan, tokenSpan } from '../model/locations';
import { describeServer, effective, isOn, type HttpServer } from '../model/serverModel';

/** Whether a server only catches unknown names: no literal server_name (empty, `_` or none). */
function isCatchAll(server: HttpServer): boolean {
  return server.names.every((n) => n.value === '' || n.value === '_');
}

/** Whether an `include` of the server (or of `http`) loaded nothing: its certificate may be there. */
function hasUnresolvedInclude(server: HttpServer, context: RuleContext): boolean {
  const includes = [...(server.own.get('include') ?? []), ...(server.inherited.get('include') ?? [])];
  return includes.some((p) => (context.model.tree.includes.get(p.directive)?.length ?? 0) === 0);
}

/** For a catch-all default server, refusing handshakes needs no certificate (nginx 1.19.4+). */
function rejectHandshakeFix(server: HttpServer, context: RuleContext): Fix | undefined {
  const isDefault = context.model.sockets.some((s) => s.defaultServer === server);
  if (!isDefault || !isCatchAll(server)) return undefined;
  const edit = insertIntoBlock(context.model.tree, server.directive, ['ssl_reject_handshake on;']);
  return edit ? { title: 'Refuse TLS handshakes in this catch-all server (ssl_reject_handshake on, nginx 1.19.4+)', edits: [edit] } : undefined;
}

function hasCertificate(server: HttpServer): boolean {
  return (effective(server, 'ssl_certificate')?.placed.length ?? 0) > 0;
}

/**
 * What `nginx -t` refuses about certificates (ngx_http_ssl_init, ngx_http_ssl_merge_srv_conf):
 * the default server of an ssl address without a certificate (unless it rejects handshakes, in
 * which case every server of that address needs one or must reject too), and a certificate
 * without a key. A non-default server without a certificate is accepted by nginx.
 */
export const certificateMissing: Rule = {
  id: 'certificate-missing',
  defaultSeverity: 'error',
  summary: 'The default server of a TLS address has no ssl_certificate, or an ssl_certificate has no ssl_certificate_key: nginx refuses to start',
  check(context) {
    const findings: RuleFinding[] = [];
    const reported = new Set<HttpServer>();
    const report = (server: HttpServer, socket: string, why: string, fix: Fix | undefined): void => {
      if (reported.has(server) || hasUnresolvedInclude(server, context)) return;
      reported.add(server);
      const ssl = server.listens.find((l) => l.socket === socket) ?? server.listens[0];
      findings.push({
        ...tokenSpan(server.directive, server.directive.nameToken),
        message: `${describeServer(server, context.model.tree)} ${why} on ${socket} but has no ssl_certificate: nginx -t fails with no "ssl_certificate" is defined for the "listen ... ssl" directive`,
        fixes: fix ? [fix] : [],
        related: ssl ? [{ ...directiveSpan(ssl.directive), message: `the listen of ${socket}` }] : [],
      });
    };
    for (const socket of context.model.sockets) {
      if (!socket.servers.some((s) => s.listens.some((l) => l.socket === socket.socket && l.ssl))) continue;
      const def = socket.defaultServer;
      if (hasCertificate(def)) continue;
      if (!isOn(def, 'ssl_reject_handshake', false)) {
        report(def, socket.socket, 'is the default server of a TLS address', rejectHandshakeFix(def, context));
        continue;
      }
      for (const server of socket.servers) {
        if (server === def || hasCertificate(server) || isOn(server, 'ssl_reject_handshake', false)) continue;
        report(server, socket.socket, 'shares a TLS address whose default server rejects handshakes', undefined);
      }
    }
    for (const server of context.model.servers) {
      const certificates = effective(server, 'ssl_certificate')?.placed ?? [];
      const keys = effective(server, 'ssl_certificate_key')?.placed ?? [];
      if (certificates.length <= keys.length) continue;
      const lonely = certificates[keys.length];
      findings.push({
        ...directiveSpan(lonely.anchor),
        message: `the certificate "${lonely.directive.args[0]?.value ?? ''}" has no ssl_certificate_key: nginx -t fails with no "ssl_certificate_key" is defined for certificate`,
      });
    }
    return findings;
  },
};
