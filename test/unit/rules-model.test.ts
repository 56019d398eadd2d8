// The server model the TLS rules stand on: listen sockets and default servers as nginx groups
// them, TLS per socket, inheritance from http {}, includes inside server blocks, the issuer
// lookup of stapling, and session values compared the way nginx reads them.
import { beforeNow, calendarDays, fromNow } from '../../server/src/service/rules/support/certificateDates';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { parseConfig } from '../../server/src/service/parser/parseConfig';
import { effective, parseListen, servesCertificates, type ServerModel } from '../../server/src/service/model/serverModel';
import { parseNginxTime, sessionValue } from '../../server/src/service/rules/support/sessionSettings';
import type { RuleContext } from '../../server/src/service/rules/rule';
import { createRuleContext } from '../../server/src/service/analyzeTree';
import { checkPaths } from '../../server/src/service/checkPaths';
import { LineIndex } from '../../server/src/service/lineIndex';
import { createTestPki } from '../support/pki';

let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-model-'));
  fs.mkdirSync(path.join(dir, 'certs'));
  await createTestPki(path.join(dir, 'certs'), { ocspUrl: 'http://localhost:8888/' });
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes files (by path relative to a fresh prefix) and loads nginx.conf from there. */
function load(files: Record<string, string>): { model: ServerModel; context: RuleContext; prefix: string } {
  const prefix = fs.mkdtempSync(path.join(dir, 'conf-'));
  fs.symlinkSync(path.join(dir, 'certs'), path.join(prefix, 'certs'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(prefix, name)), { recursive: true });
    fs.writeFileSync(path.join(prefix, name), text);
  }
  const tree = loadConfig(path.join(prefix, 'nginx.conf'), { host: createNodeHost() });
  const context = createRuleContext(tree);
  return { model: context.model, context, prefix };
}

function http(body: string): Record<string, string> {
  return { 'nginx.conf': `events {}\nhttp {\n${body}\n}\n` };
}

function listenOf(text: string) {
  const parsed = parseConfig(`listen ${text};`, '/x.conf');
  return parseListen(parsed.directives[0]);
}

function nameOf(model: ServerModel, index: number): string {
  return model.servers[index].names[0]?.value ?? '';
}

describe('listen sockets', () => {
  test('listen 443, *:443 and 0.0.0.0:443 are one socket; [::]:443 and addresses are others', () => {
    assert.equal(listenOf('443').socket, '0.0.0.0:443');
    assert.equal(listenOf('*:443 ssl').socket, '0.0.0.0:443');
    assert.equal(listenOf('0.0.0.0:443 ssl default_server').socket, '0.0.0.0:443');
    assert.equal(listenOf('[::]:443 ssl ipv6only=on').socket, '[::]:443');
    assert.equal(listenOf('[::1]:443').socket, '[::1]:443');
    assert.equal(listenOf('127.0.0.1:443').socket, '127.0.0.1:443');
    assert.equal(listenOf('localhost:443').socket, '127.0.0.1:443');
    // One address written in several ways is one socket (measured: nginx -t reports a duplicate default server for each pair).
    assert.equal(listenOf('127.000.000.001:443').socket, '127.0.0.1:443');
    assert.equal(listenOf('[0::0]:443').socket, '[::]:443');
    assert.equal(listenOf('[0:0:0:0:0:0:0:1]:443').socket, '[::1]:443');
    assert.equal(listenOf('[2001:DB8:0::1]:443').socket, '[2001:db8::1]:443');
    assert.equal(listenOf('[fe80::1%eth0]:443').socket, '[fe80::1%eth0]:443');
    assert.equal(listenOf('300.0.0.1:443').socket, '300.0.0.1:443');
    assert.equal(listenOf('127.0.0.1').socket, '127.0.0.1:80');
    assert.equal(listenOf('unix:/run/nginx.sock').socket, 'unix:/run/nginx.sock');
    assert.equal(listenOf('443 quic reuseport').socket, 'udp 0.0.0.0:443');
    assert.equal(listenOf('443 ssl').ssl, true);
    assert.equal(listenOf('443 default').defaultServer, true);
  });

  test('the default server is the one marked default_server, else the first, in include order', () => {
    const { model } = load({
      ...http('    include sites/*.conf;\n    server { listen 0.0.0.0:443 ssl; server_name c; }'),
      'sites/b.conf': 'server { listen 443 ssl default_server; server_name b; }\n',
      'sites/a.conf': 'server { listen 443 ssl; server_name a; }\nserver { listen [::]:443 ssl; server_name a6; }\n',
    });
    assert.deepEqual(model.servers.map((s) => s.names[0].value), ['a', 'a6', 'b', 'c']);
    const v4 = model.sockets.find((s) => s.socket === '0.0.0.0:443');
    assert.equal(v4?.defaultServer.names[0].value, 'b');
    assert.deepEqual(v4?.servers.map((s) => s.names[0].value), ['a', 'b', 'c']);
    assert.equal(model.sockets.find((s) => s.socket === '[::]:443')?.defaultServer.names[0].value, 'a6');
  });

  test('ssl on any listen of a socket makes every server of that socket TLS', () => {
    const { model } = load(http('    server { listen 443; server_name plain; }\n    server { listen 443 ssl; server_name tls; }\n    server { listen 80; server_name web; }'));
    assert.deepEqual(model.servers.map((s) => s.tls), [true, true, false]);
  });

  test('"ssl on" counts in the default server of a socket only', () => {
    const { model } = load(http('    server { listen 8080; server_name a; }\n    server { listen 8080; server_name b; ssl on; }\n    server { listen 8081; server_name c; ssl on; }\n    server { listen 8081; server_name d; }'));
    assert.deepEqual(model.servers.map((s) => [nameOf(model, model.servers.indexOf(s)), s.tls]), [['a', false], ['b', false], ['c', true], ['d', true]]);
  });

  test('a server without listen joins *:80', () => {
    const { model } = load(http('    server { server_name implicit; }\n    server { listen 80 default_server; server_name explicit; }'));
    const socket = model.sockets.find((s) => s.socket === '0.0.0.0:80');
    assert.deepEqual(socket?.servers.map((s) => s.names[0].value), ['implicit', 'explicit']);
    assert.equal(socket?.defaultServer.names[0].value, 'explicit');
  });

  test('ssl_reject_handshake servers hand out no certificate', () => {
    const { model } = load(http('    server { listen 443 ssl default_server; ssl_reject_handshake on; }\n    server { listen 443 ssl; server_name a; }'));
    assert.deepEqual(model.servers.map(servesCertificates), [false, true]);
  });
});

