import * as path from 'node:path';
import { findChainOrderProblem, readCertificateFile } from '../certificates';
import type { ChainOrderProblem, CertificateFileOk, CertificateInfo } from '../certificates';
import type { ConfigTree } from './configTree';
import { effective, type HttpServer, type Placed } from './serverModel';

/**
 * One `ssl_certificate` of a server and what could be learnt about the file. `misordered`: the
 * file starts with a CA certificate, so nginx -t fails (certificate-chain-order); it has no `leaf`
 * on purpose, so that no other rule takes the CA certificate for the server's.
 */
export type ServerCertificate =
  | { kind: 'ok'; placed: Placed; path: string; shown: string; file: CertificateFileOk; leaf: CertificateInfo }
  | { kind: 'misordered'; placed: Placed; path: string; shown: string; file: CertificateFileOk; order: ChainOrderProblem }
  | { kind: 'unknown'; placed: Placed; path: string; shown: string; reason: 'variable' | 'unreadable' | 'not-read'; message: string };

/** Resolves a path directive's value as nginx does: relative paths against the conf prefix. */
export function resolveConfigPath(tree: ConfigTree, value: string): string {
  return path.isAbsolute(value) ? path.normalize(value) : path.join(tree.prefix, value);
}

/**
 * The certificates in effect for a server, read from disk when allowed (never in an untrusted
 * workspace). Only `ssl_certificate` files are opened, never `ssl_certificate_key`.
 */
export function serverCertificates(server: HttpServer, tree: ConfigTree, readCertificates: boolean): ServerCertificate[] {
  const e = effective(server, 'ssl_certificate');
  if (!e) return [];
  return e.placed.flatMap((placed): ServerCertificate[] => {
    const value = placed.directive.args[0]?.value;
    if (value === undefined) return [];
    if (value.includes('$') || value.startsWith('data:')) {
      return [{ kind: 'unknown', placed, path: value, shown: value, reason: 'variable', message: `the certificate "${value}" is chosen per handshake (variables or data:), so nginx does no OCSP stapling for it and it cannot be checked here` }];
    }
    const file = resolveConfigPath(tree, value);
    if (!readCertificates) return [{ kind: 'unknown', placed, path: file, shown: value, reason: 'not-read', message: 'certificates are not read in an untrusted workspace' }];
    const result = readCertificateFile(tree.localPath?.(file) ?? file);
    if (result.kind === 'error') return [{ kind: 'unknown', placed, path: file, shown: value, reason: 'unreadable', message: result.message }];
    const order = findChainOrderProblem(result.chain);
    if (order) return [{ kind: 'misordered', placed, path: file, shown: value, file: result, order }];
    const leaf = result.chain[0];
    return [{ kind: 'ok', placed, path: file, shown: value, file: result, leaf }];
  });
}
