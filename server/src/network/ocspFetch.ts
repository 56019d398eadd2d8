// One OCSP request over plain HTTP (RFC 6960 Appendix A, POST), as nginx's own OCSP client does.
import * as http from 'node:http';
import { buildOcspRequest, checkOcspResponse } from '../service/certificates/ocsp';
import type { OcspResponseCheck } from '../service/probe/types';

/** Real OCSP responses are a few KiB; anything far larger is not one. */
const MAX_OCSP_RESPONSE_BYTES = 256 * 1024;

/** The responder's answer: HTTP status and body. */
export interface OcspHttpAnswer {
  statusCode: number;
  body: Uint8Array;
}

/** POSTs a DER OCSP request to an `http://` responder; rejects on network errors and at the timeout. */
export function postOcspRequest(url: string, request: Uint8Array, timeoutMs: number): Promise<OcspHttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:') {
      reject(new Error(`${url}: OCSP responders are reached over http:// (as nginx does)`));
      return;
    }
    const req = http.request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', 'content-length': request.length },
      agent: false,
      timeout: timeoutMs,
    });
    req.once('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OCSP_RESPONSE_BYTES) res.destroy(new Error(`response larger than ${MAX_OCSP_RESPONSE_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.once('error', reject);
      res.once('end', () => resolve({ statusCode: res.statusCode ?? 0, body: new Uint8Array(Buffer.concat(chunks)) }));
    });
    req.end(request);
  });
}

/** Asks `url` for the status of `leaf` and checks the answer against it and its issuer. */
export async function fetchOcspResponse(url: string, leaf: Uint8Array, issuer: Uint8Array, timeoutMs: number): Promise<OcspHttpAnswer & { check: OcspResponseCheck }> {
  const answer = await postOcspRequest(url, buildOcspRequest(leaf, issuer), timeoutMs);
  return { ...answer, check: checkOcspResponse(answer.body, leaf, issuer) };
}
