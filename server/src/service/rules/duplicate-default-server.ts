import type { Rule, RuleFinding } from './rule';
import { directiveSpan, tokenSpan } from '../model/locations';
import { describeServer } from '../model/serverModel';

/** The `listen` parameters that make a server the default one (`default` is still accepted in 1.22). */
const DEFAULT_PARAMETERS = new Set(['default_server', 'default']);

/**
 * Two servers marked `default_server` on one address:port, however the address is written
 * (`listen 443`, `*:443` and `0.0.0.0:443` are one socket): nginx -t fails with
 * `a duplicate default server for 0.0.0.0:443` (ngx_http_add_addresses), reported on the second.
 */
export const duplicateDefaultServer: Rule = {
  id: 'duplicate-default-server',
  defaultSeverity: 'error',
  summary: 'Two servers are marked default_server on the same listen address: nginx refuses to start',
  check(context) {
    const findings: RuleFinding[] = [];
    const tree = context.model.tree;
    for (const socket of context.model.sockets) {
      if (socket.socket.startsWith('udp ')) continue;
      const marked = socket.servers.flatMap((server) => server.listens.filter((l) => l.socket === socket.socket && l.defaultServer).slice(0, 1).map((listen) => ({ server, listen })));
      const [first, ...rest] = marked;
      for (const { server, listen } of rest) {
        const token = listen.directive.args.find((a) => DEFAULT_PARAMETERS.has(a.value.toLowerCase()));
        const spot = token ? tokenSpan(listen.directive, token) : directiveSpan(listen.directive);
        const previous = listen.directive.args[listen.directive.args.indexOf(token as never) - 1];
        findings.push({
          ...spot,
          message: `${describeServer(server, tree)} is a second default server for ${socket.socket} (the first is ${describeServer(first.server, tree)}): nginx -t fails with [emerg] a duplicate default server for ${socket.socket}`,
          fixes: token && previous ? [{
            title: `Remove "${token.value}" here (${describeServer(first.server, tree)} stays the default server)`,
            edits: [{ file: listen.directive.file, start: previous.end, end: token.end, newText: '' }],
          }] : [],
          related: [{ ...directiveSpan(first.listen.directive), message: `the first default server of ${socket.socket}` }],
        });
      }
    }
    return findings;
  },
};
