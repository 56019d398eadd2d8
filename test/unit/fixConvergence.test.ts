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

/** A deterministic sample of all combinations (mulberry32 with a fixed seed): the same every run. */
function sample(count: number, seed: number): Combination[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
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
    if (result.added.length === 0 && result.changedAgain.length === 0) continue;
    const shown = Object.values(combination).filter((v) => v !== '').join(' | ');
    failures.push(`${shown}\n    added: ${result.added.join('; ')}${result.changedAgain.length ? '\n    a second round changes the file again' : ''}`);
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
  assert.match(error.message, /but ssl_stapling is not enabled .*\. Mend the file before switching stapling on: the ssl_stapling_file "certs\/ocsp\.week\.der" answers for another certificate/);
  assert.deepEqual(error.fixes, []);
});
