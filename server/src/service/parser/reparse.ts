import type { Block, Comment, Directive, ParsedFile, SyntaxProblem, Token } from './ast';
import { parseBlockBody, TOO_DEEP, UNTERMINATED_STRING, type ParsedBody } from './parseConfig';
import { ownCopy } from '../textScan';

/** Where two versions of a text differ: `[start, oldEnd)` of the old became `[start, oldEnd + delta)` of the new. */
export interface TextChange {
  start: number;
  oldEnd: number;
  delta: number;
}

/** Characters compared at once while looking for the change (native string comparison, not a loop). */
const CHUNK = 4096;

/** The one range where `before` and `after` differ: their common prefix and suffix around it. */
export function changeBetween(before: string, after: string): TextChange {
  const most = Math.min(before.length, after.length);
  let start = 0;
  while (start + CHUNK <= most && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < most && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  const tailMost = most - start;
  while (tail + CHUNK <= tailMost && before.slice(before.length - tail - CHUNK, before.length - tail) === after.slice(after.length - tail - CHUNK, after.length - tail)) tail += CHUNK;
  while (tail < tailMost && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, delta: after.length - before.length };
}

/**
 * The directives from the top level down to the innermost block whose `{` and `}` both lie
 * outside the change (the body holds all of it); empty when no block does, or when that block is
 * one the file ends in (never closed: its body runs to the end). Lua bodies are nginx-opaque
 * text: a change in one re-reads the block around it.
 */
function enclosingBlocks(directives: readonly Directive[], change: TextChange): Directive[] {
  const path: Directive[] = [];
  let list = directives;
  for (;;) {
    const holder = list.find((d) => d.block && !d.luaBody && d.block.open < change.start && (d.block.close === undefined || d.block.close >= change.oldEnd));
    if (!holder) return path.length > 0 && path[path.length - 1].block?.close === undefined ? [] : path;
    path.push(holder);
    list = (holder.block as Block).children;
  }
}

/** An offset of the old text in the new one (only for offsets outside the change). */
function mover(change: TextChange): (offset: number) => number {
  return (offset) => (offset >= change.oldEnd ? offset + change.delta : offset);
}

function movedToken(t: Token, move: (o: number) => number): Token {
  return { start: move(t.start), end: move(t.end), value: t.value, raw: t.raw, quote: t.quote };
}

/** A directive after the change, at its new offsets (a new object: earlier analyses keep facts by directive). */
function movedDirective(d: Directive, move: (o: number) => number): Directive {
  const block = d.block;
  return {
    name: d.name,
    nameToken: movedToken(d.nameToken, move),
    args: d.args.map((a) => movedToken(a, move)),
    start: move(d.start),
    end: move(d.end),
    semicolon: d.semicolon === undefined ? undefined : move(d.semicolon),
    block: block ? { start: move(block.start), end: move(block.end), open: move(block.open), close: block.close === undefined ? undefined : move(block.close), children: block.children.map((c) => movedDirective(c, move)) } : undefined,
    luaBody: d.luaBody ? { start: move(d.luaBody.start), end: move(d.luaBody.end) } : undefined,
    file: d.file,
  };
}

/** A block directive around the change: same words, its end moved, its body `children`. */
function withChildren(d: Directive, children: Directive[], move: (o: number) => number): Directive {
  const block = d.block as Block;
  return {
    name: d.name,
    nameToken: d.nameToken,
    args: d.args,
    start: d.start,
    end: move(d.end),
    semicolon: d.semicolon,
    block: { start: block.start, end: move(block.end), open: block.open, close: block.close === undefined ? undefined : move(block.close), children },
    luaBody: undefined,
    file: d.file,
  };
}

/**
 * `list` with the directive `path[level]` rebuilt around the change (the innermost one's children
 * are `body`): the directives before it are the same objects, those after it moved.
 */
function rebuilt(list: readonly Directive[], path: readonly Directive[], level: number, body: Directive[], move: (o: number) => number): Directive[] {
  const target = path[level];
  return list.map((d) => {
    if (d === target) {
      const children = level === path.length - 1 ? body : rebuilt((d.block as Block).children, path, level + 1, body, move);
      return withChildren(d, children, move);
    }
    return d.start > target.start ? movedDirective(d, move) : d;
  });
}

/** Where a statement of a body ends with the parser between statements (after its `;` or `}`; not one cut short by a syntax error). */
function cleanEnd(d: Directive): number | undefined {
  if (d.luaBody) return d.block?.close === undefined ? undefined : d.end;
  if (d.block) return d.block.close === undefined ? undefined : d.block.close + 1;
  return d.semicolon === undefined ? undefined : d.semicolon + 1;
}

/**
 * The statements of the innermost block to read again: from the end of the last one before the
 * change (or the block's start), up to the end of a statement after the change where the old
 * reading was between statements too; from there on the reading is the old one, moved.
 */
function readAgain(text: string, path: string, holder: Directive, depth: number, change: TextChange, move: (o: number) => number): { from: number; body: ParsedBody; keptBefore: Directive[]; keptAfter: Directive[]; oldStop: number } | undefined {
  const block = holder.block as Block;
  const children = block.children;
  let first = 0;
  let from = block.open + 1;
  for (let k = 0; k < children.length; k++) {
    const end = cleanEnd(children[k]);
    if (children[k].end > change.start) break;
    if (end !== undefined && end <= change.start) {
      first = k + 1;
      from = end;
    }
  }
  const stops = new Map<number, number>();
  for (let k = first; k < children.length; k++) {
    const end = cleanEnd(children[k]);
    if (end !== undefined && end >= change.oldEnd) stops.set(move(end), k + 1);
  }
  // Every stop, and the `}` the reading must otherwise end at, lies at or before the block's moved `}`.
  const body = parseBlockBody(text, path, from, depth, { from: move(change.oldEnd), at: new Set(stops.keys()), last: move(block.close as number) });
  if (!body) return undefined;
  if ('close' in body.end) {
    if (body.end.close !== move(block.close as number)) return undefined;
    return { from, body, keptBefore: children.slice(0, first), keptAfter: [], oldStop: (block.close as number) + 1 };
  }
  const next = stops.get(body.end.after) as number;
  return { from, body, keptBefore: children.slice(0, first), keptAfter: children.slice(next), oldStop: body.end.after - change.delta };
}

/**
 * The strings of a re-read body as copies: the tokens are views of the new text, and kept in later
 * versions' parses they would keep this whole version of the file alive.
 */
function ownStrings(body: ParsedBody): void {
  const own = (t: Token): void => {
    const raw = ownCopy(t.raw);
    t.value = t.value === t.raw ? raw : ownCopy(t.value);
    t.raw = raw;
  };
  const visit = (list: Directive[]): void => {
    for (const d of list) {
      own(d.nameToken);
      d.name = d.nameToken.value;
      d.args.forEach(own);
      if (d.block) visit(d.block.children);
    }
  };
  visit(body.children);
  for (const c of body.comments) c.text = ownCopy(c.text);
  for (const p of body.problems) p.message = ownCopy(p.message);
}

function movedProblem(p: SyntaxProblem, move: (o: number) => number): SyntaxProblem {
  const out: SyntaxProblem = { start: move(p.start), end: move(p.end), message: p.message };
  if (p.related) out.related = p.related.map((r) => ({ start: move(r.start), end: move(r.end), message: r.message }));
  if (p.fix) out.fix = { ...p.fix, start: move(p.fix.start), end: move(p.fix.end) };
  return out;
}

/** Items before the part read again, those it found, and those after it (moved). */
function spliced<T extends { start: number }>(old: readonly T[], from: number, oldStop: number, found: T[], move: (item: T) => T): T[] {
  const out: T[] = [];
  for (const item of old) if (item.start < from) out.push(item);
  out.push(...found);
  for (const item of old) if (item.start >= oldStop) out.push(move(item));
  return out;
}

/**
 * Whether the old parse up to the change depends on nothing after it. Two problems break that: a
 * quote never closed (nginx's reading looked for its closing quote up to the end of the file, so a
 * quote typed later changes everything from it on), and a nesting too deep (the parse stopped there).
 */
function readsAlone(old: ParsedFile, change: TextChange): boolean {
  return !old.problems.some((p) => p.message.startsWith(TOO_DEEP) || (p.start < change.start && p.message.startsWith(UNTERMINATED_STRING)));
}

/**
 * The parse of `text`, a new version of `old.text`, made by reading again only the statements
 * around the change in the smallest block whose braces enclose it, and equal to what
 * parseConfig(text) gives (a unit test compares them over edit scripts on the corpus). Undefined
 * when that cannot be done: no such block, the reading does not end at the block's old `}` or at
 * an old statement end (a brace, quote or comment changed the structure around it), or the old
 * parse depends on the text after the change (see readsAlone).
 */
export function reparse(old: ParsedFile, text: string): ParsedFile | undefined {
  if (old.text === text) return old;
  const change = changeBetween(old.text, text);
  const path = enclosingBlocks(old.directives, change);
  if (path.length === 0 || !readsAlone(old, change)) return undefined;
  const move = mover(change);
  const again = readAgain(text, old.path, path[path.length - 1], path.length, change, move);
  if (!again) return undefined;
  const { from, body, keptBefore, keptAfter, oldStop } = again;
  ownStrings(body);
  const children = [...keptBefore, ...body.children, ...keptAfter.map((d) => movedDirective(d, move))];
  const movedComment = (c: Comment): Comment => ({ start: move(c.start), end: move(c.end), text: c.text });
  return {
    path: old.path,
    text,
    directives: rebuilt(old.directives, path, 0, children, move),
    comments: spliced(old.comments, from, oldStop, body.comments, movedComment),
    problems: spliced(old.problems, from, oldStop, body.problems, (p) => movedProblem(p, move)),
  };
}
