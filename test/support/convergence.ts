// The fix properties every rule must keep: "fix all" converges (a second run changes nothing) and
// never adds a finding of warning or above anywhere in the tree. Checked in memory: the fixed
// texts overlay the files on disk, nothing is written.
import { analyzeTree, createNodeHost, loadConfig, planFixes, type AnalysisSettings, type ConfigDiagnostic } from '../../server/src/service';

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
}

function analyse(main: string, texts: Map<string, string>, settings: Partial<AnalysisSettings>, prefix?: string): ConfigDiagnostic[] {
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

/** Applies "fix all" to the tree of `main` twice (in memory) and reports what each round did. */
export function fixTwice(main: string, settings: Partial<AnalysisSettings> = {}, prefix?: string): FixTwice {
  const texts = new Map<string, string>();
  const host = createNodeHost();
  const readText = (file: string): string | undefined => {
    if (texts.has(file)) return texts.get(file);
    const r = host.readFile(file);
    return r.kind === 'text' ? r.text : undefined;
  };
  const before = analyse(main, texts, settings, prefix);
  const first = planFixes(before, readText);
  for (const [file, text] of first.files) texts.set(file, text);
  const after = analyse(main, texts, settings, prefix);
  const second = planFixes(after, readText);
  const changedAgain = [...second.files].filter(([file, text]) => readText(file) !== text).map(([file]) => file);
  const was = serious(before);
  const added = [...serious(after)].filter(([key, n]) => n > (was.get(key) ?? 0)).map(([key, n]) => `${key}: ${was.get(key) ?? 0} → ${n}`);
  return { before, after, changed: [...first.files.keys()], changedAgain, added };
}
