import * as path from 'node:path';
import type { ConfigHost } from './configHost';

/** Whether an include path is a glob pattern as nginx decides it (ngx_conf_include: `*`, `?`, `[`). */
export function isGlobPattern(p: string): boolean {
  return /[*?[]/.test(p);
}

/** One element of a compiled segment: a literal character, `?`, `*`, or a bracket class. */
type GlobToken =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; negate: boolean; ranges: [string, string][] };

function compileSegment(segment: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '\\' && i + 1 < segment.length) tokens.push({ kind: 'char', char: segment[++i] });
    else if (c === '[') {
      const parsed = compileClass(segment, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else tokens.push({ kind: 'char', char: c });
    } else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

/** A bracket expression at `open` (`[!a-z]`, `[]x]`), or undefined when it is not closed (then `[` is literal). */
function compileClass(segment: string, open: number): { token: GlobToken; end: number } | undefined {
  let i = open + 1;
  const negate = segment[i] === '!' || segment[i] === '^';
  if (negate) i++;
  const ranges: [string, string][] = [];
  let first = true;
  while (i < segment.length) {
    let c = segment[i];
    if (c === ']' && !first) return { token: { kind: 'class', negate, ranges }, end: i };
    first = false;
    if (c === '\\' && i + 1 < segment.length) c = segment[++i];
    if (segment[i + 1] === '-' && i + 2 < segment.length && segment[i + 2] !== ']') {
      let hi = segment[i + 2];
      i += 2;
      if (hi === '\\' && i + 1 < segment.length) hi = segment[++i];
      ranges.push([c, hi]);
    } else ranges.push([c, c]);
    i++;
  }
  return undefined;
}

function matchesToken(token: GlobToken, c: string): boolean {
  switch (token.kind) {
    case 'char': return token.char === c;
    case 'any': return true;
    case 'class': return token.ranges.some(([lo, hi]) => lo <= c && c <= hi) !== token.negate;
    case 'star': return true;
  }
}

/**
 * Whether `name` matches a compiled segment, in O(pattern × name) time at worst like glibc's
 * fnmatch: on a mismatch only the last `*` is retried one character further, never every `*`.
 */
function matchSegment(tokens: readonly GlobToken[], name: string): boolean {
  let t = 0;
  let n = 0;
  let starT = -1;
  let starN = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      starT = t++;
      starN = n;
    } else if (token && matchesToken(token, name[n])) {
      t++;
      n++;
    } else if (starT >= 0) {
      t = starT + 1;
      n = ++starN;
    } else return false;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/** Whether a file name matches one glob segment as glob(3) matches it (no regular expression built). */
export function matchGlobSegment(segment: string, name: string): boolean {
  return matchSegment(compileSegment(segment), name);
}

/** The names of a directory listing that match a glob segment, by listing (kept while the listing is, see fileSnapshot.ts), directory and segment. */
const matchesByListing = new WeakMap<object, Map<string, readonly string[]>>();

/** The paths in `dir` whose names match `segment` (directories only unless it is the last), sorted bytewise; remembered per listing. */
function matchesIn(dir: string, entries: readonly { name: string; isDirectory: boolean }[], segment: string, last: boolean): readonly string[] {
  let byKey = matchesByListing.get(entries);
  if (!byKey) matchesByListing.set(entries, (byKey = new Map()));
  const key = `${last ? 'f' : 'd'}${dir}\0${segment}`;
  const known = byKey.get(key);
  if (known) return known;
  const tokens = compileSegment(segment);
  const dotOk = segment.startsWith('.');
  const found: string[] = [];
  for (const entry of entries) {
    if (!dotOk && entry.name.startsWith('.')) continue;
    if (!last && !entry.isDirectory) continue;
    // A directory entry's name has no slash and is never "." or "..": joining is appending (path.join normalised it again, per entry).
    if (matchSegment(tokens, entry.name)) found.push(dir.endsWith('/') ? dir + entry.name : `${dir}/${entry.name}`);
  }
  found.sort(bytewise);
  byKey.set(key, found);
  return found;
}

const bytewise = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Expands an absolute glob like POSIX glob(3) with no flags, as nginx's `include` does: each
 * segment matched separately, a leading dot only matched explicitly, results sorted bytewise.
 * An include of `sites/*.conf` in a tree of 200 sites matches the directory's listing once
 * while the listing is kept, not on every edit.
 */
export function expandGlob(pattern: string, host: ConfigHost): string[] {
  const root = path.parse(pattern).root || '/';
  const segments = pattern.slice(root.length).split('/').filter((s) => s.length > 0);
  let current = [root];
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s];
    const last = s === segments.length - 1;
    const glob = isGlobPattern(segment);
    const next: string[] = [];
    for (const dir of current) {
      if (!glob) {
        const candidate = path.join(dir, segment);
        if (last ? host.exists(candidate) : host.listDirectory(candidate) !== undefined) next.push(candidate);
        continue;
      }
      const entries = host.listDirectory(dir);
      if (entries) for (const match of matchesIn(dir, entries, segment, last)) next.push(match);
    }
    current = next;
    if (current.length === 0) break;
  }
  return current.sort(bytewise);
}
