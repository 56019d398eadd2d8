import type { Severity } from '../diagnostics';

/** Metadata of a directive check: stable id (a CLI and settings contract), severity, summary. */
export interface DirectiveCheckMeta {
  id: string;
  defaultSeverity: Severity;
  summary: string;
}
