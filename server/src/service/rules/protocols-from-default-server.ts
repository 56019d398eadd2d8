import type { Rule, RuleContext, RuleFinding } from './rule';
import type { Fix } from '../diagnostics';
import { insertIntoBlock, replaceArguments } from '../fixes/directiveEdits';
import { anchorSpot, directiveSpot, relatedIfIncluded } from '../model/locations';
import { describeServer, effectiveValue, type HttpServer, type ListenSocket } from '../model/serverModel';
import { sharedKeyOfOthers, socketsByDefaultServer } from './support/sessionSettings';

/** The protocols a server's ssl_protocols names, as a comparable key (order and case ignored). */
function protocolsOf(server: HttpServer): { key: string; text: string; set: boolean } {
  const v = effectiveValue(server, 'ssl_protocols');
  if (!v) return { key: '(default)', text: "nginx's default", set: false };
  const names = v.value.split(/\s+/).filter(Boolean);
  return { key: names.map((n) => n.toLowerCase()).sort().join(' '), text: names.join(' '), set: true };
}

/**
 * Gives the default server of `sockets` the protocols of `source`, where they take effect; only
 * when every other server of those sockets asks for the same (else another would change), and
 * never through an included file.
 */
function alignProtocolsFix(sockets: ListenSocket[], source: HttpServer, context: RuleContext): Fix | undefined {
  const target = sockets[0].defaultServer;
  const wanted = protocolsOf(source);
  if (sockets.some((socket) => sharedKeyOfOthers(context, socket, 'ssl_protocols', (s) => protocolsOf(s).key) !== wanted.key)) return undefined;
  const own = target.own.get('ssl_protocols');
  const title = `Use "ssl_protocols ${wanted.text}" in the default server of ${sockets.map((k) => k.socket).join(', ')} (${describeServer(target, context.model.tree)})`;
  if (own?.length) {
    const last = own[own.length - 1];
    if (own.length !== 1 || last.anchor !== last.directive) return undefined;
    const edit = replaceArguments(last.directive, wanted.text);
    return edit ? { title, edits: [edit] } : undefined;
  }
  const edit = insertIntoBlock(context.model.tree, target.directive, [`ssl_protocols ${wanted.text};`]);
  return edit ? { title, edits: [edit] } : undefined;
}

/**
 * `ssl_protocols` in a server that is not the default server of its address: the TLS version is
 * negotiated in the default server's SSL context, before SNI selects the server, so this server's
 * own list is not what clients get (measured with nginx 1.22 + OpenSSL 3.0 in the probe tests).
 */
export const protocolsFromDefaultServer: Rule = {
  id: 'protocols-from-default-server',
  defaultSeverity: 'warning',
  summary: 'ssl_protocols set in a non-default server differs from the default server\'s and does not take effect',
  check(context) {
    const findings: RuleFinding[] = [];
    const tree = context.model.tree;
    for (const server of context.model.servers) {
      const own = server.own.get('ssl_protocols');
      if (!own?.length) continue;
      const mine = protocolsOf(server);
      for (const { defaultServer, sockets } of socketsByDefaultServer(context, server)) {
        const theirs = protocolsOf(defaultServer);
        if (theirs.key === mine.key) continue;
        const on = sockets.map((s) => s.socket).join(', ');
        const last = own[own.length - 1];
        const theirPlaced = effectiveValue(defaultServer, 'ssl_protocols')?.placed;
        const fix = alignProtocolsFix(sockets, server, context);
        findings.push({
          ...anchorSpot(last),
          message: `"ssl_protocols ${mine.text}" does not take effect for ${describeServer(server, tree)}: the TLS version is chosen on ${on} before SNI picks this server, with the protocols of the default server (${describeServer(defaultServer, tree)}): ${theirs.set ? `"ssl_protocols ${theirs.text}"` : "nginx's default"}; set the same protocols there or in http {}`,
          fixes: fix ? [fix] : [],
          related: [
            ...relatedIfIncluded(last, 'ssl_protocols is set here'),
            { ...directiveSpot(theirPlaced ? theirPlaced.directive : sockets[0].defaultListen.directive), message: `the default server of ${on}` },
          ],
        });
      }
    }
    return findings;
  },
};
