import * as path from 'node:path';
import type { ConfigDiagnostic } from './diagnostics';
import { sortAndDedupe } from './diagnostics';
import { analyzeTree } from './analyzeTree';
import type { AnalysisSettings } from './settings';
import type { ConfigHost } from './model/configHost';
import type { ConfigTree } from './model/configTree';
import { loadConfigFor } from './model/locateMainConfig';
import type { ParseCache } from './model/parseCache';

/** One opened file's analysis: the tree it was analysed in and the diagnostics on that file. */
export interface FileAnalysis {
  tree: ConfigTree;
  diagnostics: ConfigDiagnostic[];
}

/**
 * Analyses an opened file in the config tree it belongs to (see loadConfigFor) and returns the
 * diagnostics located in that file.
 */
export function analyzeFile(
  file: string,
  options: { host: ConfigHost; cache?: ParseCache; mainConfig?: string; settings: Partial<AnalysisSettings> },
): FileAnalysis {
  const target = path.resolve(file);
  const tree = loadConfigFor(target, options);
  const all = sortAndDedupe(analyzeTree(tree, options.settings));
  return { tree, diagnostics: all.filter((d) => d.file === target) };
}
