import type { Block, Comment, Directive, ParsedFile, QuoteKind, SyntaxProblem, Token } from './ast';
import { quoteExcerpt } from '../quote';
import { scanLuaBlock } from './luaBlock';

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const SQUOTE = 39;
const RPAREN = 41;
const SEMICOLON = 59;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const BYTE_ORDER_MARK = 0xfeff;

const ORDINARY = 0;
const ENDS_WORD = 1;
const OPENS_BLOCK = 2;
const ESCAPES = 3;
const STARTS_VARIABLE = 4;

/** How each ASCII character acts inside an unquoted word (ngx_conf_read_token). */
const WORD_CHAR_KIND = (() => {
  const table = new Uint8Array(128);
  for (const c of [SPACE, TAB, CR, LF, SEMICOLON]) table[c] = ENDS_WORD;
  table[LBRACE] = OPENS_BLOCK;
  table[BACKSLASH] = ESCAPES;
  table[DOLLAR] = STARTS_VARIABLE;
  return table;
})();

/** Deeper nesting than this is reported once and the rest of the file is skipped. */
export const MAX_NESTING_DEPTH = 256;

const LUA_BLOCK_SUFFIX = '_by_lua_block';

/** How the problems begin that make a parse depend on the text after them (see reparse). */
export const TOO_DEEP = `blocks nested deeper than ${MAX_NESTING_DEPTH} levels`;
export const UNTERMINATED_STRING = 'unterminated string';

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

function describeChar(c: number): string {
  return String.fromCharCode(c);
}

/** nginx's unescaping of a word (ngx_conf_read_token): only \" \' \\ \t \r \n are special. */
function unescape(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1];
      if (n === '"' || n === "'" || n === '\\') { out += n; i++; continue; }
      if (n === 't') { out += '\t'; i++; continue; }
      if (n === 'r') { out += '\r'; i++; continue; }
      if (n === 'n') { out += '\n'; i++; continue; }
    }
    out += c;
  }
  return out;
}

interface OpenBlock {
  directive: Directive | undefined;
  block: Block;
  list: Directive[];
}

/** Part of the body of one block, read on its own (see parseBlockBody). */
export interface ParsedBody {
  children: Directive[];
  comments: Comment[];
  problems: SyntaxProblem[];
  /** Where the reading ended: at the `}` that closes the block, or after a statement at one of the offsets it could stop at. */
  end: { close: number } | { after: number };
}

/**
 * Offsets, from `from` on, where a body's reading may stop once a statement of the body ends there;
 * `last`: the reading gives up past it (no stop and no `}` it could still end at lies beyond).
 */
export interface StopAfter {
  from: number;
  at: ReadonlySet<number>;
  last: number;
}

/** Where a scan starts: the start of the file, or at a statement's start in a block opened `depth` levels deep. */
interface ScanStart {
  at: number;
  depth: number;
  stop: StopAfter | undefined;
}

/**
 * Parses nginx configuration text the way nginx's ngx_conf_read_token reads it, keeping offsets
 * of every token, all comments, and every syntax error (recovering after each one).
 */
export function parseConfig(text: string, path: string): ParsedFile {
  const scanned = scan(text, path, undefined);
  return { path, text, directives: scanned.directives, comments: scanned.comments, problems: scanned.problems };
}

/**
 * Reads the body of a block nested `depth` levels deep from `at` (just after its `{`, or where one
 * of its statements starts) up to the `}` that closes it, or up to the end of a statement at one of
 * `stop`'s offsets: what a whole-file parse finds there, since nginx's reading from a statement's
 * start depends only on the text from there and the depth (the directives' nesting is the blocks'
 * own: a block opened without a name keeps none of what it holds). Undefined when the file ends
 * first, the reading passes `stop.last`, or nesting runs too deep.
 */
export function parseBlockBody(text: string, path: string, at: number, depth: number, stop?: StopAfter): ParsedBody | undefined {
  const scanned = scan(text, path, { at, depth, stop });
  if (scanned.stopped) return undefined;
  const end = scanned.close !== undefined ? { close: scanned.close } : scanned.after !== undefined ? { after: scanned.after } : undefined;
  return end && { children: scanned.directives, comments: scanned.comments, problems: scanned.problems, end };
}

