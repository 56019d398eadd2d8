import type { Directive, ParsedFile } from '../parser/ast';

/** What a stream item is: the five kinds of token nginx's reader produces, plus a Lua block read whole. */
export type StreamItemKind = 'word' | 'semicolon' | 'open' | 'close' | 'lua' | 'comment';

/** One token of a file in reading order, with its text exactly as written. */
export interface StreamItem {
  kind: StreamItemKind;
  start: number;
  end: number;
  /** The text as written: a word with its quotes and escapes, a comment with its `#`, a Lua block from `{` to `}`. */
  raw: string;
}

function pushDirectives(text: string, list: readonly Directive[], out: StreamItem[]): void {
  for (const d of list) {
    out.push({ kind: 'word', start: d.nameToken.start, end: d.nameToken.end, raw: d.nameToken.raw });
    for (const a of d.args) out.push({ kind: 'word', start: a.start, end: a.end, raw: a.raw });
    const block = d.block;
    if (d.luaBody && block) {
      out.push({ kind: 'lua', start: block.open, end: block.end, raw: text.slice(block.open, block.end) });
    } else if (block) {
      out.push({ kind: 'open', start: block.open, end: block.open + 1, raw: '{' });
      pushDirectives(text, block.children, out);
      if (block.close !== undefined) out.push({ kind: 'close', start: block.close, end: block.close + 1, raw: '}' });
    } else if (d.semicolon !== undefined) {
      out.push({ kind: 'semicolon', start: d.semicolon, end: d.semicolon + 1, raw: ';' });
    }
  }
}

/**
 * The token stream of a parsed file: words (quoting and escapes as written), `;`, `{`, `}`,
 * Lua blocks and comments, in text order. Exact up to the first syntax error; after one, tokens
 * the parser recovered past may be missing.
 */
export function tokenStream(parsed: ParsedFile): StreamItem[] {
  const tokens: StreamItem[] = [];
  pushDirectives(parsed.text, parsed.directives, tokens);
  const out: StreamItem[] = [];
  let t = 0;
  for (const c of parsed.comments) {
    while (t < tokens.length && tokens[t].start < c.start) out.push(tokens[t++]);
    out.push({ kind: 'comment', start: c.start, end: c.end, raw: parsed.text.slice(c.start, c.end) });
  }
  while (t < tokens.length) out.push(tokens[t++]);
  return out;
}

/**
 * Where two parsed texts' token streams (and syntax errors) first differ, described for a log;
 * undefined when they are identical. `beforeItems` is `before`'s stream when already built.
 */
export function compareStreams(before: ParsedFile, after: ParsedFile, beforeItems?: readonly StreamItem[]): string | undefined {
  const a = beforeItems ?? tokenStream(before);
  const b = tokenStream(after);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i].kind !== b[i].kind || a[i].raw !== b[i].raw) {
      return `token ${i + 1} differs: ${a[i].kind} ${JSON.stringify(a[i].raw)} at offset ${a[i].start} became ${b[i].kind} ${JSON.stringify(b[i].raw)}`;
    }
  }
  if (a.length !== b.length) return `the token count changed from ${a.length} to ${b.length}`;
  const pa = before.problems.map((p) => p.message);
  const pb = after.problems.map((p) => p.message);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return `the syntax errors changed: ${JSON.stringify(pa[i] ?? null)} became ${JSON.stringify(pb[i] ?? null)}`;
  }
  return undefined;
}
