import type { Severity } from './diagnostics';
import { DEFAULT_MAX_FILE_SIZE } from './model/configHost';

/**
 * Everything the analysis honours, from the fronts (the `nginxTls.*` settings, the CLI's
 * options) down to the rules and directive checks: one type, no hand mapping in between.
 */
export interface AnalysisSettings {
  /** e.g. "1.22.1"; undefined when unknown (messages and version checks stay conservative). */
  nginxVersion: string | undefined;
  /** Resolver addresses the quick-fixes insert. */
  resolvers: string;
  /** Days before notAfter from which a certificate is reported as expiring. */
  expiryWarningDays: number;
  /** False in untrusted workspaces: certificates are then not read. */
  readCertificates: boolean;
  /** The time certificates are judged at. */
  now: Date;
  /** Per-code severity override, or `off` (any code of the registry, see codes.ts). */
  severities: Record<string, Severity | 'off'>;
  /** Files larger than this many bytes are not analysed. */
  maxFileSize: number;
  /**
   * Names in /etc/hosts of the machine whose config this is (filled by a front only when it checks
   * the config of the machine it runs on): nginx's resolver never reads that file.
   */
  localHostNames: ReadonlySet<string>;
}

/** Defaults matching package.json's settings (`now` is taken when the analysis starts). */
export const DEFAULT_ANALYSIS_SETTINGS: Readonly<Omit<AnalysisSettings, 'now'>> = {
  nginxVersion: undefined,
  resolvers: '8.8.8.8 1.1.1.1',
  expiryWarningDays: 30,
  readCertificates: true,
  severities: {},
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  localHostNames: new Set(),
};

/**
 * The settings with defaults for whatever a caller leaves out; only the analysis settings, of one
 * shape (the editor passes its whole settings object: a copy key by key cost 20 µs per analysis step).
 */
export function completeSettings(partial: Partial<AnalysisSettings> = {}): AnalysisSettings {
  const d = DEFAULT_ANALYSIS_SETTINGS;
  return {
    nginxVersion: partial.nginxVersion ?? d.nginxVersion,
    resolvers: partial.resolvers ?? d.resolvers,
    expiryWarningDays: partial.expiryWarningDays ?? d.expiryWarningDays,
    readCertificates: partial.readCertificates ?? d.readCertificates,
    now: partial.now ?? new Date(),
    severities: partial.severities ?? d.severities,
    maxFileSize: partial.maxFileSize ?? d.maxFileSize,
    localHostNames: partial.localHostNames ?? d.localHostNames,
  };
}
