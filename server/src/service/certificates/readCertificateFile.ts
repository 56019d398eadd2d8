import * as fs from 'node:fs';
import { ownCopy } from '../textScan';
import { readRegularFile } from '../model/readRegularFile';
import { readThroughSnapshot } from '../fileSnapshot';
import { requireBundle } from '../../splitBundles';
import { isIssuedByAny } from './issuer';
import type { ParsedCertificate } from './parseCertificate';
import { decodePemBody, isCertificateLabel, isPrivateKeyLabel, type PemBlock, splitPemBlocks, TRUSTED_CERTIFICATE_LABEL } from './pem';
import type { CertificateFileError, CertificateFileErrorReason, CertificateFileResult } from './types';

type ParserModule = typeof import('./parseCertificate');
let parserModule: ParserModule | undefined;

/**
 * The X.509 parser, loaded on first use: it is most of the code's size, and most runs of the
 * CLI never read a certificate (in dist/ it is a bundle of its own, x509.js).
 */
function parseCertificateDer(der: Uint8Array): ParsedCertificate {
  parserModule ??= typeof NGINX_TLS_SPLIT !== 'undefined' && NGINX_TLS_SPLIT
    ? requireBundle<ParserModule>('x509.js')
    : (require('./parseCertificate') as ParserModule);
  return parserModule.parseCertificateDer(der);
}

/** Files larger than this are refused: no certificate chain comes close. */
export const MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024;

interface CacheEntry {
  size: number;
  mtimeMs: number;
  // Also the inode: a file swapped in by rename (certbot, editors) can keep size and mtime.
  ino: number;
  result: CertificateFileResult;
}

const MAX_CACHE_ENTRIES = 512;
const cache = new Map<string, CacheEntry>();

/** Forgets every cached parse (for tests). */
export function clearCertificateCache(): void {
  cache.clear();
}

/**
 * Reads and parses a PEM certificate file like nginx's `ssl_certificate` does, synchronously.
 * Never throws; results are cached by (path, size, mtime, inode) and shared, so do not mutate them.
 */
export function readCertificateFile(written: string): CertificateFileResult {
  // Kept in the cache and in the result's messages: a copy (see ownCopy).
  const path = ownCopy(written);
  try {
    return readThroughSnapshot(`certificate:${path}`, () => readThroughCache(path));
  } catch (error) {
    // Defensive: every expected failure is handled below; this keeps the "never throws" promise.
    return failure(path, 'garbage', `"${path}" cannot be read as a certificate file: ${describe(error)}`);
  }
}

function readThroughCache(path: string): CertificateFileResult {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    return fileSystemFailure(path, error);
  }
  if (stat.isDirectory()) return failure(path, 'is-directory', `"${path}" is a directory, not a certificate file`);
  // Reading a FIFO or a device could block forever or never end.
  if (!stat.isFile()) return failure(path, 'unreadable', `cannot read "${path}": not a regular file`);
  if (stat.size > MAX_CERTIFICATE_FILE_BYTES) return tooLarge(path, stat.size);

  const cached = cache.get(path);
  if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs && cached.ino === stat.ino) {
    return cached.result;
  }

  const read = readRegularFile(path, MAX_CERTIFICATE_FILE_BYTES);
  if (read.kind === 'error') return fileSystemFailure(path, read.error);
  if (read.kind === 'not-regular') return failure(path, 'unreadable', `cannot read "${path}": not a regular file`);
  if (read.kind === 'too-large') return tooLarge(path, read.size);
  const content = read.bytes;

  const result = parseCertificateFileContent(path, content);
  cache.delete(path);
  if (cache.size >= MAX_CACHE_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, result });
  return result;
}

/**
 * Parses the PEM text of an inline `ssl_certificate data:...` value like a file; `name` stands for
 * the path in results and messages (certificate material is never put into a message).
 */
export function readCertificateData(text: string, name: string): CertificateFileResult {
  try {
    return parseCertificateFileContent(name, Buffer.from(text, 'latin1'));
  } catch (error) {
    return failure(name, 'garbage', `${name} cannot be read as a certificate: ${describe(error)}`);
  }
}

