import * as path from 'node:path';

/**
 * Loads a sibling bundle of dist/ by file name. Callers test `NGINX_TLS_SPLIT` themselves, at the
 * call site, so that esbuild drops the source branch (and what it imports) from the bundle.
 */
export function requireBundle<T>(file: string): T {
  return require(path.join(__dirname, file)) as T;
}
