import * as path from 'node:path';
import { findChainOrderProblem, readCertificateData, readCertificateFile } from '../certificates';
import type { CertificateFileErrorReason, CertificateFileOk, CertificateFileResult, CertificateInfo, ChainOrderProblem } from '../certificates';
import type { ConfigTree } from './configTree';
import { capitalize } from '../quote';
import { effective, type HttpServer, type Placed } from './serverModel';

/** How messages name an inline certificate: its value is certificate material, never printed. */
export const INLINE_CERTIFICATE = 'the inline `data:` certificate';

/** What the `shown` of an inline certificate is (it goes inside quotes in older messages). */
const INLINE_SHOWN = 'data:';

/** The prefix of an inline certificate or key value (nginx ≥ 1.15.10). */
const DATA_PREFIX = 'data:';

/** Fields every ServerCertificate has. */
interface CertificateCommon {
  placed: Placed;
  /** The resolved file path; for an inline certificate the placeholder `data:`. */
  path: string;
  /** The path as written (quoted in messages); `data:` for an inline certificate. */
  shown: string;
  /** How a message names it: `the certificate "PATH"` or `the inline \`data:\` certificate`. */
  label: string;
  /** An inline `data:` certificate rather than a file. */
  inline: boolean;
  /**
   * The first `ssl_certificate` or `ssl_certificate_key` of the server with variables, when there
   * is one: nginx then loads every certificate of the server per handshake and staples none
   * (ngx_http_ssl_compile_certificates), without any warning.
   */
  perHandshake: Placed | undefined;
}

/**
 * One `ssl_certificate` of a server and what could be learnt about the file. `misordered`: the
 * file starts with a CA certificate, so nginx -t fails (certificate-chain-order); it has no `leaf`
 * on purpose, so that no other rule takes the CA certificate for the server's.
 */
export type ServerCertificate =
  | (CertificateCommon & { kind: 'ok'; file: CertificateFileOk; leaf: CertificateInfo })
  | (CertificateCommon & { kind: 'misordered'; file: CertificateFileOk; order: ChainOrderProblem })
  | (CertificateCommon & {
      kind: 'unknown';
      reason: 'variable' | 'unreadable' | 'not-read';
      message: string;
      /** Why the file could not be used, when it was read (or found missing): some of these make nginx fail, see certificate-unreadable. */
      fileError?: CertificateFileErrorReason;
    });

/** Resolves a path directive's value as nginx does: relative paths against the conf prefix. */
export function resolveConfigPath(tree: ConfigTree, value: string): string {
  return path.isAbsolute(value) ? path.normalize(value) : path.join(tree.prefix, value);
}

/** Reads a certificate file at a resolved config path, on this machine (see ConfigTree.localPath). */
export function readConfiguredFile(tree: ConfigTree, file: string): CertificateFileResult {
  return readCertificateFile(tree.localPath?.(file) ?? file);
}

/** How a message names a certificate or key value: never the material of a `data:` value. */
export function describePathValue(value: string, what: 'certificate' | 'certificate key'): string {
  return value.startsWith(DATA_PREFIX) ? `the inline \`data:\` ${what}` : `the ${what} "${value}"`;
}

/**
 * The certificates in effect for a server, read from disk when allowed (never in an untrusted
 * workspace). Only `ssl_certificate` files (or inline `data:` values) are read, never
 * `ssl_certificate_key`, not even when both name one file.
 */
export function serverCertificates(server: HttpServer, tree: ConfigTree, readCertificates: boolean): ServerCertificate[] {
  const e = effective(server, 'ssl_certificate');
  if (!e) return [];
  const keys = effective(server, 'ssl_certificate_key')?.placed ?? [];
  const perHandshake = [...e.placed, ...keys].find((p) => p.directive.args[0]?.value.includes('$'));
  const keyFiles = new Set(keys.flatMap((p) => {
    const value = p.directive.args[0]?.value;
    return value === undefined || value.startsWith(DATA_PREFIX) ? [] : [resolveConfigPath(tree, value)];
  }));
  return e.placed.flatMap((placed): ServerCertificate[] => {
    const value = placed.directive.args[0]?.value;
    if (value === undefined) return [];
    const inline = value.startsWith(DATA_PREFIX);
    const shown = inline ? INLINE_SHOWN : value;
    const label = describePathValue(value, 'certificate');
    const common = { placed, shown, label, inline, perHandshake };
    if (value.includes('$')) {
      return [{ ...common, kind: 'unknown', path: shown, reason: 'variable', message: `${capitalize(label)} has variables, so nginx loads it per handshake: no OCSP stapling for this server's certificates, and it cannot be checked here` }];
    }
    const file = inline ? INLINE_SHOWN : resolveConfigPath(tree, value);
    if (!readCertificates) return [{ ...common, kind: 'unknown', path: file, reason: 'not-read', message: 'certificates are not read in an untrusted workspace' }];
    // A file that holds the certificate and the key (nginx takes both from it) is a key file: never read.
    if (!inline && keyFiles.has(file)) {
      return [{ ...common, kind: 'unknown', path: file, reason: 'unreadable', message: `${capitalize(label)} is also the server's ssl_certificate_key, and key files are never read here (nginx takes both from a file that holds the certificate and the key; a file with the key alone makes nginx -t fail: cannot load certificate)` }];
    }
    const result: CertificateFileResult = inline ? readCertificateData(value.slice(DATA_PREFIX.length), INLINE_SHOWN) : readConfiguredFile(tree, file);
    if (result.kind === 'error') {
      const message = inline ? result.message.replaceAll(`"${INLINE_SHOWN}"`, INLINE_CERTIFICATE) : result.message;
      return [{ ...common, kind: 'unknown', path: file, reason: 'unreadable', message, fileError: result.reason }];
    }
    const order = findChainOrderProblem(result.chain);
    if (order) return [{ ...common, kind: 'misordered', path: file, file: result, order }];
    return [{ ...common, kind: 'ok', path: file, file: result, leaf: result.chain[0] }];
  });
}
