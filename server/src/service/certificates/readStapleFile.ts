import { requireBundle } from '../../splitBundles';
import { ownCopy } from '../textScan';
import { readThroughSnapshot } from '../fileSnapshot';
import { readRegularFile } from '../model/readRegularFile';
import type { OcspResponseCheck } from '../probe/types';

type ParserModule = typeof import('./parseCertificate');
let parserModule: ParserModule | undefined;

/** The OCSP parser, loaded on first use (in dist/ it is part of x509.js, like the X.509 parser). */
function checkResponse(response: Uint8Array, leaf: Uint8Array, issuer: Uint8Array | undefined): OcspResponseCheck {
  parserModule ??= typeof NGINX_TLS_SPLIT !== 'undefined' && NGINX_TLS_SPLIT
    ? requireBundle<ParserModule>('x509.js')
    : (require('./parseCertificate') as ParserModule);
  return parserModule.checkOcspResponse(response, leaf, issuer);
}

/** Real OCSP responses are a few KiB; a larger file is not one (and is not read). */
export const MAX_STAPLE_FILE_BYTES = 256 * 1024;

/** What reading an `ssl_stapling_file` gave: the checked response, or why there is none. */
export type StapleFileResult =
  | { kind: 'ok'; check: OcspResponseCheck }
  | { kind: 'error'; reason: 'not-found' | 'unreadable' | 'too-large'; message: string };

/**
 * Reads a DER OCSP response file (nginx's `ssl_stapling_file`) and checks it against `leaf` and,
 * when known, its `issuer` (CertID and signature). Never throws.
 */
export function readStapleFile(written: string, leaf: Uint8Array, issuer: Uint8Array | undefined): StapleFileResult {
  // Kept in the snapshot and in the result's messages: a copy (see ownCopy).
  const path = ownCopy(written);
  const read = readThroughSnapshot(`staple:${path}`, () => readStapleBytes(path));
  if (read.kind === 'error') return read;
  return { kind: 'ok', check: checkedOnce(sameBytesAsLastRead(path, read.content), leaf, issuer) };
}

/** The bytes last read from each staple file: without a snapshot (the CLI), every read makes new ones. */
const lastRead = new Map<string, Uint8Array>();

function sameBytesAsLastRead(path: string, content: Uint8Array): Uint8Array {
  const last = lastRead.get(path);
  if (last === content || (last && Buffer.from(last.buffer, last.byteOffset, last.byteLength).equals(content))) return last as Uint8Array;
  lastRead.set(path, content);
  return content;
}

const NO_ISSUER = new Uint8Array(0);
/** Checks by response bytes, leaf and issuer (objects kept while their files are unchanged): parsing and verifying a response takes milliseconds. */
const checks = new WeakMap<Uint8Array, WeakMap<Uint8Array, WeakMap<Uint8Array, OcspResponseCheck>>>();

function checkedOnce(response: Uint8Array, leaf: Uint8Array, issuer: Uint8Array | undefined): OcspResponseCheck {
  let byLeaf = checks.get(response);
  if (!byLeaf) checks.set(response, (byLeaf = new WeakMap()));
  let byIssuer = byLeaf.get(leaf);
  if (!byIssuer) byLeaf.set(leaf, (byIssuer = new WeakMap()));
  let check = byIssuer.get(issuer ?? NO_ISSUER);
  if (!check) byIssuer.set(issuer ?? NO_ISSUER, (check = checkResponse(response, leaf, issuer)));
  return check;
}

function readStapleBytes(path: string): { kind: 'bytes'; content: Uint8Array } | Extract<StapleFileResult, { kind: 'error' }> {
  const read = readRegularFile(path, MAX_STAPLE_FILE_BYTES);
  switch (read.kind) {
    case 'ok':
      return { kind: 'bytes', content: new Uint8Array(read.bytes) };
    case 'not-regular':
      return { kind: 'error', reason: 'unreadable', message: `"${path}" is not a regular file` };
    case 'too-large':
      return { kind: 'error', reason: 'too-large', message: `"${path}" is too large for an OCSP response (${read.size} bytes)` };
    default: {
      const code = read.error.code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'error', reason: 'not-found', message: `"${path}" does not exist` };
      return { kind: 'error', reason: 'unreadable', message: `cannot read "${path}": ${code ?? String(read.error)}` };
    }
  }
}
