import type { Rule, RuleFinding } from './rule';
import { anchorSpot, directiveSpot, relatedIfIncluded } from '../tls/locations';
import { describeServer, effective, type HttpServer } from '../tls/serverModel';

/** Session settings a virtual server cannot change, with nginx's defaults. */
const SESSION_DIRECTIVES: Record<string, string> = {
  ssl_session_cache: 'none',
  ssl_session_timeout: '5m',
  ssl_session_ticket_key: '(none)',
};

function valueOf(server: HttpServer, name: string): string {
  const e = effective(server, name);
  if (!e) return SESSION_DIRECTIVES[name];
  return e.placed.map((p) => p.directive.args.map((a) => a.value).join(' ')).join('; ');
}

/** Session settings in a non-default server that differ from the default server's: ignored. */
export const sessionSettingsFromDefaultServer: Rule = {
  id: 'session-settings-from-default-server',
  defaultSeverity: 'information',
  summary: 'ssl_session_cache/timeout/ticket_key set in a non-default server differ from the default server and do not take effect',
  check(context) {
    const findings: RuleFinding[] = [];
    for (const socket of context.model.sockets) {
      const def = socket.defaultServer;
      if (!socket.servers.some((s) => s.tls)) continue;
      for (const server of socket.servers) {
        if (server === def) continue;
        for (const name of Object.keys(SESSION_DIRECTIVES)) {
          const own = server.own.get(name);
          if (!own?.length) continue;
          const mine = valueOf(server, name);
          const theirs = valueOf(def, name);
          if (mine === theirs) continue;
          const last = own[own.length - 1];
          const defPlaced = effective(def, name)?.placed;
          findings.push({
            ...anchorSpot(last),
            message: `"${name} ${mine}" does not take effect for ${describeServer(server, context.model.tree)}: sessions on ${socket.socket} are cached and resumed by the default server ${describeServer(def, context.model.tree)}, which has "${name} ${theirs}"`,
            related: [
              ...relatedIfIncluded(last, `${name} is set here`),
              { ...directiveSpot(defPlaced?.length ? defPlaced[defPlaced.length - 1].directive : socket.defaultListen.directive), message: `the default server of ${socket.socket}` },
            ],
          });
        }
      }
    }
    return findings;
  },
};