function scan(text: string, path: string, from: ScanStart | undefined): { directives: Directive[]; comments: Comment[]; problems: SyntaxProblem[]; close: number | undefined; after: number | undefined; stopped: boolean } {
  const directives: Directive[] = [];
  const comments: Comment[] = [];
  const problems: SyntaxProblem[] = [];
  const len = text.length;
  const stack: OpenBlock[] = [];
  const outerDepth = from?.depth ?? 0;
  let list = directives;
  // The statement being read: its name token, then its arguments.
  let nameWord: Token | undefined;
  let argWords: Token[] = [];
  let i = from?.at ?? 0;
  // A body scan ends at the `}` of its block, or after a statement at one of its stop offsets; a nesting too deep stops any scan.
  let close: number | undefined;
  let after: number | undefined;
  let stopped = false;
  const stopsAt = (offset: number): boolean => from?.stop !== undefined && stack.length === 0 && offset >= from.stop.from && from.stop.at.has(offset);
  if (!from && text.charCodeAt(0) === BYTE_ORDER_MARK) {
    problems.push({
      start: 0,
      end: 1,
      message: 'the file starts with a UTF-8 byte-order mark: nginx reads it as part of the first directive\'s name and fails with unknown directive',
      fix: { title: 'Remove the byte-order mark', start: 0, end: 1, newText: '' },
    });
    i = 1;
  }

  // Problems are pushed in the order of their start (the byte-order mark at 0, the rest where the
  // scan is, the end of the file last): reparse splices the list by start.
  const problem = (start: number, end: number, message: string, related?: SyntaxProblem['related']): void => {
    problems.push(related ? { start, end, message, related } : { start, end, message });
  };

  const makeDirective = (end: number): Directive => {
    const nameToken = nameWord as Token;
    const d: Directive = {
      name: nameToken.value,
      nameToken,
      args: argWords,
      start: nameToken.start,
      end,
      semicolon: undefined,
      block: undefined,
      luaBody: undefined,
      file: path,
    };
    nameWord = undefined;
    argWords = [];
    return d;
  };

  const finishStatement = (semicolon: number | undefined, end: number): Directive => {
    const d = makeDirective(end);
    d.semicolon = semicolon;
    list.push(d);
    return d;
  };

  const addWord = (token: Token): void => {
    if (nameWord) argWords.push(token);
    else nameWord = token;
  };

  /** The statement's text so far, for messages. */
  const statementText = (): string => quoteExcerpt(text, (nameWord as Token).start, (argWords.length ? argWords[argWords.length - 1] : (nameWord as Token)).end);
  const lastWordEnd = (): number => (argWords.length ? argWords[argWords.length - 1] : (nameWord as Token)).end;

  const pushWord = (start: number, end: number, quote: QuoteKind): void => {
    const inner = quote ? text.slice(start + 1, end - 1) : text.slice(start, end);
    addWord({ start, end, value: unescape(inner), raw: quote ? text.slice(start, end) : inner, quote });
  };

  const last = from?.stop?.last ?? len;
  while (i < len) {
    if (i > last) {
      stopped = true;
      break;
    }
    const c = text.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }

    if (c === HASH) {
      let e = text.indexOf('\n', i);
      if (e < 0) e = len;
      const textEnd = e > i && text.charCodeAt(e - 1) === CR ? e - 1 : e;
      comments.push({ start: i, end: textEnd, text: text.slice(i + 1, textEnd) });
      i = e;
      continue;
    }

    if (c === SEMICOLON) {
      if (!nameWord) problem(i, i + 1, 'unexpected ";"');
      else {
        finishStatement(i, i + 1);
        if (stopsAt(i + 1)) {
          after = i + 1;
          break;
        }
      }
      i++;
      continue;
    }

    if (c === LBRACE) {
      if (outerDepth + stack.length >= MAX_NESTING_DEPTH) {
        problem(i, i + 1, `${TOO_DEEP}: the rest of the file is not analysed`);
        nameWord = undefined;
        argWords = [];
        stopped = true;
        break;
      }
      let directive: Directive | undefined;
      if (!nameWord) {
        problem(i, i + 1, 'unexpected "{"');
      } else {
        directive = makeDirective(i + 1);
        list.push(directive);
      }
      if (directive && directive.name.endsWith(LUA_BLOCK_SUFFIX)) {
        const lua = scanLuaBlock(text, i + 1);
        directive.luaBody = { start: i + 1, end: lua.end };
        directive.block = { start: i, end: lua.closed ? lua.end + 1 : len, open: i, close: lua.closed ? lua.end : undefined, children: [] };
        directive.end = directive.block.end;
        if (!lua.closed) {
          problem(len, len, 'unexpected end of file, expecting "}"', [
            { start: i, end: i + 1, message: `the Lua block of "${directive.name}" opened here is never closed` },
          ]);
        }
        i = directive.block.end;
        if (lua.closed && stopsAt(i)) {
          after = i;
          break;
        }
        continue;
      }
      const block: Block = { start: i, end: i + 1, open: i, close: undefined, children: [] };
      if (directive) directive.block = block;
      stack.push({ directive, block, list });
      list = block.children;
      i++;
      continue;
    }

    if (c === RBRACE) {
      if (nameWord) {
        // After `"quoted"}` nginx stops at the `}` once; the quote check already reported it.
        const reported = problems.length > 0 && problems[problems.length - 1].start === i;
        if (!reported) problem(i, i + 1, `unexpected "}": expected ";" after "${statementText()}"`);
        finishStatement(undefined, lastWordEnd());
      }
      const top = stack.pop();
      if (!top && from) {
        close = i;
        break;
      }
      if (!top) {
        problem(i, i + 1, 'unexpected "}"');
      } else {
        top.block.close = i;
        top.block.end = i + 1;
        if (top.directive) top.directive.end = i + 1;
        list = top.list;
        if (top.directive && stopsAt(i + 1)) {
          after = i + 1;
          break;
        }
      }
      i++;
      continue;
    }

    if (c === DQUOTE || c === SQUOTE) {
      const start = i;
      let j = i + 1;
      while (j < len) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) { j += 2; continue; }
        if (d === c) break;
        j++;
      }
      if (j >= len) {
        let lineEnd = text.indexOf('\n', start);
        if (lineEnd < 0) lineEnd = len;
        problem(start, lineEnd, `${UNTERMINATED_STRING}: the ${c === DQUOTE ? 'double' : 'single'} quote opened here is never closed`);
        addWord({ start, end: lineEnd, value: unescape(text.slice(start + 1, lineEnd)), raw: text.slice(start, lineEnd), quote: c === DQUOTE ? '"' : "'" });
        finishStatement(undefined, lineEnd);
        i = lineEnd;
        continue;
      }
      pushWord(start, j + 1, c === DQUOTE ? '"' : "'");
      i = j + 1;
      if (i < len) {
        const n = text.charCodeAt(i);
        if (!isSpace(n) && n !== SEMICOLON && n !== LBRACE && n !== RPAREN) {
          problem(i, i + 1, `unexpected "${describeChar(n)}" after a quoted string: a space, ";" or "{" must follow it`);
        }
      }
      continue;
    }

    const start = i;
    let variable = false;
    let j = i;
    while (j < len) {
      const d = text.charCodeAt(j);
      const kind = d < 128 ? WORD_CHAR_KIND[d] : ORDINARY;
      if (kind === ORDINARY) { variable = false; j++; continue; }
      if (kind === ENDS_WORD) break;
      if (kind === OPENS_BLOCK) {
        if (!variable) break;
        j++;
        continue;
      }
      variable = kind === STARTS_VARIABLE;
      j += kind === ESCAPES ? 2 : 1;
    }
    if (j > len) j = len;
    pushWord(start, j, '');
    i = j;
  }

  if (from) return { directives, comments, problems, close, after, stopped };
  if (nameWord) {
    problem(len, len, `unexpected end of file, expecting ";" or "}" after "${statementText()}"`);
    finishStatement(undefined, lastWordEnd());
  } else if (stack.length > 0) {
    const innermost = stack[stack.length - 1];
    const name = innermost.directive ? `"${innermost.directive.name}"` : 'block';
    problem(len, len, 'unexpected end of file, expecting "}"', [
      { start: innermost.block.open, end: innermost.block.open + 1, message: `the ${name} block opened here is never closed` },
    ]);
  }
  for (const open of stack) {
    open.block.end = len;
    if (open.directive) open.directive.end = len;
  }

  return { directives, comments, problems, close, after, stopped };
}
