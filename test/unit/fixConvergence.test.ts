// "Fix all" over combinations of the stapling settings one server can have, with real
// certificates and a real fetched OCSP response: the fixes must converge (a second round changes
// nothing) and never add a finding of warning or above. Each rule's fixture checks its own cases;
// this finds the interactions between rules (one rule's fix making another rule speak up, or two
// fixes writing the same directive twice).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clearCertificateCache } from '../../server/src/service/certificates';
import { createTestPki } from '../support/pki';
import { writeOcspResponse } from '../support/lab';
import { fixTwice } from '../support/convergence';
import { checkPaths } from '../../server/src/service/checkPaths';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { planFixes } from '../../server/src/service/fixes/applyFixes';

const MINUTES_PER_WEEK = 7 * 24 * 60;

/** Each dimension: the lines it puts into the config (empty: the directive is absent). */
const DIMENSIONS = {
  certificate: ['must-staple.crt', 'must-staple.chain.crt', 'must-staple-https.chain.crt', 'ocsp.crt', 'ocsp.chain.crt', 'no-ocsp.chain.crt', 'https-ocsp.chain.crt'],
  httpStapling: ['', 'ssl_stapling on;', 'ssl_stapling off;'],
  stapling: ['', 'ssl_stapling on;', 'ssl_stapling off;'],
  verify: ['', 'ssl_stapling_verify on;'],
  trusted: ['', 'ssl_trusted_certificate certs/ca-chain.crt;'],
  resolver: ['', 'http', 'server'],
  responder: ['', 'ssl_stapling_responder http://127.0.0.1:8888/;'],
  file: ['', 'ssl_stapling_file certs/must-staple.chain.crt.ocsp.der;', 'ssl_stapling_file certs/ocsp.week.der;'],
} as const;

type Combination = { [K in keyof typeof DIMENSIONS]: (typeof DIMENSIONS)[K][number] };

function configFor(c: Combination): string {
  const key = c.certificate.replace(/(\.chain)?\.crt$/, '.key');
  const lines = (...list: string[]): string => list.filter((l) => l !== '').map((l) => `        ${l}\n`).join('');
  return [
    'events {}',
    'http {',
    ...(c.resolver === 'http' ? ['    resolver 127.0.0.1 valid=300s;', '    resolver_timeout 5s;'] : []),
    ...(c.httpStapling ? [`    ${c.httpStapling}`] : []),
    '    server {',
    '        listen 443 ssl;',
    '        server_name must-staple.test;',
    `${lines(`ssl_certificate certs/${c.certificate};`, `ssl_certificate_key certs/${key};`, c.stapling, c.verify, c.trusted, c.resolver === 'server' ? 'resolver 127.0.0.1;' : '', c.responder, c.file)}        return 204;`,
    '    }',
    '}',
    '',
  ].join('\n');
}

/** A deterministic random source (mulberry32 with a fixed seed): the same sequence every run. */
function seeded(seed: number): <T>(list: readonly T[]) => T {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (list) => list[Math.floor(next() * list.length)];
}

/** A deterministic sample of all combinations. */
function sample(count: number, seed: number): Combination[] {
  const pick = seeded(seed);
  const out: Combination[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      certificate: pick(DIMENSIONS.certificate),
      httpStapling: pick(DIMENSIONS.httpStapling),
      stapling: pick(DIMENSIONS.stapling),
      verify: pick(DIMENSIONS.verify),
      trusted: pick(DIMENSIONS.trusted),
      resolver: pick(DIMENSIONS.resolver),
      responder: pick(DIMENSIONS.responder),
      file: pick(DIMENSIONS.file),
    });
  }
  return out;
}

let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-convergence-'));
  const certs = path.join(dir, 'certs');
  fs.mkdirSync(certs);
  const pki = await createTestPki(certs, { ocspUrl: 'http://127.0.0.1:8888/' });
  writeOcspResponse(pki, pki.leaves['must-staple'], `${pki.leaves['must-staple'].chain}.ocsp.der`, { validityMinutes: MINUTES_PER_WEEK });
  writeOcspResponse(pki, pki.leaves.ocsp, path.join(certs, 'ocsp.week.der'), { validityMinutes: MINUTES_PER_WEEK });
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('fix all converges and adds no finding, over 400 combinations of stapling settings', () => {
  const failures: string[] = [];
  let fixed = 0;
  for (const combination of sample(400, 20261129)) {
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, configFor(combination));
    clearCertificateCache();
    const result = fixTwice(conf, { now: new Date() });
    if (result.changed.length > 0) fixed++;
    if (result.added.length === 0 && result.changedAgain.length === 0 && !result.unsettled) continue;
    const shown = Object.values(combination).filter((v) => v !== '').join(' | ');
    failures.push(`${shown}\n    added: ${result.added.join('; ')}${result.changedAgain.length ? '\n    a second round changes the file again' : ''}${result.unsettled ? `\n    ${result.unsettled}` : ''}`);
  }
  assert.deepEqual(failures, []);
  // The sample must exercise the fixes, or it proves nothing.
  assert.ok(fixed >= 100, `only ${fixed} of 400 combinations had anything to fix`);
});

