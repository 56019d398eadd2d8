import type { ConfigDiagnostic, Severity } from './diagnostics';

/**
 * The one way a diagnostic enters an analysis: every producer (loader, structure, directive
 * checks, rules) reports through it, and it applies the severity settings (`off` drops the code).
 */
export interface Reporter {
  /** Whether a code is reported at all (producers may skip the work for codes set to `off`). */
  enabled(code: string): boolean;
  /** Adds a diagnostic, its severity replaced by the code's override when one is set. */
  report(diagnostic: ConfigDiagnostic): void;
  /** What was reported so far, in order. */
  readonly diagnostics: ConfigDiagnostic[];
}

/** A reporter honouring per-code severity overrides. */
export function createReporter(severities: Readonly<Record<string, Severity | 'off'>> = {}): Reporter {
  const diagnostics: ConfigDiagnostic[] = [];
  return {
    diagnostics,
    enabled: (code) => severities[code] !== 'off',
    report(diagnostic) {
      const override = severities[diagnostic.code];
      if (override === 'off') return;
      diagnostics.push(override ? { ...diagnostic, severity: override } : diagnostic);
    },
  };
}
