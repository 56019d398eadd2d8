// A loopback OCSP responder for tests: a Node HTTP server that answers each request by running
// `openssl ocsp -index ...` on it. OpenSSL 3.0's own `-port` listens on every interface, so it is
// never used.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestPki } from '../pki';
import { LAB_HOST } from './ports';

/** Options of startOcspResponder. */
export interface OcspResponderOptions {
  /** Port on 127.0.0.1 (pick it with freeLoopbackPort before creating the PKI); 0 = any. */
  port?: number;
  /** Validity of each response (nextUpdate - thisUpdate), in minutes; default one day. */
  validityMinutes?: number;
  /** Answers this much later (a CA's responder far away). */
  delayMs?: number;
}

/** A running lab responder. */
export interface OcspResponder {
  url: string;
  port: number;
  /** How many OCSP requests it has answered (GET and POST). */
  readonly requests: number;
  stop(): Promise<void>;
}

const OPENSSL_TIMEOUT_MS = 10_000;
const MAX_REQUEST_BYTES = 64 * 1024;
const DEFAULT_VALIDITY_MINUTES = 24 * 60;

/** Starts a responder on 127.0.0.1 that signs with the PKI's delegated OCSP signer. */
export async function startOcspResponder(pki: TestPki, options: OcspResponderOptions = {}): Promise<OcspResponder> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-ocsp-'));
  const validity = String(options.validityMinutes ?? DEFAULT_VALIDITY_MINUTES);
  let requests = 0;
  let sequence = 0;

  const answer = async (request: Buffer): Promise<Buffer> => {
    const id = ++sequence;
    const reqFile = path.join(workDir, `${id}.req.der`);
    const respFile = path.join(workDir, `${id}.resp.der`);
    fs.writeFileSync(reqFile, request);
    try {
      await new Promise<void>((resolve, reject) => {
        execFile(
          'openssl',
          ['ocsp', '-index', pki.index, '-CA', pki.intermediate.crt, '-rsigner', pki.ocspSigner.crt, '-rkey', pki.ocspSigner.key,
            '-nmin', validity, '-reqin', reqFile, '-respout', respFile],
          { timeout: OPENSSL_TIMEOUT_MS },
          (error, _stdout, stderr) => (error ? reject(new Error(`openssl ocsp failed: ${stderr || error.message}`)) : resolve()),
        );
      });
      return fs.readFileSync(respFile);
    } finally {
      fs.rmSync(reqFile, { force: true });
      fs.rmSync(respFile, { force: true });
    }
  };

  const server = http.createServer((req, res) => {
    const respond = (status: number, body: Buffer | string, type = 'text/plain'): void => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const handle = (der: Buffer): void => {
      requests++;
      const delayed = options.delayMs ? new Promise<void>((resolve) => setTimeout(resolve, options.delayMs)) : Promise.resolve();
      delayed.then(() => answer(der)).then(
        (response) => respond(200, response, 'application/ocsp-response'),
        (error: Error) => respond(500, error.message),
      );
    };
    if (req.method === 'GET') {
      // RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER request} (nginx uses GET).
      const encoded = decodeURIComponent((req.url ?? '/').replace(/^\/+/, ''));
      if (encoded.length === 0) return respond(400, 'empty OCSP GET request');
      return handle(Buffer.from(encoded, 'base64'));
    }
    if (req.method !== 'POST') return respond(405, 'GET or POST only');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => handle(Buffer.concat(chunks)));
    return undefined;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LAB_HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LAB_HOST}:${port}/`,
    port,
    get requests() {
      return requests;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}
