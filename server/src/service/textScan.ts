/**
 * Scans that look only at the characters they need: a check run once per directive must not
 * scan to the end of the line (one 4 MB line would make it quadratic).
 */

/** Whether a `\n` lies in [from, to). */
export function hasNewlineBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) return true;
  return false;
}

/** The start of `offset`'s line when only blanks precede it there, else undefined (scans the blanks only). */
export function blankLineStartBefore(text: string, offset: number): number | undefined {
  let i = offset;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i === 0 || text[i - 1] === '\n' ? i : undefined;
}

/**
 * When only blanks, an optional `#` comment and the line end follow `offset`, the offset of that
 * line end (before `\r\n` / `\n`, or the text's end), else undefined. Scans no further than the
 * first other character, or through the comment.
 */
export function blankLineEndAfter(text: string, offset: number, allowComment: boolean): number | undefined {
  let i = offset;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (allowComment && text[i] === '#') {
    const nl = text.indexOf('\n', i);
    i = nl < 0 ? text.length : nl;
  }
  if (i === text.length) return i;
  if (text[i] === '\n') return text[i - 1] === '\r' && i - 1 >= offset ? i - 1 : i;
  if (text[i] === '\r' && text[i + 1] === '\n') return i;
  return undefined;
}

// V8 makes a substring of 13 characters or more a view of its parent (a "sliced string"), and token
// values are such views of the file's text. A string kept after its analysis (a cache key, a path in
// a certificate cache) must be a copy, or it keeps that whole version of the file alive: typing in
// the 35k-line file retained 1.3 MB per edit.
const SHARES_PARENT_FROM = 13;

/** A copy of `s` that holds only its own characters (flattening the concatenation copies them). */
export function ownCopy(s: string): string {
  return s.length < SHARES_PARENT_FROM ? s : (' ' + s).slice(1);
}
