import type { ConfigDiagnostic } from './diagnostics';
import type { ConfigTree } from './model/configTree';
import { checkBlockStructure } from './structure/checkBlockStructure';

/** Settings the analysis honours (the `nginxTls.*` settings, minus the editor-only ones). */
export interface AnalysisSettings {
  maxFileSize?: number;
}

/** All diagnostics of a loaded tree: syntax, include and file problems first, then the rules. */
export function analyzeTree(tree: ConfigTree, _settings: AnalysisSettings): ConfigDiagnostic[] {
  return [...tree.diagnostics, ...checkBlockStructure(tree)];
}
