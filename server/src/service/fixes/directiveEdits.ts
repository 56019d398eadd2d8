import type { Directive } from '../parser/ast';
import type { TextEdit } from '../diagnostics';
import type { ConfigTree } from '../model/configTree';

function fileText(tree: ConfigTree, file: string): string {
  return tree.files.get(file)?.text ?? '';
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentationAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

/** The indentation unit a file uses: a tab when its blocks are tab-indented, else four spaces. */
function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return '    ';
  return m[1].startsWith('\t') ? '\t' : m[1].length >= 2 && m[1].length <= 8 ? m[1] : '    ';
}

let lastText: string | undefined;
let lastNewline = '\n';

/** The line end a file uses; remembered for the last text (many fixes in one file must not rescan it each). */
function newline(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastNewline = text.includes('\r\n') ? '\r\n' : '\n';
  }
  return lastNewline;
}

/** Where a new line goes after a directive: the end of its line when only a comment follows it. */
function endOfLineAfter(text: string, d: Directive): number {
  const nl = text.indexOf('\n', d.end);
  const lineEnd = nl < 0 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
  const rest = text.slice(d.end, lineEnd);
  return /^[ \t]*(#.*)?$/.test(rest) ? lineEnd : d.end;
}

/** Names of the directives after which TLS settings read best, in order of preference. */
const ANCHOR_PREFERENCE = [(n: string) => n.startsWith('ssl_'), (n: string) => n === 'server_name' || n === 'listen'];

/**
 * Inserts directive lines into a block of the same file, after its last `ssl_*` directive (else
 * after `listen`/`server_name`, else at the top), with the indentation of the block's lines.
 */
/** Characters that force quoting an argument in nginx's syntax. */
const NEEDS_QUOTES = /[\s;{}#"'\\]/;

/** An argument as the fixes write it: double-quoted (with escapes) only when nginx needs it. */
export function quoteArgument(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : text;
}

export function insertIntoBlock(tree: ConfigTree, block: Directive, lines: string[]): TextEdit | undefined {
  if (!block.block || block.block.close === undefined) return undefined;
  const text = fileText(tree, block.file);
  const nl = newline(text);
  const children = block.block.children.filter((c) => c.file === block.file && (c.semicolon !== undefined || c.block));
  let anchor: Directive | undefined;
  for (const prefer of ANCHOR_PREFERENCE) {
    const found = children.filter((c) => prefer(c.name) && !c.block);
    if (found.length) {
      anchor = found[found.length - 1];
      break;
    }
  }
  if (anchor) {
    const indent = indentationAt(text, anchor.start);
    const at = endOfLineAfter(text, anchor);
    return { file: block.file, start: at, end: at, newText: lines.map((l) => `${nl}${indent}${l}`).join('') };
  }
  const first = children[0];
  const indent = first ? indentationAt(text, first.start) : indentationAt(text, block.start) + indentUnit(text);
  const at = block.block.open + 1;
  return { file: block.file, start: at, end: at, newText: lines.map((l) => `${nl}${indent}${l}`).join('') };
}

/** Inserts directive lines right after a given directive, on lines of their own. */
export function insertAfter(tree: ConfigTree, after: Directive, lines: string[]): TextEdit {
  const text = fileText(tree, after.file);
  const indent = indentationAt(text, after.start);
  const at = endOfLineAfter(text, after);
  return { file: after.file, start: at, end: at, newText: lines.map((l) => `${newline(text)}${indent}${l}`).join('') };
}

/** Replaces a directive's arguments (everything between its name and its `;`). */
export function replaceArguments(directive: Directive, newArgs: string): TextEdit | undefined {
  if (!directive.args.length) return undefined;
  return { file: directive.file, start: directive.args[0].start, end: directive.args[directive.args.length - 1].end, newText: newArgs };
}

/** Removes a directive, with its whole line when nothing else is on it. */
export function removeDirective(tree: ConfigTree, directive: Directive): TextEdit {
  const text = fileText(tree, directive.file);
  const start = lineStart(text, directive.start);
  const nl = text.indexOf('\n', directive.end);
  const lineEnd = nl < 0 ? text.length : nl;
  const before = text.slice(start, directive.start);
  const after = text.slice(directive.end, lineEnd).replace(/\r$/, '');
  if (/^[ \t]*$/.test(before) && /^[ \t]*$/.test(after)) {
    return { file: directive.file, start, end: nl < 0 ? text.length : nl + 1, newText: '' };
  }
  return { file: directive.file, start: directive.start, end: directive.end, newText: '' };
}
