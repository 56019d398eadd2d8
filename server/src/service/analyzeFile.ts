import * as path from 'node:path';
import type { ConfigDiagnostic } from './diagnostics';
import { sortAndDedupe } from './diagnostics';
import { analyzeTree, type KeptAnalysis } from './analyzeTree';
import { BlockCheckMemo } from './checks/blockCheckMemo';
import { ServerFactsMemo } from './rules/support/serverFactsMemo';
import { completeSettings, type AnalysisSettings } from './settings';
import type { ConfigTree } from './model/configTree';
import type { ParsedFile } from './parser/ast';
import { fileReadsGeneration } from './fileSnapshot';
import { loadConfigFor, type LocateOptions } from './model/locateMainConfig';

/** One opened file's analysis: the tree it was analysed in and the diagnostics on that file. */
export interface FileAnalysis {
  tree: ConfigTree;
  diagnostics: ConfigDiagnostic[];
  /** False when the tree's diagnostics came from an earlier analysis of the same tree (see AnalysisCache). */
  fresh: boolean;
}

const KEPT_TREES = 8;
const NOW_RESOLUTION_MS = 60_000;

/**
 * The diagnostics of recently analysed trees, so that the open files of one tree (a site edited,
 * its 200 siblings open) share one analysis. A tree is the same when it has the same main file,
 * prefix and context, the very same parses (ParseCache hands out one object per file version),
 * the same file problems, the same settings, and the file reads have not been forgotten since
 * (see fileSnapshot.ts): the analysis is then a function of that, and its result is reused. A
 * changed tree keeps the directive checks' findings of its unchanged blocks (see BlockCheckMemo)
 * and the certificates and stapling facts of its unchanged servers (see ServerFactsMemo).
 */
export class AnalysisCache {
  private readonly ids = new WeakMap<ParsedFile, number>();
  private readonly contentKeys = new WeakMap<ConfigTree, string>();
  private nextId = 1;
  /** What the last fresh analysis took from earlier ones: block bodies replayed, server facts reused (for tests and the server's log). */
  lastReuse = { blocks: 0, facts: 0 };
  /** One entry per tree (main file, prefix, context): an older version of a tree is not analysed again. */
  private readonly entries = new Map<string, { key: string; byFile: Map<string, ConfigDiagnostic[]>; kept: KeptAnalysis; tree: ConfigTree }>();

  private idOf(parsed: ParsedFile): number {
    let id = this.ids.get(parsed);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(parsed, id);
    }
    return id;
  }

  /** What the tree is made of (its parses and file problems), once per tree object: the open documents of one tree share it. */
  private contentKey(tree: ConfigTree): string {
    let key = this.contentKeys.get(tree);
    if (key === undefined) {
      const parts: (string | number)[] = [];
      for (const [file, parsed] of tree.files) parts.push(file, this.idOf(parsed));
      for (const d of tree.diagnostics) if (d.code !== 'syntax-error') parts.push(d.file, d.start, d.code, d.message);
      key = parts.join('\0');
      this.contentKeys.set(tree, key);
    }
    return key;
  }

  /** The tree's diagnostics by file, analysed now or taken from an earlier identical tree. */
  diagnosticsByFile(tree: ConfigTree, settings: AnalysisSettings, generation: number | undefined): { byFile: Map<string, ConfigDiagnostic[]>; fresh: boolean } {
    if (generation === undefined) return { byFile: groupByFile(sortAndDedupe(analyzeTree(tree, settings))), fresh: true };
    const identity = [tree.mainFile, tree.prefix, tree.rootContext.join(' ')].join('\0');
    const settingsJson = JSON.stringify({ ...settings, now: Math.floor(settings.now.getTime() / NOW_RESOLUTION_MS), localHostNames: [...settings.localHostNames] });
    const kept = this.entries.get(identity);
    this.entries.delete(identity);
    // The same tree object as last time (the other open documents of a tree just analysed): its content key is the same.
    const sameTree = kept?.tree === tree && kept.kept.generation === generation && kept.kept.settingsKey === settingsJson;
    const key = sameTree ? kept.key : [generation, this.contentKey(tree), settingsJson].join('\0');
    const fresh = kept?.key !== key;
    const memos: KeptAnalysis = { blocks: kept?.kept.blocks ?? new BlockCheckMemo(), facts: kept?.kept.facts ?? new ServerFactsMemo(), generation, settingsKey: settingsJson };
    const byFile = kept && !fresh ? kept.byFile : groupByFile(sortAndDedupe(analyzeTree(tree, settings, memos)));
    if (fresh) this.lastReuse = { blocks: memos.blocks.replayedBlocks, facts: memos.facts.reused };
    if (this.entries.size >= KEPT_TREES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(identity, { key, byFile, kept: memos, tree });
    return { byFile, fresh };
  }
}

function groupByFile(diagnostics: ConfigDiagnostic[]): Map<string, ConfigDiagnostic[]> {
  const byFile = new Map<string, ConfigDiagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  return byFile;
}

/**
 * Analyses an opened file in the config tree it belongs to (see loadConfigFor) and returns the
 * diagnostics located in that file. With `analysisCache` (and file reads kept in a snapshot, see
 * fileSnapshot.ts), an identical tree is analysed once for all its files.
 */
export function analyzeFile(
  file: string,
  options: LocateOptions & { analysisCache?: AnalysisCache; settings: Partial<AnalysisSettings> },
): FileAnalysis {
  const target = path.resolve(file);
  const tree = loadConfigFor(target, options);
  const settings = completeSettings(options.settings);
  const { byFile, fresh } = (options.analysisCache ?? new AnalysisCache()).diagnosticsByFile(tree, settings, options.analysisCache ? fileReadsGeneration() : undefined);
  return { tree, diagnostics: [...(byFile.get(target) ?? [])], fresh };
}
