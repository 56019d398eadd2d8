import * as path from 'node:path';
import type { ConfigHost } from './configHost';

/** Whether an include path is a glob pattern as nginx decides it (ngx_conf_include: `*`, `?`, `[`). */
export function isGlobPattern(p: string): boolean {
  return /[*?[]/.test(p);
}

function segmentToRegExp(segment: string): RegExp {
  let re = '^';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < segment.length) re += escapeRegExp(segment[++i]);
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) { re += '\\['; continue; }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`${re}$`, 's');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Expands an absolute glob like POSIX glob(3) with no flags, as nginx's `include` does: each
 * segment matched separately, a leading dot only matched explicitly, results sorted bytewise.
 */
export function expandGlob(pattern: string, host: ConfigHost): string[] {
  const root = path.parse(pattern).root || '/';
  const segments = pattern.slice(root.length).split('/').filter((s) => s.length > 0);
  let current = [root];
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s];
    const last = s === segments.length - 1;
    const next: string[] = [];
    if (!isGlobPattern(segment)) {
      for (const dir of current) {
        const candidate = path.join(dir, segment);
        if (last ? host.exists(candidate) : host.listDirectory(candidate) !== undefined) next.push(candidate);
      }
    } else {
      const re = segmentToRegExp(segment);
      const dotOk = segment.startsWith('.');
      for (const dir of current) {
        const entries = host.listDirectory(dir);
        if (!entries) continue;
        for (const entry of entries) {
          if (!dotOk && entry.name.startsWith('.')) continue;
          if (!last && !entry.isDirectory) continue;
          if (re.test(entry.name)) next.push(path.join(dir, entry.name));
        }
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
