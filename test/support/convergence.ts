// The fix properties every rule must keep: "fix all" converges (a second run changes nothing) and
// never adds a finding of warning or above anywhere in the tree. Checked in memory: the fixed
// texts overlay the files on disk, nothing is written.
import { analyzeTree, createNodeHost, fixAll, loadConfig, type AnalysisSettings, type ConfigDiagnostic } from '../../server/src/service';

/** What applying "fix all" twice to a tree did. */
export interface FixTwice {
  before: ConfigDiagnostic[];
  after: ConfigDiagnostic[];
  /** Files the first round changed. */
  changed: string[];
  /** Files the second round would change (must be none). */
  changedAgain: string[];
  /** Warning-or-error findings (code in file) more numerous after the fixes than before. */
  added: string[];
  /** Why the first "fix all" stopped before nothing was left to fix (see FixAllResult). */
  unsettled: string | undefined;
}

function analyse(main: string, texts: ReadonlyMap<string, string>, settings: Partial<AnalysisSettings>, prefix?: string): ConfigDiagnostic[] {
  const host = createNodeHost({ overlay: (file) => (texts.has(file) ? { text: texts.get(file) as string, version: 1 } : undefined) });
  return analyzeTree(loadConfig(main, { host, prefix }), settings);
}

function serious(list: readonly ConfigDiagnostic[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of list) {
    if (d.severity !== 'error' && d.severity !== 'warning') continue;
    const key = `${d.code} in ${d.file}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Applies "fix all" (every round, as the CLI's --fix and the editor's fix-all do) to the tree of
 * `main` twice, in memory, and reports what each did.
 */
export function fixTwice(main: string, settings: Partial<AnalysisSettings> = {}, prefix?: string): FixTwice {
  const host = createNodeHost();
  const disk = (file: string): string | undefined => {
    const r = host.readFile(file);
    return r.kind === 'text' ? r.text : undefined;
  };
  const before = analyse(main, new Map(), settings, prefix);
  const first = fixAll(before, disk, (texts) => analyse(main, texts, settings, prefix));
  const afterFirst = (file: string): string | undefined => (first.files.has(file) ? first.files.get(file) : disk(file));
  const after = analyse(main, first.files, settings, prefix);
  const second = fixAll(after, afterFirst, (texts) => analyse(main, new Map([...first.files, ...texts]), settings, prefix));
  const changedAgain = [...second.files].filter(([file, text]) => afterFirst(file) !== text).map(([file]) => file);
  const was = serious(before);
  const added = [...serious(after)].filter(([key, n]) => n > (was.get(key) ?? 0)).map(([key, n]) => `${key}: ${was.get(key) ?? 0} → ${n}`);
  return { before, after, changed: [...first.files.keys()], changedAgain, added, unsettled: first.unsettled };
}
