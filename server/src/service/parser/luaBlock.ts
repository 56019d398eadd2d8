const DQUOTE = 34;
const SQUOTE = 39;
const HYPHEN = 45;
const EQUALS = 61;
const LBRACKET = 91;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LF = 10;

/** Where a Lua block body ends: `end` is the offset of its closing `}` (or the text length). */
export interface LuaBlockEnd {
  end: number;
  closed: boolean;
}

/** Length of a Lua long bracket opener `[==[` at `i`, or -1; the level is the number of `=`. */
function longBracketLevel(text: string, i: number): number {
  if (text.charCodeAt(i) !== LBRACKET) return -1;
  let j = i + 1;
  while (text.charCodeAt(j) === EQUALS) j++;
  return text.charCodeAt(j) === LBRACKET ? j - i - 1 : -1;
}

function skipLongBracket(text: string, i: number, level: number): number {
  const close = ']' + '='.repeat(level) + ']';
  const e = text.indexOf(close, i + level + 2);
  return e < 0 ? text.length : e + close.length;
}

/**
 * Finds the `}` that closes a `*_by_lua_block` body starting at `from` (just after its `{`),
 * skipping Lua strings, long strings and comments, as lua-nginx-module's block reader does.
 */
export function scanLuaBlock(text: string, from: number): LuaBlockEnd {
  const len = text.length;
  let depth = 0;
  let i = from;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === DQUOTE || c === SQUOTE) {
      let j = i + 1;
      while (j < len) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) { j += 2; continue; }
        if (d === c || d === LF) break;
        j++;
      }
      i = j + 1;
      continue;
    }
    if (c === HYPHEN && text.charCodeAt(i + 1) === HYPHEN) {
      const level = longBracketLevel(text, i + 2);
      if (level >= 0) { i = skipLongBracket(text, i + 2, level); continue; }
      const e = text.indexOf('\n', i);
      i = e < 0 ? len : e + 1;
      continue;
    }
    if (c === LBRACKET) {
      const level = longBracketLevel(text, i);
      if (level >= 0) { i = skipLongBracket(text, i, level); continue; }
      i++;
      continue;
    }
    if (c === LBRACE) depth++;
    else if (c === RBRACE) {
      if (depth === 0) return { end: i, closed: true };
      depth--;
    }
    i++;
  }
  return { end: len, closed: false };
}
