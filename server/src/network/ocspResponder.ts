// The certificate's OCSP responder as reached from this machine: DNS, TCP connect and one HTTP
// POST, each timed. nginx resolves the responder at startup and fetches over plain HTTP, so a
// responder that fails here usually explains a missing staple.
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as net from 'node:net';
import type { OcspResponderObservation } from '../service/probe/types';
import { buildOcspRequest, checkOcspResponse, type CertificateDer } from '../service/certificates/ocsp';
import { bounded, elapsedMs } from './timing';

/** What the responder check needs. */
export interface ResponderCheckInput {
  leaf: CertificateDer;
  /** The leaf's first OCSP URL (the one nginx uses), if any. */
  ocspUrl: string | undefined;
  issuer: CertificateDer | undefined;
  stepTimeoutMs: number;
  isAddressAllowed: (address: string) => boolean;
}

// Real OCSP responses are a few KiB; anything far larger is not one.
const MAX_OCSP_RESPONSE_BYTES = 256 * 1024;
const DEFAULT_HTTP_PORT = 80;

/** Checks the responder step by step, stopping at the first failure; never throws. */
export async function checkOcspResponder(input: ResponderCheckInput, signal: AbortSignal): Promise<OcspResponderObservation> {
  if (input.ocspUrl === undefined) return { status: 'skipped', skipReason: 'the certificate has no OCSP responder URL' };
  const observation: OcspResponderObservation = { url: input.ocspUrl, status: 'failed' };
  let url: URL;
  try {
    url = new URL(input.ocspUrl);
  } catch {
    return { ...observation, status: 'skipped', skipReason: `"${input.ocspUrl}" is not a valid URL` };
  }
  if (url.protocol !== 'http:') {
    // ngx_ssl_stapling_responder(): "invalid URL prefix in OCSP responder".
    return { ...observation, status: 'skipped', skipReason: `nginx fetches OCSP responses over http:// only, not ${url.protocol}//` };
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? DEFAULT_HTTP_PORT : Number(url.port);

  const dnsStarted = performance.now();
  let addresses: string[];
  if (net.isIP(host) !== 0) {
    addresses = [host];
    observation.dns = { ms: 0, addresses, skipped: 'ip-literal' };
  } else {
    const answer = await bounded(dns.promises.lookup(host, { all: true, verbatim: true }), input.stepTimeoutMs, signal);
    const ms = elapsedMs(dnsStarted);
    if (!answer.ok) {
      observation.dns = { ms, addresses: [], error: `${host}: ${answer.reason}` };
      return observation;
    }
    addresses = answer.value.map((entry) => entry.address);
    observation.dns = { ms, addresses };
  }
  const address = addresses.find(input.isAddressAllowed);
  if (address === undefined) {
    observation.tcp = { ms: 0, error: `no address of ${host} is allowed by the probe's address policy (${addresses.join(', ')})` };
    return observation;
  }

  const tcpStarted = performance.now();
  const socket = net.connect({ host: address, port });
  try {
    const connected = await bounded(connection(socket), input.stepTimeoutMs, signal);
    observation.tcp = { ms: elapsedMs(tcpStarted), address };
    if (!connected.ok) {
      observation.tcp.error = `${formatAddress(address, port)}: ${connected.reason}`;
      return observation;
    }
    if (!input.issuer) {
      return { ...observation, status: 'ok', skipReason: 'no OCSP request sent: the issuer certificate is not known (not served, not in --ca)' };
    }
    return await exchangeOcsp(observation, socket, url, { ...input, issuer: input.issuer }, signal);
  } finally {
    socket.destroy();
  }
}

async function exchangeOcsp(
  observation: OcspResponderObservation,
  socket: net.Socket,
  url: URL,
  input: ResponderCheckInput & { issuer: CertificateDer },
  signal: AbortSignal,
): Promise<OcspResponderObservation> {
  const httpStarted = performance.now();
  const exchange = await bounded(postOcsp(socket, url, buildOcspRequest(input.leaf, input.issuer)), input.stepTimeoutMs, signal);
  const ms = elapsedMs(httpStarted);
  if (!exchange.ok) {
    observation.http = { ms, error: exchange.reason };
    return observation;
  }
  const { statusCode, contentType, body } = exchange.value;
  const response = checkOcspResponse(body, input.leaf, input.issuer);
  observation.http = { ms, statusCode, ...(contentType ? { contentType } : {}), response };
  if (statusCode !== 200) observation.http.error = `HTTP status ${statusCode}`;
  else if (response.responseStatus !== 'successful') observation.http.error = `OCSP response status ${response.responseStatus}`;
  else observation.status = 'ok';
  return observation;
}

function connection(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    // Stays attached: errors after the connect are reported through the HTTP request.
    socket.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
    socket.once('connect', () => resolve());
  });
}

interface HttpAnswer {
  statusCode: number;
  contentType?: string;
  body: Uint8Array;
}

function postOcsp(socket: net.Socket, url: URL, request: Uint8Array): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      method: 'POST',
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers: { 'content-type': 'application/ocsp-request', 'content-length': request.length, host: url.host },
      // No `agent`: with one (even `agent: false`, a fresh Agent), Node opens its own connection,
      // re-resolving the host and bypassing the address checked above.
      createConnection: () => socket,
    });
    req.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OCSP_RESPONSE_BYTES) {
          res.destroy();
          reject(new Error(`response larger than ${MAX_OCSP_RESPONSE_BYTES} bytes`));
        } else {
          chunks.push(chunk);
        }
      });
      res.once('error', reject);
      res.once('end', () =>
        resolve({
          statusCode: res.statusCode ?? 0,
          ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}),
          body: new Uint8Array(Buffer.concat(chunks)),
        }),
      );
    });
    req.end(request);
  });
}

function formatAddress(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}
