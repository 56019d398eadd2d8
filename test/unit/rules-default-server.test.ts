// Settings a virtual server takes from its socket's default server: when two values are the same
// for nginx, and what the messages promise. Measured with nginx 1.22.1 and OpenSSL 3 on loopback
// (openssl s_client -servername ... -tls1_2 / -tls1_3 / -groups / -sess_out / -sess_in).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { analyzeTree } from '../../server/src/service/analyzeTree';
import type { AnalysisSettings } from '../../server/src/service/settings';
import { createMemoryHost } from '../support/memoryHost';

const MAIN = '/etc/nginx/nginx.conf';

/** A default server and one virtual server on 443, each with its own lines. */
function config(defaultLines: string[], vhostLines: string[]): string {
  const server = (name: string, listen: string, lines: string[]): string => `    server {\n        listen ${listen};\n        server_name ${name};\n${lines.map((l) => `        ${l}\n`).join('')}    }\n`;
  return `events {}\nhttp {\n${server('a.test', '443 ssl default_server', defaultLines)}${server('b.test', '443 ssl', vhostLines)}}\n`;
}

function findings(text: string, code: string, settings: Partial<AnalysisSettings> = {}): { message: string; fixes: number }[] {
  const tree = loadConfig(MAIN, { host: createMemoryHost({ [MAIN]: text }) });
  return analyzeTree(tree, { readCertificates: false, ...settings }).filter((d) => d.code === code).map((d) => ({ message: d.message, fixes: d.fixes.length }));
}

test('ssl_protocols in a virtual server equal to the default server\'s nginx default: nothing to report when the nginx version says what that default is', () => {
  const legacy = config([], ['ssl_protocols TLSv1 TLSv1.1 TLSv1.2;']);
  assert.deepEqual(findings(legacy, 'protocols-from-default-server', { nginxVersion: '1.22.1' }), []);
  assert.equal(findings(legacy, 'protocols-from-default-server', { nginxVersion: '1.24.0' }).length, 1);
  const modern = config([], ['ssl_protocols TLSv1.3 TLSv1.2;']);
  assert.deepEqual(findings(modern, 'protocols-from-default-server', { nginxVersion: '1.24.0' }), []);
  const [old] = findings(modern, 'protocols-from-default-server', { nginxVersion: '1.22.1' });
  assert.match(old.message, /nginx 1\.22\.1's default, TLSv1 TLSv1\.1 TLSv1\.2: no TLS 1\.3 at all on this address/);
  // Version unknown: the default cannot be compared, so a list is reported, and the message says what depends on the version.
  assert.match(findings(modern, 'protocols-from-default-server')[0]?.message ?? '', /no TLS 1\.3 before nginx 1\.23\.4/);
});

test('ssl_ecdh_curve: a group\'s other names, and auto where the default server sets none, are the same groups', () => {
  assert.deepEqual(findings(config(['ssl_ecdh_curve prime256v1:secp384r1;'], ['ssl_ecdh_curve P-256:P-384;']), 'ecdh-curve-from-default-server'), []);
  assert.deepEqual(findings(config([], ['ssl_ecdh_curve AUTO;']), 'ecdh-curve-from-default-server'), []);
  // The order is the server's preference: another order is another setting.
  assert.equal(findings(config(['ssl_ecdh_curve prime256v1:secp384r1;'], ['ssl_ecdh_curve secp384r1:P-256;']), 'ecdh-curve-from-default-server').length, 1);
});

test('ssl_session_cache: builtin is builtin:20480, and the order of caches does not matter', () => {
  const same = config(['ssl_session_cache builtin shared:S:10m;'], ['ssl_session_cache shared:S:10m builtin:20480;']);
  assert.deepEqual(findings(same, 'session-settings-from-default-server'), []);
  assert.equal(findings(config(['ssl_session_cache builtin;'], ['ssl_session_cache builtin:1000;']), 'session-settings-from-default-server').length, 1);
});

test('tickets on in a virtual server, off in the default server: what TLS 1.3 and TLS 1.2 clients get', () => {
  const [cached] = findings(config(['ssl_session_cache shared:S:1m;', 'ssl_session_tickets off;'], ['ssl_session_tickets on;']), 'session-tickets-mismatch');
  assert.match(cached.message, /TLS 1\.3 clients of this server get tickets that are never accepted \(a full handshake every time\), TLS 1\.2 clients get no ticket and resume by session ID$/);
  const [uncached] = findings(config(['ssl_session_tickets off;'], ['ssl_session_tickets on;']), 'session-tickets-mismatch');
  assert.match(uncached.message, /TLS 1\.2 clients get no ticket and do not resume at all/);
});
