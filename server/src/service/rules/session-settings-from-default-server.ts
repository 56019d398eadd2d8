import type { Rule, RuleFinding } from './rule';
import { anchorSpan, directiveSpan, relatedIfIncluded } from '../model/locations';
import { describeServer } from '../model/serverModel';
import { alignSessionFix, sessionValue, socketsByDefaultServer } from './support/sessionSettings';

/** Session settings a virtual server cannot change (ssl_session_tickets has its own rule). */
const RULE_DIRECTIVES = ['ssl_session_cache', 'ssl_session_timeout', 'ssl_session_ticket_key'];

/** Session settings in a non-default server that differ from the default server's: ignored. */
export const sessionSettingsFromDefaultServer: Rule = {
  id: 'session-settings-from-default-server',
  defaultSeverity: 'information',
  summary: 'ssl_session_cache/timeout/ticket_key set in a non-default server differ from the default server and do not take effect',
  check(context) {
    const findings: RuleFinding[] = [];
    const tree = context.model.tree;
    for (const server of context.model.servers) {
      for (const { defaultServer, sockets } of socketsByDefaultServer(context, server)) {
        const on = sockets.map((s) => s.socket).join(', ');
        for (const name of RULE_DIRECTIVES) {
          const own = server.own.get(name);
          if (!own?.length) continue;
          const mine = sessionValue(server, name, context);
          const theirs = sessionValue(defaultServer, name, context);
          if (mine.key === theirs.key) continue;
          const last = own[own.length - 1];
          const theirPlaced = theirs.placed?.[theirs.placed.length - 1];
          const fix = alignSessionFix(sockets, server, context);
          findings.push({
            ...anchorSpan(last),
            message: `"${name} ${mine.text}" does not take effect for ${describeServer(server, tree)}: sessions on ${on} are cached and resumed in the SSL context of the default server (${describeServer(defaultServer, tree)}), which has "${name} ${theirs.text}"${theirs.placed ? '' : ' (the default)'}`,
            fixes: fix ? [fix] : [],
            related: [
              ...relatedIfIncluded(last, `${name} is set here`),
              { ...directiveSpan(theirPlaced ? theirPlaced.directive : sockets[0].defaultListen.directive), message: `the default server of ${on}` },
            ],
          });
        }
      }
    }
    return findings;
  },
};
