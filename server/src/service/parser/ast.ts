/** A half-open range of UTF-16 offsets [start, end) into one file's text. */
export interface Span {
  start: number;
  end: number;
}

/** How a token was written: bare, or inside double or single quotes. */
export type QuoteKind = '' | '"' | "'";

/** One word of a directive as nginx reads it. */
export interface Token extends Span {
  /** The value nginx uses: quotes stripped, `\"` `\'` `\\` `\t` `\r` `\n` unescaped. */
  value: string;
  /** The text exactly as written, quotes included. */
  raw: string;
  quote: QuoteKind;
}

/** A `#` comment up to (not including) the end of its line. */
export interface Comment extends Span {
  text: string;
}

/** The `{ ... }` of a block directive; `close` is undefined when the file ends first. */
export interface Block extends Span {
  open: number;
  close: number | undefined;
  children: Directive[];
}

/** A simple (`name args;`) or block (`name args { ... }`) directive. */
export interface Directive extends Span {
  name: string;
  nameToken: Token;
  args: Token[];
  /** Offset of the `;` that ends a simple directive, absent when the parser had to recover. */
  semicolon: number | undefined;
  block: Block | undefined;
  /** Body of a `*_by_lua_block`, kept verbatim (its content is Lua, not nginx). */
  luaBody: Span | undefined;
  file: string;
}

/** A syntax error with the range it concerns. */
export interface SyntaxProblem extends Span {
  message: string;
  related?: { start: number; end: number; message: string }[];
  /** A replacement that repairs the problem, when one is certain. */
  fix?: { title: string; start: number; end: number; newText: string };
}

/** The result of parsing one file: never thrown, always this. */
export interface ParsedFile {
  path: string;
  text: string;
  directives: Directive[];
  comments: Comment[];
  problems: SyntaxProblem[];
}
