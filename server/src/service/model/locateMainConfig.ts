import * as path from 'node:path';
import type { ConfigHost } from './configHost';
import type { ConfigTree } from './configTree';
import { loadConfig } from './loadConfig';
import type { ParseCache } from './parseCache';

const MAIN_CONFIG_NAME = 'nginx.conf';
const MAX_LEVELS_UP = 8;

/** Options of {@link loadConfigFor}. */
export interface LocateOptions {
  host: ConfigHost;
  cache?: ParseCache;
  /** An explicit main config (setting `nginxTls.mainConfig`), tried first. */
  mainConfig?: string;
}

/**
 * The config tree an opened file belongs to: the explicit main config if it includes the file,
 * else the nearest `nginx.conf` up the directories that includes it, else the file alone in the
 * context its content implies (relative paths then resolve against the nearest nginx.conf's folder).
 */
export function loadConfigFor(file: string, options: LocateOptions): ConfigTree {
  const target = path.resolve(file);
  const load = (main: string): ConfigTree => loadConfig(main, { host: options.host, cache: options.cache });
  if (options.mainConfig) {
    const tree = load(options.mainConfig);
    if (tree.files.has(target)) return tree;
  }
  if (path.basename(target) === MAIN_CONFIG_NAME) return load(target);
  for (const dir of mainConfigDirectoriesAbove(target, options.host)) {
    const tree = load(path.join(dir, MAIN_CONFIG_NAME));
    if (tree.files.has(target)) return tree;
  }
  return loadConfig(target, {
    host: options.host,
    cache: options.cache,
    prefix: nearestMainConfigDirectory(target, options.host) ?? path.dirname(target),
    prefixIsGuess: true,
  });
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
