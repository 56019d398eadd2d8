// `nginx-tls ocsp-fetch` against the lab's `openssl ocsp` responder, and a real nginx that serves
// the written file with ssl_stapling_file: stapled from the first handshake (no cold worker).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { bundleCli } from '../support/cliBundle';
import { createTestPki, type TestPki } from '../support/pki';
import { findNginx } from '../support/nginxBinary';
import { LAB_HOST, freeLoopbackPort, startNginx, startOcspResponder, type OcspResponder } from '../support/lab';
import { checkOcspResponse } from '../../server/src/service/certificates/ocsp';

const nginxBinary = findNginx();
let dir: string;
let cli: string;
let pki: TestPki;
let responder: OcspResponder;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-ocsp-fetch-'));
  cli = await bundleCli(dir);
  const port = await freeLoopbackPort();
  pki = await createTestPki(dir, { ocspUrl: `http://${LAB_HOST}:${port}/` });
  responder = await startOcspResponder(pki, { port });
});

after(async () => {
  await responder?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI bundle, resolving with its exit code and output (no shell, no sleeps). */
function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'ocsp-fetch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const der = (file: string): Uint8Array => new Uint8Array(fs.readFileSync(file));
const certificateDer = (file: string): Uint8Array => new Uint8Array(new X509Certificate(fs.readFileSync(file)).raw);

describe('nginx-tls ocsp-fetch', () => {
  test('writes a verified DER response for the certificate (issuer from its chain)', async () => {
    const out = path.join(dir, 'must-staple.ocsp.der');
    const r = await runCli(['--out', out, pki.leaves['must-staple'].chain]);
    assert.equal(r.status, 0, r.stderr);
    const check = checkOcspResponse(der(out), certificateDer(pki.leaves['must-staple'].crt), certificateDer(pki.intermediate.crt));
    assert.equal(check.certStatus, 'good');
    assert.equal(check.forCertificate, true);
    assert.equal(check.signature, 'valid');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  });

  test('a leaf-only file needs --ca for the issuer (exit 2 without, 0 with)', async () => {
    const out = path.join(dir, 'leaf-only.ocsp.der');
    assert.equal((await runCli(['--out', out, pki.leaves.ocsp.crt])).status, 2);
    assert.equal(fs.existsSync(out), false);
    assert.equal((await runCli(['--ca', pki.caChain, '--out', out, pki.leaves.ocsp.crt])).status, 0);
  });

  test('a revoked certificate: exit 1, and the previous file stays as it was', async () => {
    const out = path.join(dir, 'revoked.ocsp.der');
    fs.writeFileSync(out, 'previous');
    const r = await runCli(['--out', out, pki.leaves.revoked.chain]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /certificate status is revoked/);
    assert.equal(fs.readFileSync(out, 'utf8'), 'previous');
  });

  test('--responder replaces the certificate\'s URL; an unreachable one is an I/O error (exit 2)', async () => {
    const out = path.join(dir, 'dead.ocsp.der');
    const dead = `http://${LAB_HOST}:${await freeLoopbackPort()}/`;
    const r = await runCli(['--responder', dead, '--timeout-ms', '5000', '--out', out, pki.leaves.ocsp.chain]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(fs.existsSync(out), false);
    assert.equal((await runCli(['--responder', responder.url, '--out', out, pki.leaves.ocsp.chain])).status, 0);
  });

  test('usage errors exit 2', async () => {
    assert.equal((await runCli([pki.leaves.ocsp.chain])).status, 2);
    assert.equal((await runCli(['--out', path.join(dir, 'x.der')])).status, 2);
    assert.equal((await runCli(['--timeout-ms', 'soon', '--out', path.join(dir, 'x.der'), pki.leaves.ocsp.chain])).status, 2);
  });

  test('nginx staples the fetched file from the first handshake after start', { skip: nginxBinary ? false : 'nginx is not installed (CI installs it)' }, async () => {
    const out = path.join(dir, 'first.ocsp.der');
    assert.equal((await runCli(['--out', out, pki.leaves['must-staple'].chain])).status, 0);
    const port = await freeLoopbackPort();
    const requestsBefore = responder.requests;
    const nginx = await startNginx({
      nginx: nginxBinary as string,
      ports: [port],
      http: `server {
        listen ${LAB_HOST}:${port} ssl;
        server_name must-staple.test;
        ssl_certificate ${pki.leaves['must-staple'].chain};
        ssl_certificate_key ${pki.leaves['must-staple'].key};
        ssl_stapling on;
        ssl_stapling_file ${out};
        return 204;
      }`,
    });
    try {
      const stapled = await firstHandshakeStaple(port, 'must-staple.test');
      assert.ok(stapled, 'the very first handshake carries no staple');
      assert.deepEqual(Buffer.from(stapled), fs.readFileSync(out));
      assert.equal(responder.requests, requestsBefore, 'nginx asked the responder itself');
    } finally {
      await nginx.stop();
    }
  });
});

/** The staple of one full handshake asking for it (status_request), or null. */
function firstHandshakeStaple(port: number, servername: string): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    let staple: Buffer | null = null;
    // tls.connect passes requestOCSP on to the TLSSocket; @types/node only declares it there.
    const options: tls.ConnectionOptions & Pick<tls.TLSSocketOptions, 'requestOCSP'> = { host: LAB_HOST, port, servername, requestOCSP: true, rejectUnauthorized: false };
    const socket = tls.connect(options);
    socket.once('OCSPResponse', (response: Buffer | null) => (staple = response));
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(staple);
    });
    socket.once('error', reject);
  });
}
