import { DEFAULT_MAX_FILE_SIZE } from '../service/model/configHost';

/** The `nginxTls.*` settings the server uses. */
export interface ServerSettings {
  mainConfig: string;
  maxFileSize: number;
  debounceMs: number;
}

/** Defaults, matching package.json's `contributes.configuration`. */
export const DEFAULT_SETTINGS: ServerSettings = {
  mainConfig: '',
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  debounceMs: 200,
};

/** Reads the settings object the client returns, keeping defaults for missing or mistyped values. */
export function toServerSettings(raw: unknown): ServerSettings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const diagnostics = (r.diagnostics ?? {}) as Record<string, unknown>;
  const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  return {
    mainConfig: typeof r.mainConfig === 'string' ? r.mainConfig : DEFAULT_SETTINGS.mainConfig,
    maxFileSize: num(r.maxFileSize, DEFAULT_SETTINGS.maxFileSize),
    debounceMs: num(diagnostics.debounceMs, DEFAULT_SETTINGS.debounceMs),
  };
}
