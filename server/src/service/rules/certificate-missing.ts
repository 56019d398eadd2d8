import type { Rule, RuleFinding, RuleContext } from './rule';
import type { Fix } from '../diagnostics';
import { insertIntoBlock } from '../fixes/directiveEdits';
import { directiveSpan, tokenSpan } from '../model/locations';
import { describeServer, effective, effectiveValue, isOn, type HttpServer, type Placed } from '../model/serverModel';
import { describePathValue, readConfiguredFile, resolveConfigPath } from '../model/serverCertificates';
import type { CertificateInfo } from '../certificates';
import { capitalize } from '../quote';
import { samePublicKey } from '../certificates/issuer';
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

/** The first certificate of a file the config names, when certificates are read and it can be. */
function leafOf(context: RuleContext, placed: Placed): CertificateInfo | undefined {
  const value = placed.directive.args[0]?.value;
  if (!context.settings.readCertificates || value === undefined || value.includes('$') || value.startsWith('data:')) return undefined;
  const tree = context.model.tree;
  const read = readConfiguredFile(tree, resolveConfigPath(tree, value));
  return read.kind === 'ok' ? read.chain[0] : undefined;
}

/**
 * A server that sets its own ssl_certificate but takes ssl_certificate_key from http {}: nginx
 * merges each directive on its own (ngx_http_ssl_merge_srv_conf), so the server's certificate is
 * loaded with http {}'s key. Unless that key is also this certificate's (the same public key as
 * the http {} certificate it was set for), nginx -t fails (measured by an audit, nginx 1.22.1).
 */
function keyFromHttp(server: HttpServer, context: RuleContext): RuleFinding | undefined {
  const certificates = effective(server, 'ssl_certificate');
  const keys = effective(server, 'ssl_certificate_key');
  if (!certificates || !keys || certificates.inherited || !keys.inherited || certificates.placed.length > keys.placed.length) return undefined;
  const httpCertificates = server.inherited.get('ssl_certificate') ?? [];
  for (let i = 0; i < certificates.placed.length; i++) {
    const own = certificates.placed[i];
    const key = keys.placed[i];
    const partner = httpCertificates[i];
    const ownLeaf = leafOf(context, own);
    const partnerLeaf = partner && leafOf(context, partner);
    const keyName = key.directive.args[0]?.value ?? '';
    const certificate = describePathValue(own.directive.args[0]?.value ?? '', 'certificate');
    if (ownLeaf && partnerLeaf && samePublicKey(ownLeaf, partnerLeaf)) continue;
    const known = ownLeaf !== undefined && partnerLeaf !== undefined;
    const whose = partner ? ` (set there for ${describePathValue(partner.directive.args[0]?.value ?? '', 'certificate')}${known ? ', whose public key differs' : ''})` : '';
    return {
      ...directiveSpan(own.anchor),
      severity: known ? 'error' : 'warning',
      message: `${capitalize(certificate)} is set in this server, but its key comes from http {} ("${keyName}"${whose}): nginx pairs them, so ${known ? '' : 'unless that key is also this certificate\'s, '}nginx -t fails with SSL_CTX_use_PrivateKey("${keyName}") failed (... key values mismatch). Set ssl_certificate_key beside ssl_certificate`,
      fixes: [],
      related: [{ ...directiveSpan(key.anchor), message: 'the key this server inherits' }],
    };
  }
  return undefined;
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
  summary: 'The default server of a TLS address has no ssl_certificate, or an ssl_certificate has no ssl_certificate_key (or takes another certificate\'s from http {}): nginx refuses to start',
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
      const mixed = keyFromHttp(server, context);
      if (mixed) findings.push(mixed);
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
