import type { Rule, RuleFinding, RuleContext } from './rule';
import type { Fix } from '../diagnostics';
import { anchorSpot, directiveSpot } from '../tls/locations';
import { insertIntoBlock, replaceArguments } from '../fixes/directiveEdits';
import { describeServer, isOn, type HttpServer, type ListenSocket } from '../tls/serverModel';

function onOff(on: boolean): string {
  return on ? 'on' : 'off';
}

/** Sets the value in the default server, where it takes effect for the whole socket. */
function alignDefaultServerFix(socket: ListenSocket, wanted: boolean, context: RuleContext): Fix | undefined {
  const target = socket.defaultServer;
  const own = target.own.get('ssl_session_tickets');
  const title = `Set "ssl_session_tickets ${onOff(wanted)}" in the default server of ${socket.socket}`;
  if (own?.length) {
    const last = own[own.length - 1];
    if (last.anchor !== last.directive) return undefined;
    const edit = replaceArguments(last.directive, onOff(wanted));
    return edit ? { title, edits: [edit] } : undefined;
  }
  const edit = insertIntoBlock(context.model.tree, target.directive, [`ssl_session_tickets ${onOff(wanted)};`]);
  return edit ? { title, edits: [edit] } : undefined;
}

function consequence(vhostOn: boolean): string {
  return vhostOn
    ? 'this name hands out tickets that are never accepted'
    : 'TLS 1.3 clients of this name never get a ticket and never resume, and with OpenSSL before 1.0.2l TLS 1.2 handshakes failed outright (Chrome ERR_SSL_PROTOCOL_ERROR, Firefox SSL_ERROR_RX_UNEXPECTED_NEW_SESSION_TICKET)';
}

/** A server whose `ssl_session_tickets` differs from its socket's default server. */
export const sessionTicketsMismatch: Rule = {
  id: 'session-tickets-mismatch',
  defaultSeverity: 'warning',
  summary: 'ssl_session_tickets differs from the default server of the same listen socket',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const socket of context.model.sockets) {
      const def = socket.defaultServer;
      if (!socket.servers.some((s) => s.tls)) continue;
      const defOn = isOn(def, 'ssl_session_tickets', true);
      for (const server of socket.servers) {
        if (server === def) continue;
        const on = isOn(server, 'ssl_session_tickets', true);
        if (on === defOn) continue;
        const own = server.own.get('ssl_session_tickets');
        const listen = server.listens.find((l) => l.socket === socket.socket) as HttpServer['listens'][number];
        const spot = own?.length ? anchorSpot(own[own.length - 1]) : directiveSpot(listen.directive);
        const defSetting = def.own.get('ssl_session_tickets') ?? def.inherited.get('ssl_session_tickets');
        const fix = alignDefaultServerFix(socket, on, context);
        findings.push({
          ...spot,
          message: `ssl_session_tickets is ${onOff(on)} for ${describeServer(server, context.model.tree)} but ${onOff(defOn)} in ${describeServer(def, context.model.tree)}, the default server of ${socket.socket}: resumption runs in the default server's TLS context before SNI picks this server, so ${consequence(on)}`,
          fixes: fix ? [fix] : [],
          related: [{ ...directiveSpot(defSetting?.length ? defSetting[defSetting.length - 1].directive : socket.defaultListen.directive), message: `the default server of ${socket.socket} has ssl_session_tickets ${onOff(defOn)}` }],
        });
      }
    }
    return findings;
  },
};