test('a Must-Staple server with stapling off and a bad ssl_stapling_file: the error says what is wrong with the file, and offers no fix', () => {
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, configFor({ ...sample(1, 1)[0], certificate: 'must-staple.chain.crt', httpStapling: '', stapling: '', responder: '', file: 'ssl_stapling_file certs/ocsp.week.der;' }));
  clearCertificateCache();
  const error = fixTwice(conf, { now: new Date() }).before.find((d) => d.code === 'must-staple-without-stapling');
  assert.ok(error);
  assert.match(error.message, /but ssl_stapling is not enabled .*\. No quick-fix: nginx reads the ssl_stapling_file only once stapling is on, and this one is bad \(the ssl_stapling_file "certs\/ocsp\.week\.der" answers for another certificate/);
  assert.deepEqual(error.fixes, []);
});

/**
 * Two servers beside a default server that differ from it in session settings. "c" sets only a
 * cache and so gets no fix at first: aligning it means adopting the default server's settings,
 * and the default has no ssl_session_ticket_key to adopt. Once "b"'s fix has given the default
 * server its key, "c"'s fix exists. Found by a random search over socket settings; the editor
 * tests save the same seed (and lspServer.test.ts asks the server for its "fix all").
 */
const TWO_ROUNDS = fs.readFileSync(path.resolve(__dirname, '../e2e/fixtures/workspace/tls/fix-rounds/nginx.conf'), 'utf8');

test('fix all runs round after round until nothing is left to fix, so a second one changes nothing', () => {
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, TWO_ROUNDS);
  clearCertificateCache();
  // One round leaves a fix that only the first round made possible.
  const once = planFixes(checkPaths([conf], createNodeHost(), {}).diagnostics, (f) => (f === conf ? TWO_ROUNDS : undefined));
  const afterOnce = once.files.get(conf);
  assert.ok(afterOnce);
  fs.writeFileSync(conf, afterOnce);
  assert.ok(planFixes(checkPaths([conf], createNodeHost(), {}).diagnostics, (f) => (f === conf ? afterOnce : undefined)).files.size > 0, 'a second round has something to fix');

  fs.writeFileSync(conf, TWO_ROUNDS);
  const result = fixTwice(conf);
  assert.equal(result.unsettled, undefined);
  assert.deepEqual(result.changedAgain, []);
  assert.deepEqual(result.added, []);
  const left = result.after.filter((d) => d.code === 'session-settings-from-default-server').map((d) => d.message);
  assert.deepEqual(left, []);
});

/** Settings one listen socket's servers share through their default server, with values that differ. */
const SOCKET_SETTINGS = [
  ['', '', 'ssl_session_tickets off;', 'ssl_session_tickets on;'],
  ['', '', 'ssl_session_cache shared:A:10m;', 'ssl_session_cache shared:B:1m;', 'ssl_session_cache none;', 'ssl_session_cache off;'],
  ['', '', 'ssl_session_timeout 1h;', 'ssl_session_timeout 5m;'],
  ['', '', 'ssl_protocols TLSv1.2 TLSv1.3;', 'ssl_protocols TLSv1.3;'],
  ['', '', 'ssl_ecdh_curve X25519:prime256v1;', 'ssl_ecdh_curve auto;'],
  ['', '', 'ssl_session_ticket_key certs/ticket.key;'],
] as const;

test('fix all converges and adds no finding, over 300 trees of three servers on shared sockets with a shared include', () => {
  const pick = seeded(443);
  const settings = (): string[] => SOCKET_SETTINGS.map((values) => pick(values)).filter((line) => line !== '');
  const conf = path.join(dir, 'nginx.conf');
  const options = path.join(dir, 'options-ssl.conf');
  const failures: string[] = [];
  let fixed = 0;
  for (let i = 0; i < 300; i++) {
    const shared = settings();
    const name = (line: string): string => line.split(' ')[0];
    const defaultServer = pick(['', 'a', 'b', 'c']);
    const server = (id: string, listen: string): string => {
      const include = pick([false, true]);
      // An own directive beside the same one from the include would be a duplicate (nginx -t fails).
      const own = settings().filter((line) => !include || !shared.some((s) => name(s) === name(line)));
      const lines = [`listen ${listen} ssl${defaultServer === id ? ' default_server' : ''};`, `server_name ${id}.no-ocsp.test;`, 'ssl_certificate certs/no-ocsp.chain.crt;', 'ssl_certificate_key certs/no-ocsp.key;', ...(include ? ['include options-ssl.conf;'] : []), ...own, 'return 204;'];
      return `    server {\n${lines.map((l) => `        ${l}\n`).join('')}    }\n`;
    };
    const http = pick(['', '', 'ssl_session_tickets off;', 'ssl_protocols TLSv1.2;', 'ssl_session_cache shared:H:5m;']);
    const text = `events {}\nhttp {\n${http ? `    ${http}\n` : ''}${server('a', '443')}${server('b', pick(['443', '443', '8443']))}${server('c', pick(['443', '8443', '[::]:443']))}}\n`;
    fs.writeFileSync(options, shared.map((l) => `${l}\n`).join(''));
    fs.writeFileSync(conf, text);
    const result = fixTwice(conf, { now: new Date() });
    if (result.changed.length > 0) fixed++;
    if (result.added.length === 0 && result.changedAgain.length === 0 && !result.unsettled) continue;
    failures.push(`#${i}: ${[...result.added, ...result.changedAgain.map((f) => `changed again: ${f}`), result.unsettled ?? ''].join('; ')}\n--- options-ssl.conf\n${shared.join('\n')}\n--- nginx.conf\n${text}`);
  }
  fs.rmSync(options);
  assert.deepEqual(failures, []);
  assert.ok(fixed >= 100, `only ${fixed} of 300 trees had anything to fix`);
});
