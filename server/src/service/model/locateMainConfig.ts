import * as path from 'node:path';
import type { ConfigHost } from './configHost';
import type { ConfigTree } from './configTree';
import { loadConfig, type LoadOptions } from './loadConfig';
import type { ParseCache } from './parseCache';

const MAIN_CONFIG_NAME = 'nginx.conf';
const MAX_LEVELS_UP = 8;

/** Options of {@link loadConfigFor}. */
export interface LocateOptions {
  host: ConfigHost;
  cache?: ParseCache;
  /** An explicit main config (setting `nginxTls.mainConfig`), tried first. */
  mainConfig?: string;
  /** Trees loaded earlier from the same file-system state (the caller clears it when files change). */
  trees?: TreeCache;
  /** Called with every tree loaded to place the file, candidates that do not include it too. */
  onTree?: (tree: ConfigTree) => void;
  /** The paths the editor has included files open under (see LoadOptions.openedAs); the trees in `trees` were loaded with the same. */
  openedAs?: (included: string) => string | undefined;
}

/**
 * Loaded trees by main file and load options, valid while the host answers as it did: the
 * editor clears it on every document change and when the file reads are forgotten.
 */
export class TreeCache {
  private readonly trees = new Map<string, ConfigTree>();

  /** The tree of `key`, loaded by `load` unless kept. */
  get(key: string, load: () => ConfigTree): ConfigTree {
    let tree = this.trees.get(key);
    if (!tree) {
      tree = load();
      this.trees.set(key, tree);
    }
    return tree;
  }

  /** Forgets every tree (a document or a file changed). */
  clear(): void {
    this.trees.clear();
  }
}

/** Whether loading `tree` read `file` (its main config or a file it included). */
export function treeReadFile(tree: Pick<ConfigTree, 'mainFile' | 'includedPaths'>, file: string): boolean {
  return tree.mainFile === file || tree.includedPaths.has(file);
}

/**
 * The config tree an opened file belongs to: the explicit main config if it includes the file,
 * else the nearest `nginx.conf` up the directories that includes it, else the first of those
 * that includes it through a link (the tree then names the file as opened, see
 * LoadOptions.openedAs), else the file alone in the context its content implies (relative paths
 * then resolve against the nearest nginx.conf's folder).
 */
export function loadConfigFor(file: string, options: LocateOptions): ConfigTree {
  const target = path.resolve(file);
  const loadWith = (main: string, extra: Pick<LoadOptions, 'prefix' | 'prefixIsGuess'> & { linked?: string }): ConfigTree => {
    const { linked, ...rest } = extra;
    const real = linked === undefined ? undefined : options.host.realpath(linked);
    const openedAs = linked === undefined ? options.openedAs : (included: string): string | undefined => options.openedAs?.(included) ?? (options.host.realpath(included) === real ? linked : undefined);
    const run = (): ConfigTree => loadConfig(main, { host: options.host, cache: options.cache, openedAs, ...rest });
    const tree = options.trees ? options.trees.get(JSON.stringify([path.resolve(main), extra.prefix, extra.prefixIsGuess, linked]), run) : run();
    options.onTree?.(tree);
    return tree;
  };
  const load = (main: string): ConfigTree => loadWith(main, {});
  const candidates: ConfigTree[] = [];
  if (options.mainConfig) {
    const tree = load(options.mainConfig);
    if (tree.files.has(target)) return tree;
    candidates.push(tree);
  }
  if (path.basename(target) === MAIN_CONFIG_NAME) return load(target);
  for (const dir of mainConfigDirectoriesAbove(target, options.host)) {
    const tree = load(path.join(dir, MAIN_CONFIG_NAME));
    if (tree.files.has(target)) return tree;
    candidates.push(tree);
  }
  // Included through a link (or another path to the same file): the tree then names the file as opened.
  const real = options.host.realpath(target);
  const including = candidates.find((tree) => [...tree.includedPaths].some((f) => tree.files.has(f) && options.host.realpath(f) === real));
  if (including) return loadWith(including.mainFile, { linked: target });
  return loadWith(target, { prefix: nearestMainConfigDirectory(target, options.host) ?? path.dirname(target), prefixIsGuess: true });
}

/**
 * The folders holding an `nginx.conf`, from a file's own folder upwards: at most a few levels,
 * or up to and including `top` when given.
 */
export function* mainConfigDirectoriesAbove(file: string, host: ConfigHost, top?: string): Generator<string> {
  let dir = path.dirname(file);
  for (let level = 0; top !== undefined || level < MAX_LEVELS_UP; level++) {
    if (host.exists(path.join(dir, MAIN_CONFIG_NAME))) yield dir;
    const parent = path.dirname(dir);
    if (dir === top || parent === dir) return;
    dir = parent;
  }
}

/** The folder of the closest `nginx.conf` above a file (nginx's prefix for a file analysed alone). */
export function nearestMainConfigDirectory(file: string, host: ConfigHost, top?: string): string | undefined {
  return mainConfigDirectoriesAbove(file, host, top).next().value ?? undefined;
}
