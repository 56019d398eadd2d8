import { fileExists } from '../../fileSnapshot';
import * as path from 'node:path';
import { findChainOrderProblem, readCertificateFile, type CertificateFileOk, type CertificateInfo } from '../../certificates';
import type { ServerCertificate } from '../../model/serverCertificates';
import { holdsIssuerOf, issuerAmong } from './staplingFacts';

type ReadableCertificate = Extract<ServerCertificate, { kind: 'ok' }>;

/**
 * Names of CA files that sit beside a certificate in common layouts: certbot's `chain.pem`
 * (intermediates), and the CA bundles of hand-made or internal PKIs.
 */
const ISSUER_FILE_NAMES = ['chain.pem', 'ca-chain.crt', 'ca-chain.pem', 'chain.crt', 'ca-bundle.crt', 'ca-bundle.pem', 'intermediate.crt', 'intermediate.pem', 'ca.crt', 'ca.pem'];

/**
 * Names of files that hold the same certificate followed by its chain, beside the leaf-only one:
 * certbot's `fullchain.pem` next to `cert.pem`, and the usual `<name>.chain.crt`-style names.
 */
function fullChainNames(file: string): string[] {
  const ext = path.extname(file);
  const stem = path.basename(file, ext);
  const suffixed = ['.chain', '-chain', '_chain', '.fullchain', '-fullchain', '_fullchain', '.bundle', '-bundle', '_bundle'].map((s) => `${stem}${s}${ext}`);
  return ['fullchain.pem', 'fullchain.crt', ...suffixed];
}

/** A file found beside a certificate: its path, and its path written the way the config writes the certificate's (unquoted). */
export interface FileBeside {
  path: string;
  written: string;
  file: CertificateFileOk;
}

/** The first of `names` in the certificate's folder that is a readable certificate file `accepts`. */
function firstBeside(certificate: ServerCertificate, names: (certificatePath: string) => string[], accepts: (file: CertificateFileOk, certificate: ReadableCertificate) => boolean): FileBeside | undefined {
  // A data: value lives in no folder: its "dirname" would be the working directory, and the path written would be certificate material.
  if (certificate.kind !== 'ok' || certificate.inline) return undefined;
  const written = certificate.placed.directive.args[0]?.value;
  if (written === undefined) return undefined;
  const dir = path.dirname(certificate.path);
  for (const name of names(certificate.path)) {
    const candidate = path.join(dir, name);
    if (candidate === certificate.path || !fileExists(candidate)) continue;
    const file = readCertificateFile(candidate);
    if (file.kind !== 'ok' || !accepts(file, certificate)) continue;
    return { path: candidate, written: pathBeside(written, name), file };
  }
  return undefined;
}

/**
 * A file next to a readable certificate that holds its issuer, written (unquoted) the way the
 * certificate's own path is written in the config (relative stays relative), for `ssl_trusted_certificate`;
 * undefined when none of the usual names exists there and holds the issuer.
 */
export function findIssuerFile(certificate: ServerCertificate): string | undefined {
  return issuerFileBeside(certificate)?.written;
}

function issuerFileBeside(certificate: ServerCertificate): FileBeside | undefined {
  return firstBeside(certificate, () => ISSUER_FILE_NAMES, (file, cert) => holdsIssuerOf(cert.leaf, file.chain));
}

/**
 * A file beside the certificate that starts with the same certificate, followed by its issuer in
 * a good order: what certificate-chain-incomplete's fix points `ssl_certificate` at.
 */
export function findFullChainFile(certificate: ServerCertificate): FileBeside | undefined {
  return firstBeside(certificate, fullChainNames, (file, cert) =>
    file.issuerInChain && file.chain[0]?.sha256Fingerprint === cert.leaf.sha256Fingerprint && !findChainOrderProblem(file.chain));
}

/**
 * The issuer of a certificate as found on disk beside it (a full-chain file or a CA file), for
 * judging an OCSP response when the config itself gives nginx no issuer: the same issuer that the
 * fixes of certificate-chain-incomplete and stapling would bring in.
 */
export function issuerBeside(certificate: ServerCertificate): CertificateInfo | undefined {
  if (certificate.kind !== 'ok') return undefined;
  const chain = findFullChainFile(certificate);
  if (chain) return issuerAmong(certificate.leaf, chain.file.chain.slice(1));
  const found = issuerFileBeside(certificate);
  return found ? issuerAmong(certificate.leaf, found.file.chain) : undefined;
}

/** The path of file `name` in the folder of a path as written in the config (unquoted). */
function pathBeside(written: string, name: string): string {
  return path.posix.join(path.posix.dirname(written.replace(/\\/g, '/')), name);
}
