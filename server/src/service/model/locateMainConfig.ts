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
  let guessedPrefix: string | undefined;
  let dir = path.dirname(target);
  for (let level = 0; level < MAX_LEVELS_UP; level++) {
    const candidate = path.join(dir, MAIN_CONFIG_NAME);
    if (candidate === target) return load(target);
    if (options.host.exists(candidate)) {
      guessedPrefix ??= dir;
      const tree = load(candidate);
      if (tree.files.has(target)) return tree;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return loadConfig(target, {
    host: options.host,
    cache: options.cache,
    prefix: guessedPrefix ?? path.dirname(target),
    prefixIsGuess: true,
  });
}
