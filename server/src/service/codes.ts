// The one registry of every diagnostic code the product emits: the config loader's and the
// parser's, the directive checks, the TLS rules and the live probe's findings. Each code has a
// default severity, a summary and, where one exists, its docs page. The codes are a CLI and
// settings contract (`nginxTls.rules.<code>`).
import type { Severity } from './diagnostics';
import { DIRECTIVE_CHECKS } from './checks';
import { RULES } from './rules';
import { PROBE_FINDING_CODES, type ProbeFindingCode } from './probe/types';
import { NGINX_TEST_CODE } from './nginxTestOutput';

/** Who produces a code: the loader and parser, a directive check, a TLS rule, the live probe, a run of nginx -t. */
export type CodeOrigin = 'file' | 'directive-check' | 'rule' | 'probe' | 'nginx-t';

/** What the registry knows of one code. */
export interface CodeInfo {
  id: string;
  origin: CodeOrigin;
  defaultSeverity: Severity;
  summary: string;
  /** The docs page, relative to the package root, when the code has one. */
  docsPath: string | undefined;
}

/** Codes of reading and parsing files (model/loadConfig.ts, parser/, checks/checkBlockStructure.ts). */
const FILE_CODES: readonly Omit<CodeInfo, 'origin' | 'docsPath'>[] = [
  { id: 'syntax-error', defaultSeverity: 'error', summary: 'What nginx rejects while reading the file, at the line nginx -t reports' },
  { id: 'include-not-found', defaultSeverity: 'error', summary: 'A plain include whose file does not exist (a glob matching nothing is fine)' },
  { id: 'include-cycle', defaultSeverity: 'error', summary: 'Files that include each other' },
  { id: 'file-unreadable', defaultSeverity: 'error', summary: 'A file that cannot be read' },
  { id: 'binary-file', defaultSeverity: 'error', summary: 'A binary file where a config is expected' },
  { id: 'file-too-large', defaultSeverity: 'warning', summary: 'A file larger than nginxTls.maxFileSize, not analysed' },
];

/** What each live-probe finding (service/probe/compareWithConfig.ts) means; severities in PROBE_FINDING_CODES. */
const PROBE_SUMMARIES: Record<ProbeFindingCode, string> = {
  'probe-connect-failed': 'No TLS connection to the server',
  'probe-certificate-expired': 'The certificate served has expired: browsers refuse the site',
  'probe-certificate-not-yet-valid': 'The certificate served is not valid yet: browsers refuse the site',
  'probe-certificate-name-mismatch': 'The certificate served does not cover the name (subjectAltName): browsers refuse the site',
  'probe-certificate-untrusted': 'No path from the certificate served to a trusted root, or the chain does not verify: browsers refuse the site',
  'probe-certificate-revoked': "The certificate's OCSP responder says it is revoked: Firefox and Safari refuse it, nginx never staples it",
  'probe-certificate-expiring': 'The certificate served, or its intermediate, expires within 30 days',
  'probe-other-certificate-invalid': 'The RSA (or ECDSA) certificate served to clients that take only that kind of key has expired, is not valid yet, or does not cover the name',
  'probe-chain-incomplete': 'The served chain lacks an intermediate: clients that do not fetch it fail',
  'probe-must-staple-violated': 'A Must-Staple certificate served without a staple',
  'probe-must-staple-cold-start': 'A Must-Staple certificate whose first handshake carried no staple',
  'probe-stapled-response-bad': 'The stapled response is revoked, unknown, expired, not for this certificate or badly signed',
  'probe-stapling-expected-missing': 'The config staples but the server sent no staple after the warm-up',
  'probe-stapling-ignored': 'nginx ignores ssl_stapling for this certificate (why is said), so no staple is expected',
  'probe-certificate-differs': 'The certificate served is not the one the config names',
  'probe-addresses-differ': 'The addresses of the name serve different certificates, staples or protocols',
  'probe-session-tickets-differ': 'Session tickets are issued against the config, or not issued although on',
  'probe-resumption-broken': 'Sessions do not resume although the config keeps them',
  'probe-protocols-differ': 'The TLS versions accepted differ from ssl_protocols',
  'probe-protocols-refused-by-library': 'TLS versions the config lists that the server\'s TLS library refuses anyway',
  'probe-ocsp-responder-unreachable': 'The OCSP responder cannot be reached from this machine',
  'probe-checks-failed': 'Some of the probe\'s handshakes failed, so parts of the report are unknown',
};

/** What a run of the real `nginx -t` reports (nginxTestOutput.ts), opt-in: nginxTls.nginxTest, check --nginx-t. */
const NGINX_TEST_CODES: readonly Omit<CodeInfo, 'origin' | 'docsPath'>[] = [
  { id: NGINX_TEST_CODE, defaultSeverity: 'error', summary: 'An [emerg], [alert], [crit] or [error] line of nginx -t (error), or a [warn] line (warning), on the file and line it names' },
];

const DIRECTIVE_DOCS = 'docs/directives.md';

function register(): Map<string, CodeInfo> {
  const all: CodeInfo[] = [
    ...FILE_CODES.map((c) => ({ ...c, origin: 'file' as const, docsPath: undefined })),
    ...DIRECTIVE_CHECKS.map((c) => ({ id: c.id, origin: 'directive-check' as const, defaultSeverity: c.defaultSeverity, summary: c.summary, docsPath: DIRECTIVE_DOCS })),
    ...RULES.map((r) => ({ id: r.id, origin: 'rule' as const, defaultSeverity: r.defaultSeverity, summary: r.summary, docsPath: `docs/rules/${r.id}.md` })),
    ...Object.entries(PROBE_FINDING_CODES).map(([id, severity]) => ({ id, origin: 'probe' as const, defaultSeverity: severity, summary: PROBE_SUMMARIES[id as ProbeFindingCode], docsPath: undefined })),
    ...NGINX_TEST_CODES.map((c) => ({ ...c, origin: 'nginx-t' as const, docsPath: 'docs/nginx-t.md' })),
  ];
  const byId = new Map<string, CodeInfo>();
  for (const info of all) {
    if (byId.has(info.id)) throw new Error(`diagnostic code "${info.id}" is registered twice`);
    byId.set(info.id, info);
  }
  return byId;
}

let registry: Map<string, CodeInfo> | undefined;

/** Every code the product emits, by id (built on first use: start-up pays nothing for it). */
export function allCodes(): ReadonlyMap<string, CodeInfo> {
  registry ??= register();
  return registry;
}

/** The docs page of a code, relative to the package root, when it has one. */
export function docsPathOf(code: string): string | undefined {
  return allCodes().get(code)?.docsPath;
}
