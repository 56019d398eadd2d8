// `nginx-tls ocsp-fetch`: fetches the OCSP response for a certificate, verifies it and writes the
// DER file nginx serves with `ssl_stapling_file` (atomically, only when the response is good).
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchOcspResponse } from '../network/ocspFetch';
import { parseArgs, UsageError } from './parseArgs';
import { ExitCode } from './exitCodes';
import { OCSP_FETCH_USAGE } from './ocspFetchUsage';
import { readCertificateFile, type CertificateInfo } from '../service';


const DEFAULT_TIMEOUT_MS = 10_000;
/** How far a responder's clock may run ahead (OpenSSL's OCSP_check_validity leeway in nginx). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Runs ocsp-fetch and resolves to its exit code. */
export async function runOcspFetchCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`Usage:\n${OCSP_FETCH_USAGE}`);
    return ExitCode.Clean;
  }
  const args = parseArgs(argv, { flags: [], options: ['responder', 'ca', 'timeout-ms', 'out'] });
  const out = args.options.out;
  if (!out) throw new UsageError('ocsp-fetch needs --out FILE');
  if (args.positionals.length !== 1) throw new UsageError('ocsp-fetch needs exactly one CERT');
  const timeoutMs = args.options['timeout-ms'] === undefined ? DEFAULT_TIMEOUT_MS : Number(args.options['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout-ms must be a positive whole number');

  const fail = (code: ExitCode, message: string): number => {
    process.stderr.write(`nginx-tls ocsp-fetch: ${message}\n`);
    return code;
  };
  const certFile = readCertificateFile(path.resolve(args.positionals[0]));
  if (certFile.kind === 'error') return fail(ExitCode.UsageOrIo, certFile.message);
  const [leaf, ...chain] = certFile.chain;
  const candidates = [...chain];
  if (args.options.ca) {
    const ca = readCertificateFile(path.resolve(args.options.ca));
    if (ca.kind === 'error') return fail(ExitCode.UsageOrIo, ca.message);
    candidates.push(...ca.chain);
  }
  const issuer = findIssuer(leaf, candidates);
  if (!issuer) return fail(ExitCode.UsageOrIo, `the issuer of ${certFile.path} is neither in that file nor in --ca: an OCSP request names the issuer`);
  const url = args.options.responder ?? leaf.ocspUrls[0];
  if (!url) return fail(ExitCode.UsageOrIo, `${certFile.path} names no OCSP responder: give one with --responder`);

  let answer;
  try {
    answer = await fetchOcspResponse(url, leaf.der, issuer.der, timeoutMs);
  } catch (error) {
    return fail(ExitCode.UsageOrIo, `${url}: ${(error as Error).message}`);
  }
  if (answer.statusCode !== 200) return fail(ExitCode.Errors, `${url} answered HTTP ${answer.statusCode}`);
  const check = answer.check;
  const now = Date.now();
  const problem =
    check.responseStatus !== 'successful' ? `the response status is ${check.responseStatus}${check.problems.length ? ` (${check.problems.join('; ')})` : ''}`
    : check.forCertificate !== true ? 'the response does not name this certificate (CertID)'
    : check.certStatus !== 'good' ? `the certificate status is ${check.certStatus ?? 'missing'}`
    : check.signature !== 'valid' ? `the signature is ${check.signature}`
    : check.thisUpdate === undefined || Date.parse(check.thisUpdate) > now + CLOCK_SKEW_MS ? `thisUpdate ${check.thisUpdate ?? '(none)'} is in the future`
    : check.nextUpdate !== undefined && Date.parse(check.nextUpdate) <= now ? `nextUpdate ${check.nextUpdate} has passed`
    : undefined;
  if (problem) return fail(ExitCode.Errors, `${url}: ${problem}; ${out} left as it was`);
  try {
    writeAtomically(path.resolve(out), answer.body);
  } catch (error) {
    return fail(ExitCode.UsageOrIo, `cannot write ${out}: ${(error as Error).message}`);
  }
  process.stdout.write(`${out}: good until ${check.nextUpdate ?? '(no nextUpdate)'}; reload nginx to serve it\n`);
  return ExitCode.Clean;
}

function findIssuer(leaf: CertificateInfo, candidates: readonly CertificateInfo[]): CertificateInfo | undefined {
  const subject = new X509Certificate(leaf.der);
  return candidates.find((candidate) => {
    try {
      const ca = new X509Certificate(candidate.der);
      return subject.checkIssued(ca) && subject.verify(ca.publicKey);
    } catch {
      return false;
    }
  });
}

// A temporary file beside the target, renamed over it: nginx (re)loading never sees half a file.
function writeAtomically(target: string, data: Uint8Array): void {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.nginx-tls-${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, data, { mode: 0o644 });
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
