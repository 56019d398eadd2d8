import type { Fix } from '../../diagnostics';
import type { RuleContext, RuleFinding } from '../rule';
import { insertIntoBlock, replaceArguments } from '../../fixes/directiveEdits';
import { anchorSpan, directiveSpan, relatedIfIncluded } from '../../model/locations';
import { describeServer, effectiveValue, type HttpServer, type ListenSocket } from '../../model/serverModel';
import { sharedKeyOfOthers, socketsByDefaultServer, socketsDefaultedBy } from './sessionSettings';

/** A setting nginx takes from the default server of an address, whatever the virtual server says. */
export interface DefaultServerSetting {
  directive: string;
  /** A comparable key of a value as written (e.g. order and case ignored where nginx ignores them). */
  keyOf(value: string): string;
  /** How to name the value in effect when a server sets none (nginx's default). */
  describeDefault(context: RuleContext): string;
  /** keyOf nginx's default value, where it is known (it may depend on the nginx version). */
  defaultKey(context: RuleContext): string | undefined;
  /** What is decided before SNI picks the server, for messages ("the TLS version"). */
  decides: string;
}

interface Value {
  key: string;
  text: string;
  set: boolean;
}

function valueOf(server: HttpServer, spec: DefaultServerSetting, context: RuleContext): Value {
  const v = effectiveValue(server, spec.directive);
  if (!v) return { key: spec.defaultKey(context) ?? '(default)', text: '', set: false };
  return { key: spec.keyOf(v.value), text: v.value, set: true };
}

/**
 * Gives the default server of `sockets` the value of `source`, where it takes effect; only when
 * every other server of every socket it is default for asks for the same (else another would
 * change), and never through an included file.
 */
function alignFix(spec: DefaultServerSetting, sockets: ListenSocket[], source: HttpServer, context: RuleContext): Fix | undefined {
  const target = sockets[0].defaultServer;
  const wanted = valueOf(source, spec, context);
  // Every socket the default server is default for changes, not only those of `sockets`.
  if (socketsDefaultedBy(context, target).some((socket) => sharedKeyOfOthers(context, socket, spec.directive, (s) => valueOf(s, spec, context).key) !== wanted.key)) return undefined;
  const own = target.own.get(spec.directive);
  const title = `Use "${spec.directive} ${wanted.text}" in the default server of ${sockets.map((k) => k.socket).join(', ')} (${describeServer(target, context.model.tree)})`;
  if (own?.length) {
    const last = own[own.length - 1];
    if (own.length !== 1 || last.anchor !== last.directive) return undefined;
    const edit = replaceArguments(last.directive, wanted.text);
    return edit ? { title, edits: [edit] } : undefined;
  }
  const edit = insertIntoBlock(context.model.tree, target.directive, [`${spec.directive} ${wanted.text};`]);
  return edit ? { title, edits: [edit] } : undefined;
}

/**
 * The findings for a setting made in a server that is not the default server of a TLS address,
 * when it differs from the default server's: nginx uses the default server's (the handshake has
 * chosen it before SNI selects the server).
 */
export function checkSettingFromDefaultServer(context: RuleContext, spec: DefaultServerSetting): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const tree = context.model.tree;
  for (const server of context.model.servers) {
    const own = server.own.get(spec.directive);
    if (!own?.length) continue;
    const mine = valueOf(server, spec, context);
    for (const { defaultServer, sockets } of socketsByDefaultServer(context, server)) {
      const theirs = valueOf(defaultServer, spec, context);
      if (theirs.key === mine.key) continue;
      const on = sockets.map((s) => s.socket).join(', ');
      const last = own[own.length - 1];
      const theirPlaced = effectiveValue(defaultServer, spec.directive)?.placed;
      const fix = alignFix(spec, sockets, server, context);
      findings.push({
        ...anchorSpan(last),
        message: `"${spec.directive} ${mine.text}" does not take effect for ${describeServer(server, tree)}: ${spec.decides} is chosen on ${on} before SNI picks this server, with the value of the default server (${describeServer(defaultServer, tree)}): ${theirs.set ? `"${spec.directive} ${theirs.text}"` : spec.describeDefault(context)}; set the same there or in http {}`,
        fixes: fix ? [fix] : [],
        related: [
          ...relatedIfIncluded(last, `${spec.directive} is set here`),
          { ...directiveSpan(theirPlaced ? theirPlaced.directive : sockets[0].defaultListen.directive), message: `the default server of ${on}` },
        ],
      });
    }
  }
  return findings;
}
