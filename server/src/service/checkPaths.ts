import * as path from 'node:path';
import type { ConfigDiagnostic } from './diagnostics';
import { sortAndDedupe } from './diagnostics';
import type { ConfigHost } from './model/configHost';
import type { ConfigTree } from './model/configTree';
import { loadConfig } from './model/loadConfig';
import { nearestMainConfigDirectory } from './model/locateMainConfig';
import { ParseCache } from './model/parseCache';
import { analyzeTree } from './analyzeTree';
import type { AnalysisSettings } from './settings';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn']);
const MAX_FILES_PER_DIRECTORY_TREE = 20000;

/** The outcome of checking some paths: every tree analysed and its sorted diagnostics. */
export interface CheckResult {
  trees: ConfigTree[];
  diagnostics: ConfigDiagnostic[];
  /** Directories given that hold no nginx.conf or *.conf file. */
  emptyDirectories: string[];
}

function isConfigCandidate(name: string): boolean {
  return name === 'nginx.conf' || name.endsWith('.conf');
}

/** Whether `p` is `root` or inside it (both canonical). */
function isWithin(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Config files under a directory, sorted: nginx.conf roots first (shallowest first), then by path.
 * The scan never leaves the directory's real path (a link to /etc is not followed) and enters
 * each real directory once (two links to `.` end).
 */
export function findConfigCandidates(dir: string, host: ConfigHost): string[] {
  const found: string[] = [];
  const rootReal = host.realpath(dir);
  const visited = new Set<string>([rootReal]);
  const pending = [dir];
  for (let next = 0; next < pending.length && found.length < MAX_FILES_PER_DIRECTORY_TREE; next++) {
    const current = pending[next];
    const entries = host.listDirectory(current);
    if (!entries) continue;
    for (const e of entries) {
      const full = path.join(current, e.name);
      if (e.isDirectory) {
        if (SKIPPED_DIRECTORIES.has(e.name)) continue;
        const real = host.realpath(full);
        if (visited.has(real) || !isWithin(real, rootReal)) continue;
        visited.add(real);
        pending.push(full);
      } else if (isConfigCandidate(e.name) && isWithin(host.realpath(full), rootReal)) {
        found.push(full);
      }
    }
  }
  const depth = (p: string): number => p.split(path.sep).length;
  const isMain = (p: string): number => (path.basename(p) === 'nginx.conf' ? 0 : 1);
  return found.sort((a, b) => isMain(a) - isMain(b) || depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Checks main configs and directories: a file is a main config; a directory contributes every
 * config file in it that no earlier root already included (nginx.conf files first).
 */
export function checkPaths(paths: string[], host: ConfigHost, settings: Partial<AnalysisSettings> = {}): CheckResult {
  const cache = new ParseCache();
  const trees: ConfigTree[] = [];
  // Canonical paths, so that a sites-available file reached through a sites-enabled link counts once.
  const covered = new Set<string>();
  const emptyDirectories: string[] = [];
  const analyse = (root: string, prefix?: string): void => {
    const tree = loadConfig(root, { host, cache, prefix, prefixIsGuess: prefix !== undefined });
    trees.push(tree);
    for (const f of [...tree.files.keys(), ...tree.includedPaths]) covered.add(host.realpath(f));
  };
  for (const p of paths) {
    const abs = path.resolve(p);
    if (host.listDirectory(abs) !== undefined) {
      const candidates = findConfigCandidates(abs, host);
      if (candidates.length === 0) emptyDirectories.push(abs);
      for (const candidate of candidates) {
        if (covered.has(host.realpath(candidate))) continue;
        analyse(candidate, path.basename(candidate) === 'nginx.conf' ? undefined : nearestMainConfigDirectory(candidate, host, abs));
      }
    } else {
      analyse(abs);
    }
  }
  const diagnostics = sortAndDedupe(trees.flatMap((t) => analyzeTree(t, settings)));
  return { trees, diagnostics, emptyDirectories };
}