describe('settings in effect', () => {
  test('http {} settings are inherited unless the server sets its own; a server replaces every ssl_certificate', () => {
    const { model } = load(http([
      '    ssl_certificate certs/ocsp.chain.crt;',
      '    ssl_certificate certs/no-ocsp.chain.crt;',
      '    ssl_stapling on;',
      '    server { listen 443 ssl; server_name inherits; }',
      '    server { listen 443 ssl; server_name own; ssl_certificate certs/expired.chain.crt; ssl_stapling off; }',
    ].join('\n')));
    const [inherits, own] = model.servers;
    assert.equal(effective(inherits, 'ssl_certificate')?.placed.length, 2);
    assert.equal(effective(inherits, 'ssl_certificate')?.inherited, true);
    assert.deepEqual(effective(own, 'ssl_certificate')?.placed.map((p) => p.directive.args[0].value), ['certs/expired.chain.crt']);
    assert.equal(effective(own, 'ssl_stapling')?.placed[0].directive.args[0].value, 'off');
  });

  test('a directive from a file included into a server block is anchored at the include', () => {
    const { model } = load({
      ...http('    server { listen 443 ssl; server_name a;\n        include snippets/tls.conf;\n    }'),
      'snippets/tls.conf': 'ssl_certificate certs/must-staple.chain.crt;\nssl_certificate_key certs/must-staple.key;\n',
    });
    const placed = model.servers[0].own.get('ssl_certificate')?.[0];
    assert.equal(placed?.anchor.name, 'include');
    assert.equal(path.basename(placed?.directive.file ?? ''), 'tls.conf');
  });

  test('a finding about a certificate from an included file points at the include and relates the directive', () => {
    const { prefix } = load({
      ...http('    server { listen 443 ssl; server_name must-staple.test;\n        include snippets/tls.conf;\n    }'),
      'snippets/tls.conf': 'ssl_certificate certs/must-staple.chain.crt;\nssl_certificate_key certs/must-staple.key;\n',
    });
    const conf = path.join(prefix, 'nginx.conf');
    const found = checkPaths([conf], createNodeHost(), {}).diagnostics.filter((d) => d.code === 'must-staple-without-stapling');
    assert.equal(found.length, 1);
    const text = fs.readFileSync(conf, 'utf8');
    assert.equal(found[0].file, conf);
    assert.equal(text.slice(found[0].start, found[0].end), 'snippets/tls.conf');
    assert.equal(new LineIndex(text).positionAt(found[0].start).line, 3);
    assert.equal(path.basename(found[0].related[0]?.file ?? ''), 'tls.conf');
  });
});

