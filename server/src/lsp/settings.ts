import { DEFAULT_ANALYSIS_SETTINGS, type AnalysisSettings, type Severity } from '../service';
import type { ProbeSettings } from './probeHandler';
import { DEFAULT_MAX_PER_FILE } from './diagnosticLimit';

/**
 * The `nginxTls.*` settings the server uses: the analysis settings as the service takes them
 * (the time and workspace trust are added per analysis), and the editor's own.
 */
export interface ServerSettings extends Omit<AnalysisSettings, 'now' | 'readCertificates' | 'localHostNames'> {
  mainConfig: string;
  debounceMs: number;
  /** Diagnostics published per file at most (0: no limit); see diagnosticLimit.ts. */
  maxPerFile: number;
  /** The nginx whose `-V` gives the version when nginxVersion is empty ('' = `nginx` on PATH). */
  nginxBinary: string;
  /** `onSave`: the real nginx -t runs after each save (trusted workspaces only). */
  nginxTest: 'off' | 'onSave';
  /** The nginx -t command as argv, without shell (empty: nginxBinary). */
  nginxTestCommand: string[];
  probe: ProbeSettings;
}

/** Defaults, matching package.json's `contributes.configuration`. */
export const DEFAULT_SETTINGS: ServerSettings = {
  ...DEFAULT_ANALYSIS_SETTINGS,
  mainConfig: '',
  debounceMs: 200,
  maxPerFile: DEFAULT_MAX_PER_FILE,
  nginxBinary: '',
  nginxTest: 'off',
  nginxTestCommand: [],
  probe: { connect: '', caFile: '', warmupMs: 2000, timeoutMs: 15000 },
};
/** `resolver` addresses only (IPv4, [IPv6] or host names, each with an optional :port): nothing that could end the directive. */
const RESOLVER_ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

/** Whether a `nginxTls.quickFix.resolvers` value is safe to paste into a `resolver` directive. */
export function isResolverList(value: string): boolean {
  const parts = value.trim().split(/\s+/);
  return parts.length > 0 && parts[0] !== '' && parts.every((p) => RESOLVER_ADDRESS.test(p));
}

const SEVERITY_SETTINGS = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** Reads the settings object the client returns, keeping defaults for missing or mistyped values. */
export function toServerSettings(raw: unknown): ServerSettings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const diagnostics = (r.diagnostics ?? {}) as Record<string, unknown>;
  const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  const quickFix = (r.quickFix ?? {}) as Record<string, unknown>;
  const probe = (r.probe ?? {}) as Record<string, unknown>;
  const rules = (r.rules ?? {}) as Record<string, unknown>;
  const severities: Record<string, Severity | 'off'> = {};
  for (const [id, value] of Object.entries(rules)) {
    if (typeof value === 'string' && SEVERITY_SETTINGS.has(value)) severities[id] = value as Severity | 'off';
  }
  const version = typeof r.nginxVersion === 'string' && /^\d+\.\d+(\.\d+)?$/.test(r.nginxVersion.trim()) ? r.nginxVersion.trim() : undefined;
  return {
    mainConfig: typeof r.mainConfig === 'string' ? r.mainConfig : DEFAULT_SETTINGS.mainConfig,
    maxFileSize: num(r.maxFileSize, DEFAULT_SETTINGS.maxFileSize),
    debounceMs: num(diagnostics.debounceMs, DEFAULT_SETTINGS.debounceMs),
    maxPerFile: Math.floor(num(diagnostics.maxPerFile, DEFAULT_SETTINGS.maxPerFile)),
    nginxVersion: version,
    nginxBinary: typeof r.nginxBinary === 'string' ? r.nginxBinary.trim() : '',
    nginxTest: r.nginxTest === 'onSave' ? 'onSave' : 'off',
    nginxTestCommand: Array.isArray(r.nginxTestCommand) && r.nginxTestCommand.every((w) => typeof w === 'string') ? r.nginxTestCommand as string[] : [],
    resolvers: typeof quickFix.resolvers === 'string' && isResolverList(quickFix.resolvers) ? quickFix.resolvers.trim() : DEFAULT_SETTINGS.resolvers,
    expiryWarningDays: num(r.certificateExpiryWarningDays, DEFAULT_SETTINGS.expiryWarningDays),
    severities,
    probe: {
      connect: typeof probe.connect === 'string' ? probe.connect.trim() : '',
      caFile: typeof probe.caFile === 'string' ? probe.caFile.trim() : '',
      warmupMs: num(probe.warmupMs, DEFAULT_SETTINGS.probe.warmupMs),
      timeoutMs: num(probe.timeoutMs, DEFAULT_SETTINGS.probe.timeoutMs),
    },
  };
}
