import type { Severity } from '../diagnostics';

/** Metadata of a directive check: stable id (a CLI and settings contract), severity, summary. */
export interface DirectiveCheckMeta {
  id: string;
  defaultSeverity: Severity;
  summary: string;
}

/**
 * Settings the directive checks honour; RuleSettings (rules/rule.ts) satisfies it, so the
 * analysis can pass its rule settings as they are.
 */
export interface DirectiveCheckSettings {
  /** e.g. "1.26.3"; enables "not in this nginx version" findings for directives of other versions. */
  nginxVersion?: string | undefined;
  /** Per-id severity override, or `off`. */
  severities?: Record<string, Severity | 'off'>;
}

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