describe('the issuer nginx needs for stapling', () => {
  const cases: [string, string, string][] = [
    ['the chain in the file', 'ssl_certificate certs/ocsp.chain.crt;', 'chain'],
    ['the leaf alone', 'ssl_certificate certs/ocsp.crt;', 'missing'],
    ['ssl_trusted_certificate with the issuer', 'ssl_certificate certs/ocsp.crt; ssl_trusted_certificate certs/ca-chain.crt;', 'trusted'],
    ['ssl_trusted_certificate without it', 'ssl_certificate certs/ocsp.crt; ssl_trusted_certificate certs/root.crt;', 'missing'],
    ['an unreadable trust file', 'ssl_certificate certs/ocsp.crt; ssl_trusted_certificate certs/none.crt;', 'unknown'],
    ['ssl_client_certificate while verifying clients', 'ssl_certificate certs/ocsp.crt; ssl_client_certificate certs/intermediate.crt; ssl_verify_client optional;', 'trusted'],
    ['ssl_client_certificate without client verification', 'ssl_certificate certs/ocsp.crt; ssl_client_certificate certs/intermediate.crt;', 'missing'],
  ];
  for (const [name, directives, expected] of cases) {
    test(name, () => {
      const { model, context } = load(http(`    server { listen 443 ssl; server_name ocsp.test; ${directives} ssl_stapling on; }`));
      const facts = context.stapling(model.servers[0]);
      assert.equal(facts.issuerOf(facts.certificates[0]), expected);
    });
  }
});

describe('session values', () => {
  test('nginx times', () => {
    assert.equal(parseNginxTime('1440m'), parseNginxTime('1d'));
    assert.equal(parseNginxTime('1h 30m'), 90 * 60_000);
    assert.equal(parseNginxTime('300'), parseNginxTime('5m'));
    assert.equal(parseNginxTime('500ms'), 500);
    assert.equal(parseNginxTime('soon'), undefined);
  });

  test('equal settings written differently compare equal, nginx defaults included', () => {
    const { model, context } = load(http([
      '    server { listen 443 ssl; server_name a; ssl_session_cache shared:SSL:10m; ssl_session_timeout 300; }',
      '    server { listen 443 ssl; server_name b; ssl_session_cache shared:SSL:10240k; ssl_session_timeout 5m; }',
      '    server { listen 443 ssl; server_name c; ssl_session_cache shared:Other:10m; ssl_session_tickets OFF; }',
    ].join('\n')));
    const [a, b, c] = model.servers;
    const key = (s: typeof a, name: string): string => sessionValue(s, name, context).key;
    assert.equal(key(a, 'ssl_session_cache'), key(b, 'ssl_session_cache'));
    assert.equal(key(a, 'ssl_session_timeout'), key(b, 'ssl_session_timeout'));
    assert.equal(key(c, 'ssl_session_timeout'), key(a, 'ssl_session_timeout'), 'unset means nginx default 5m');
    assert.notEqual(key(c, 'ssl_session_cache'), key(a, 'ssl_session_cache'));
    assert.equal(key(c, 'ssl_session_tickets'), 'off');
    assert.equal(key(a, 'ssl_session_tickets'), 'on');
  });
});

test('days in expiry messages are counted by the dates printed, not by 24-hour periods', () => {
  const now = new Date('2026-11-30T00:12:00Z');
  assert.equal(fromNow(now, new Date('2026-12-10T00:00:00Z')), 'in 10 days', '9.99 days ahead, on the 10th');
  assert.equal(fromNow(now, new Date('2026-11-30T23:59:00Z')), 'today');
  assert.equal(fromNow(now, new Date('2026-12-01T00:01:00Z')), 'tomorrow');
  assert.equal(beforeNow(now, new Date('2026-11-01T00:00:00Z')), '29 days ago', '29.01 days before, on the 1st');
  assert.equal(beforeNow(now, new Date('2026-11-29T23:00:00Z')), 'yesterday');
  assert.equal(calendarDays(new Date('2026-02-28T23:00:00Z'), new Date('2026-03-01T01:00:00Z')), 1);
});
