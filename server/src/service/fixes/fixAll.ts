import type { ConfigDiagnostic, Fix, TextEdit } from '../diagnostics';
import { selectFixes, type FixSelection } from './applyFixes';

/** At most this many rounds of "fix all" (ESLint's --fix makes at most 10 passes too). */
export const MAX_FIX_ROUNDS = 10;

/** What "fix all" did, round after round, until nothing was left to fix. */
export interface FixAllResult {
  /** The new text of every file a round changed (files changed back to their text are left out). */
  files: Map<string, string>;
  /** Fixes applied, over all rounds. */
  applied: number;
  /** Rounds that changed something. */
  rounds: number;
  /** Fixes of the last round that could not be applied, with the reason. */
  skipped: FixSelection['skipped'];
  /** The fixes the first round applied, as computed against the texts given (empty when it applied none). */
  firstRound: Fix[];
  /**
   * Why fixing stopped before nothing was left to fix: the fixes went round in a circle (a
   * round brought the files back to an earlier state) or MAX_FIX_ROUNDS ran out.
   */
  unsettled?: string;
  /** The diagnostics of the files as they are after the last round. */
  diagnostics: readonly ConfigDiagnostic[];
}

/**
 * "Fix all" to a fixed point: a fix is computed against the files as they are, so applying one
 * round can make another fix possible (a default server that gains a setting lets another
 * server's fix align with it) or lets a fix that overlapped another apply. Each round applies
 * selectFixes' choice to the texts of the round before and analyses them again (`reanalyse`,
 * given the changed texts), until a round changes nothing. Then a second "fix all" changes
 * nothing either, which is what a user means by "fixed" and what a fix-on-save must give.
 */
export function fixAll(
  first: readonly ConfigDiagnostic[],
  readText: (file: string) => string | undefined,
  reanalyse: (texts: ReadonlyMap<string, string>) => readonly ConfigDiagnostic[],
): FixAllResult {
  const texts = new Map<string, string>();
  const current = (file: string): string | undefined => (texts.has(file) ? texts.get(file) : readText(file));
  const stateOf = (): string => [...changedFiles(texts, readText)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, text]) => `${file}\0${text}`).join('\0\0');
  const states = new Set<string>([stateOf()]);
  let diagnostics = first;
  let applied = 0;
  let firstRound: Fix[] = [];
  const settled = (rounds: number, skipped: FixSelection['skipped'], last: readonly ConfigDiagnostic[], unsettled?: string): FixAllResult => {
    const files = changedFiles(texts, readText);
    // Fixes that ended where they started changed nothing: none is counted as applied.
    return { files, applied: files.size > 0 ? applied : 0, rounds, skipped, firstRound, diagnostics: last, ...(unsettled ? { unsettled } : {}) };
  };
  for (let round = 0; ; round++) {
    const selection = selectFixes(diagnostics, current);
    const changed = [...selection.files].filter(([file, text]) => current(file) !== text);
    if (changed.length === 0) return settled(round, selection.skipped, diagnostics);
    if (round === MAX_FIX_ROUNDS) return settled(round, selection.skipped, diagnostics, `fixes still apply after ${MAX_FIX_ROUNDS} rounds`);
    for (const [file, text] of changed) texts.set(file, text);
    if (round === 0) firstRound = selection.fixes;
    applied += selection.fixes.length;
    const state = stateOf();
    if (states.has(state)) return settled(round + 1, selection.skipped, reanalyse(texts), 'the fixes undo each other (a round brought the files back to an earlier state)');
    states.add(state);
    diagnostics = reanalyse(texts);
  }
}

function changedFiles(texts: ReadonlyMap<string, string>, readText: (file: string) => string | undefined): Map<string, string> {
  return new Map([...texts].filter(([file, text]) => readText(file) !== text));
}

/**
 * One edit that turns `before` into `after`: from the first to the last character that differs,
 * widened so that it never starts or ends inside a surrogate pair or a CRLF (an editor would move
 * such a boundary, and the new text would no longer fit).
 */
export function wholeChangeEdit(file: string, before: string, after: string): TextEdit {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  while (start > 0 && (splitsCharacter(before, start) || splitsCharacter(after, start))) start--;
  let tail = 0;
  while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  while (tail > 0 && (splitsCharacter(before, before.length - tail) || splitsCharacter(after, after.length - tail))) tail--;
  return { file, start, end: before.length - tail, newText: after.slice(start, after.length - tail) };
}

/** Whether offset `at` falls between the halves of a surrogate pair or between CR and LF. */
function splitsCharacter(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return false;
  const previous = text.charCodeAt(at - 1);
  const next = text.charCodeAt(at);
  return (previous >= 0xd800 && previous <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) || (previous === 13 && next === 10);
}
