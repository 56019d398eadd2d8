import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestPki, type LeafName, type TestPki } from './pki';
import { writeOcspResponse } from './lab';

/** The real-world scenario trees (test/fixtures/scenarios/<name>/). */
export const SCENARIOS_DIR = path.resolve(__dirname, '../fixtures/scenarios');

/** Which test leaf each certbot-style `letsencrypt/live/<domain>/` directory holds. */
export const LIVE: Record<string, LeafName> = {
  'shop.example.com': 'must-staple',
  'example.com': 'ocsp',
  'api.example.com': 'ocsp',
  'blog.example.com': 'no-ocsp',
  'wiki.example.com': 'no-ocsp',
};

/** The test PKI with the scenarios' names, its OCSP URL on a host name that resolves offline (stapling then needs a resolver). */
export function createScenarioPki(dir: string): Promise<TestPki> {
  return createTestPki(dir, {
    ocspUrl: 'http://localhost:8888/',
    dnsNames: {
      'must-staple': ['shop.example.com', 'www.shop.example.com'],
      ocsp: ['example.com', 'www.example.com', 'api.example.com'],
      'no-ocsp': ['blog.example.com', 'www.blog.example.com', 'wiki.example.com'],
    },
  });
}

/** A copy of a scenario under `work` with certbot's layout of the test certificates under letsencrypt/live/. */
export function stageScenario(work: string, pki: TestPki, name: string): string {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  fs.cpSync(path.join(SCENARIOS_DIR, name), dir, { recursive: true });
  for (const [domain, leafName] of Object.entries(LIVE)) {
    const leaf = pki.leaves[leafName];
    const live = path.join(dir, 'letsencrypt/live', domain);
    fs.mkdirSync(live, { recursive: true });
    fs.copyFileSync(leaf.crt, path.join(live, 'cert.pem'));
    fs.copyFileSync(pki.intermediate.crt, path.join(live, 'chain.pem'));
    fs.copyFileSync(leaf.chain, path.join(live, 'fullchain.pem'));
    fs.copyFileSync(leaf.key, path.join(live, 'privkey.pem'));
    // What `nginx-tls ocsp-fetch --out fullchain.pem.ocsp.der fullchain.pem` leaves for a
    // Must-Staple certificate (a real `openssl ocsp` response, valid a week).
    if (leaf.mustStaple) writeOcspResponse(pki, leaf, path.join(live, 'fullchain.pem.ocsp.der'), { validityMinutes: 7 * 24 * 60 });
  }
  return dir;
}