function parseCertificateFileContent(path: string, content: Buffer): CertificateFileResult {
  // latin1 maps every byte to one char, so binary content cannot produce decoding surprises.
  const blocks = splitPemBlocks(content.toString('latin1'));
  // nginx reads the first certificate with PEM_read_bio_X509_AUX, the chain after it with
  // PEM_read_bio_X509, which passes over "TRUSTED CERTIFICATE" blocks: they are not sent.
  const certificateBlocks: PemBlock[] = [];
  for (const block of blocks) {
    if (isCertificateLabel(block.label) && (certificateBlocks.length === 0 || block.label !== TRUSTED_CERTIFICATE_LABEL)) certificateBlocks.push(block);
  }
  if (certificateBlocks.length === 0) return noCertificate(path, content, blocks);

  const parsed: ParsedCertificate[] = [];
  for (const [index, block] of certificateBlocks.entries()) {
    const where = certificateBlocks.length > 1 ? `certificate ${index + 1} of ${certificateBlocks.length}: ` : '';
    const der = block.unterminated || block.body === undefined ? undefined : decodePemBody(block.body);
    if (der === undefined) {
      const problem = block.unterminated ? `no "-----END ${block.label}-----" line` : block.blankLine ? 'a blank line inside its base64, which OpenSSL refuses' : 'invalid base64';
      return failure(path, 'garbage', `"${path}" contains a certificate that cannot be parsed: ${where}${problem}`);
    }
    try {
      parsed.push(parseCertificateDer(der));
    } catch (error) {
      return failure(path, 'garbage', `"${path}" contains a certificate that cannot be parsed: ${where}${describe(error)}`);
    }
  }
  const [leaf, ...rest] = parsed;
  const chain = parsed.map((certificate) => certificate.info);
  Object.freeze(chain);
  const issuerInChain = leaf !== undefined && isIssuedByAny(leaf.openssl, rest.map((certificate) => certificate.openssl));
  return Object.freeze({ kind: 'ok', path, chain, issuerInChain });
}

function noCertificate(path: string, content: Buffer, blocks: readonly PemBlock[]): CertificateFileError {
  const prefix = `no PEM certificate found in "${path}"`;
  if (content.toString('latin1').trim().length === 0) return failure(path, 'no-certificate', `${prefix}: the file is empty`);
  if (looksLikeDerCertificate(content)) {
    return failure(
      path,
      'no-certificate',
      `${prefix}: it holds a binary (DER) certificate, but nginx needs PEM; convert it with: ` +
        `openssl x509 -inform der -in "${path}" -out "${path}.pem"`,
    );
  }
  if (blocks.some((block) => isPrivateKeyLabel(block.label))) {
    return failure(path, 'no-certificate', `${prefix}: it holds a private key (is this the ssl_certificate_key file?)`);
  }
  const labels = [...new Set(blocks.map((block) => block.label))];
  if (labels.length > 0) return failure(path, 'no-certificate', `${prefix}: it only holds ${labels.join(', ')}`);
  return failure(path, 'no-certificate', prefix);
}

function looksLikeDerCertificate(content: Buffer): boolean {
  if (content[0] !== 0x30) return false;
  try {
    parseCertificateDer(new Uint8Array(content));
    return true;
  } catch {
    return false;
  }
}

function fileSystemFailure(path: string, error: unknown): CertificateFileError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return failure(path, 'not-found', `cannot read "${path}": no such file`);
    case 'ENOTDIR':
      return failure(path, 'not-found', `cannot read "${path}": a part of the path is not a directory`);
    case 'EISDIR':
      return failure(path, 'is-directory', `"${path}" is a directory, not a certificate file`);
    case 'EACCES':
    case 'EPERM':
      return failure(path, 'unreadable', `cannot read "${path}": permission denied`);
    case 'ELOOP':
      return failure(path, 'unreadable', `cannot read "${path}": too many levels of symbolic links`);
    default:
      return failure(path, 'unreadable', `cannot read "${path}": ${describe(error)}`);
  }
}

function tooLarge(path: string, size: number): CertificateFileError {
  return failure(path, 'too-large', `"${path}" is too large for a certificate file (${size} bytes, limit 1 MiB)`);
}

function failure(path: string, reason: CertificateFileErrorReason, message: string): CertificateFileError {
  return Object.freeze({ kind: 'error', path, reason, message });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
