import { fileExists } from '../../fileSnapshot';
import * as path from 'node:path';
import { readCertificateFile } from '../../certificates';
import type { ServerCertificate } from '../../model/serverCertificates';
import { holdsIssuerOf } from './staplingFacts';

/**
 * Names of CA files that sit beside a certificate in common layouts: certbot's `chain.pem`
 * (intermediates), and the CA bundles of hand-made or internal PKIs.
 */
const ISSUER_FILE_NAMES = ['chain.pem', 'ca-chain.crt', 'ca-chain.pem', 'chain.crt', 'ca-bundle.crt', 'ca-bundle.pem', 'intermediate.crt', 'intermediate.pem', 'ca.crt', 'ca.pem'];

/** Characters that force quoting a path in nginx's syntax. */
const NEEDS_QUOTES = /[\s;{}#"'\\]/;

/**
 * A file next to a readable certificate that holds its issuer, written the way the certificate's
 * own path is written in the config (relative stays relative), for `ssl_trusted_certificate`;
 * undefined when none of the usual names exists there and holds the issuer.
 */
export function findIssuerFile(certificate: ServerCertificate): string | undefined {
  // A data: value lives in no folder: its "dirname" would be the working directory, and the path written would be certificate material.
  if (certificate.kind !== 'ok' || certificate.inline) return undefined;
  const written = certificate.placed.directive.args[0]?.value;
  if (written === undefined) return undefined;
  const dir = path.dirname(certificate.path);
  for (const name of ISSUER_FILE_NAMES) {
    const candidate = path.join(dir, name);
    if (candidate === certificate.path || !fileExists(candidate)) continue;
    const file = readCertificateFile(candidate);
    if (file.kind !== 'ok' || !holdsIssuerOf(certificate.leaf, file.chain)) continue;
    return pathBeside(written, name);
  }
  return undefined;
}

/** The path of file `name` in the folder of a path as written in the config, quoted when needed. */
export function pathBeside(written: string, name: string): string {
  const text = path.posix.join(path.posix.dirname(written.replace(/\\/g, '/')), name);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : text;
}
