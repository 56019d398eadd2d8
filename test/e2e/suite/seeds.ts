import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestPki, type TestPki } from '../../support/pki';
import { workspaceRoot } from './helpers';

/**
 * The TLS seed situations of test/e2e/fixtures/workspace/tls/. Their certificates are not fixtures: prepareSeeds()
 * generates them (a fresh test PKI per seed, so expiry dates are always current) into each seed's certs/ of the
 * workspace copy, before any test opens a seed file.
 */
export const SEEDS = {
  /** A Must-Staple certificate without ssl_stapling. */
  mustStaple: 'tls/must-staple/nginx.conf',
  /** ssl_stapling on, OCSP responder named by host name, no resolver. */
  resolver: 'tls/resolver/nginx.conf',
  /** etc/nginx/nginx.conf + sites-enabled/{default,shop.test} + certbot's etc/letsencrypt/options-ssl-nginx.conf. */
  ticketsMain: 'tls/tickets/etc/nginx/nginx.conf',
  ticketsSite: 'tls/tickets/etc/nginx/sites-enabled/shop.test',
  ticketsDefault: 'tls/tickets/etc/nginx/sites-enabled/default',
  ticketsOptions: 'tls/tickets/etc/letsencrypt/options-ssl-nginx.conf',
  /** Two servers, each with a fixable problem, for "fix all on save". */
  fixAll: 'tls/fix-all/nginx.conf',
  /** Three servers on one socket whose session-settings fixes take two rounds. */
  fixRounds: 'tls/fix-rounds/nginx.conf',
} as const;

/** The expected text of a seed file after its fix, in the seed's expected/ folder (tls/SEED/expected/same/path). */
export function expectedOf(seedFile: string): string {
  const [, seed, ...rest] = seedFile.split('/');
  return ['tls', seed, 'expected', ...rest].join('/');
}

/** A responder host name: stapling then needs a resolver (never resolved: the analysis does no network). */
const HOST_NAME_OCSP_URL = 'http://ocsp.lab.test:8888/';

let prepared: Promise<void> | undefined;

/** Generates each seed's certificates into the workspace (once per run). */
export function prepareSeeds(): Promise<void> {
  prepared ??= (async () => {
    const certs = (seed: string): string => {
      const dir = path.join(workspaceRoot(), 'tls', seed);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    };
    await createTestPki(certs('must-staple/certs'), { ocspUrl: 'http://127.0.0.1:8888/' });
    await createTestPki(certs('resolver/certs'), { ocspUrl: HOST_NAME_OCSP_URL });
    await createTestPki(certs('fix-all/certs'), { ocspUrl: HOST_NAME_OCSP_URL });
    await createTestPki(certs('fix-rounds/certs'), { dnsNames: { 'no-ocsp': ['a.test', 'b.test', 'c.test'] } });
    const tickets: TestPki = await createTestPki(certs('tickets/etc/nginx/certs'), { dnsNames: { 'no-ocsp': ['shop.test', 'www.shop.test'] } });
    // The certbot-managed site uses Let's Encrypt's layout.
    const live = certs('tickets/etc/letsencrypt/live/shop.test');
    fs.copyFileSync(tickets.leaves['no-ocsp'].chain, path.join(live, 'fullchain.pem'));
    fs.copyFileSync(tickets.leaves['no-ocsp'].key, path.join(live, 'privkey.pem'));
  })();
  return prepared;
}

let copies = 0;

/**
 * A fresh copy of a seed (tls/SEED/, its generated certs/ and expected/ included) under a name of
 * its own, so that a test that edits it never leaves state for another; returns `map`, which turns
 * a seed file's path into the copy's.
 */
export function freshSeedCopy(seedFile: string): { map: (file: string) => string } {
  const [, seed] = seedFile.split('/');
  const copy = `${seed}-copy${++copies}-${process.pid}`;
  fs.cpSync(path.join(workspaceRoot(), 'tls', seed), path.join(workspaceRoot(), 'tls', copy), { recursive: true });
  return { map: (file) => file.replace(`tls/${seed}/`, `tls/${copy}/`) };
}
