// Builds a probe finding; its severity comes from the one table of codes (types.ts).
import type { Span, ProbeFinding, ProbeFindingCode } from './types';
import { PROBE_FINDING_CODES } from './types';

/** What a finding says beyond its code and message. */
export interface FindingDetails {
  expected: string;
  observed: string;
  configLocation: Span | undefined;
}

/** A finding with the code's declared severity. */
export function finding(code: ProbeFindingCode, message: string, details: FindingDetails): ProbeFinding {
  return {
    code,
    severity: PROBE_FINDING_CODES[code],
    message,
    expected: details.expected,
    observed: details.observed,
    ...(details.configLocation ? { configLocation: details.configLocation } : {}),
  };
}
