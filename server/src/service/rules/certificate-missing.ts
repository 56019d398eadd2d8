import type { Rule, RuleFinding, RuleContext } from './rule';
import type { Fix } from '../diagnostics';
import { insertIntoBlock } from '../fixes/directiveEdits';
import { directiveSpan, tokenSpan } from '../model/locations';
import { describeServer, effective, effectiveValue, isOn, type HttpServer } from '../model/serverModel';
import { isGlobPattern } from '../model/expandGlob';

/** Whether a server only catches unknown names: no literal server_name (empty, `_` or none). */
function isCatchAll(server: HttpServer): boolean {
  return server.names.every((n) => n.value === '' || n.value === '_');
}

/**
 * Whether a plain `include` of the server (or of `http`) could not be loaded: its certificate may
 * be there (that include has its own diagnostic). A glob that matches nothing is no excuse: nginx
 * reads nothing from it either.
 */
function hasUnresolvedInclude(server: HttpServer, context: RuleContext): boolean {
  const includes = [...(server.own.get('include') ?? []), ...(server.inherited.get('include') ?? [])];
  return includes.some((p) => !isGlobPattern(p.directive.args[0]?.value ?? '') && (context.model.tree.includes.get(p.directive)?.length ?? 0) === 0);
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
    const report = (server: HttpServer, socket: string, why: string, fix: Fix | undefined, nginxSays = 'no "ssl_certificate" is defined for the "listen ... ssl" directive'): void => {
      if (reported.has(server) || hasUnresolvedInclude(server, context)) return;
      reported.add(server);
      const ssl = server.listens.find((l) => l.socket === socket) ?? server.listens[0];
      findings.push({
        ...tokenSpan(server.directive, server.directive.nameToken),
        message: `${describeServer(server, context.model.tree)} ${why}, but has no ssl_certificate: nginx -t fails with ${nginxSays}`,
        fixes: fix ? [fix] : [],
        related: ssl ? [{ ...directiveSpan(ssl.directive), message: `the listen of ${socket}` }] : [],
      });
    };
    // ngx_http_ssl_merge_srv_conf, which runs before the listen checks: `ssl on` (own, or inherited
    // from http {}) demands a certificate in every server, default or not (measured, nginx 1.22.1).
    for (const server of context.model.servers) {
      const ssl = effectiveValue(server, 'ssl');
      if (ssl?.value.toLowerCase() !== 'on' || hasCertificate(server) || isOn(server, 'ssl_reject_handshake', false)) continue;
      report(server, server.listens[0]?.socket ?? '', ssl.inherited ? 'inherits "ssl on" from http {}' : 'has "ssl on"', undefined, 'no "ssl_certificate" is defined for the "ssl" directive');
    }
    for (const socket of context.model.sockets) {
      if (!socket.servers.some((s) => s.listens.some((l) => l.socket === socket.socket && l.ssl))) continue;
      const def = socket.defaultServer;
      if (hasCertificate(def)) continue;
      if (!isOn(def, 'ssl_reject_handshake', false)) {
        report(def, socket.socket, `is the default server of the TLS address ${socket.socket}`, rejectHandshakeFix(def, context));
        continue;
      }
      for (const server of socket.servers) {
        if (server === def || hasCertificate(server) || isOn(server, 'ssl_reject_handshake', false)) continue;
        report(server, socket.socket, `shares the TLS address ${socket.socket}, whose default server rejects handshakes`, undefined);
      }
    }
    // A stream server listening with ssl needs its own (or stream {}'s) certificate (ngx_stream_ssl_module).
    for (const server of context.model.streamServers) {
      const listen = server.listens.find((l) => l.ssl);
      if (!listen || hasCertificate(server)) continue;
      report(server, listen.socket, `listens with ssl on ${listen.socket} in stream {}`, undefined);
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
