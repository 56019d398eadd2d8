import type { Rule, RuleContext, RuleFinding } from './rule';
import { anchorSpan, directiveSpan, relatedIfIncluded } from '../model/locations';
import { describeServer, isOn, type HttpServer } from '../model/serverModel';
import { alignSessionFix, sessionValue, socketsByDefaultServer } from './support/sessionSettings';

/** Whether a server keeps sessions for resumption by ID (`builtin` or `shared:`; nginx's default is none). */
function caches(server: HttpServer, context: RuleContext): boolean {
  return /\b(builtin|shared:)/.test(sessionValue(server, 'ssl_session_cache', context).key);
}

function onOff(on: boolean): string {
  return on ? 'on' : 'off';
}

/**
 * What clients of the virtual server get (measured, nginx 1.22 + OpenSSL 3.0): with tickets off
 * for the site, TLS 1.2 clients resume by session ID only when the default server keeps a cache.
 */
function consequence(vhostOn: boolean, defaultServerCaches: boolean): string {
  if (vhostOn) {
    // Measured: TLS 1.3 gets tickets and comes back "New"; TLS 1.2 gets no ticket (no lifetime hint) and resumes by ID.
    const tls12 = defaultServerCaches ? 'TLS 1.2 clients get no ticket and resume by session ID' : 'TLS 1.2 clients get no ticket and do not resume at all (the default server keeps no ssl_session_cache either)';
    return `TLS 1.3 clients of this server get tickets that are never accepted (a full handshake every time), ${tls12}`;
  }
  const tls12 = defaultServerCaches
    ? 'TLS 1.2 clients fall back to session IDs'
    : 'TLS 1.2 clients do not resume at all either (the default server keeps no ssl_session_cache, so there is no session ID to fall back to)';
  return `TLS 1.3 clients of this server never get a ticket and never resume, ${tls12}, and with OpenSSL before 1.0.2l TLS 1.2 handshakes failed outright (Chrome ERR_SSL_PROTOCOL_ERROR, Firefox SSL_ERROR_RX_UNEXPECTED_NEW_SESSION_TICKET)`;
}

/** A server whose `ssl_session_tickets` differs from its socket's default server. */
export const sessionTicketsMismatch: Rule = {
  id: 'session-tickets-mismatch',
  defaultSeverity: 'warning',
  summary: 'ssl_session_tickets differs from the default server of the same listen socket',
  check(context) {
    const findings: RuleFinding[] = [];
    const tree = context.model.tree;
    for (const server of context.model.servers) {
      const on = isOn(server, 'ssl_session_tickets', true);
      for (const { defaultServer, sockets } of socketsByDefaultServer(context, server)) {
        const defOn = isOn(defaultServer, 'ssl_session_tickets', true);
        if (on === defOn) continue;
        const where = sockets.map((s) => s.socket).join(', ');
        const own = server.own.get('ssl_session_tickets');
        const last = own?.[own.length - 1];
        const listen = server.listens.find((l) => l.socket === sockets[0].socket) ?? server.listens[0];
        const defSetting = defaultServer.own.get('ssl_session_tickets') ?? defaultServer.inherited.get('ssl_session_tickets');
        const fix = alignSessionFix(sockets, server, context);
        findings.push({
          ...(last ? anchorSpan(last) : directiveSpan(listen.directive)),
          message: `ssl_session_tickets is ${onOff(on)} for ${describeServer(server, tree)} but ${onOff(defOn)} in the default server of ${where} (${describeServer(defaultServer, tree)}): resumption runs in the default server's SSL context before SNI picks this server, so ${consequence(on, caches(defaultServer, context))}`,
          fixes: fix ? [fix] : [],
          related: [
            ...(last ? relatedIfIncluded(last, `ssl_session_tickets ${onOff(on)} is set here`) : []),
            { ...directiveSpan(defSetting?.length ? defSetting[defSetting.length - 1].directive : sockets[0].defaultListen.directive), message: `the default server of ${where} has ssl_session_tickets ${onOff(defOn)}` },
          ],
        });
      }
    }
    return findings;
  },
};
