import type { ConfigTree } from '../model/configTree';
import { ContextKind, allDirectives, argumentShape, lookupDirective, variantsIn } from '../directives/directiveTable';
import { ARGUMENT_HINTS } from '../directives/descriptions';
import { contextKindOf, enclosingBlocks } from './locate';
import { describeDirective } from './hover';

/** A completion proposal; `insertText` is a snippet (with $1 placeholders) when `isSnippet`. */
export interface CompletionItem {
  label: string;
  kind: 'directive' | 'value' | 'snippet';
  detail: string;
  documentation?: string;
  insertText: string;
  isSnippet: boolean;
}

/** Proposals and the range of text they replace. */
export interface CompletionResult {
  start: number;
  end: number;
  items: CompletionItem[];
}

/** Options of {@link completeAt}. */
export interface CompletionOptions {
  /** Resolver addresses the snippets use (`nginxTls.quickFix.resolvers`). */
  resolvers?: string;
}

const WORD = /[A-Za-z0-9_.:\-$/=*~^]/;

/** The TLS snippets: the same lines the stapling quick-fixes insert. */
function tlsSnippets(resolvers: string): CompletionItem[] {
  return [
    {
      label: 'ssl_stapling (OCSP stapling set)',
      kind: 'snippet',
      detail: 'ssl_stapling on + resolver + resolver_timeout',
      documentation: 'Turns on OCSP stapling with a resolver for the responder\'s host name, as the stapling quick-fixes do.',
      insertText: `ssl_stapling on;\nresolver \${1:${resolvers}} valid=300s;\nresolver_timeout \${2:5s};`,
      isSnippet: true,
    },
    {
      label: 'resolver (with timeout)',
      kind: 'snippet',
      detail: 'resolver + resolver_timeout',
      documentation: 'A resolver nginx can use at run time (OCSP responders, variables in proxy_pass), with a short timeout.',
      insertText: `resolver \${1:${resolvers}} valid=300s;\nresolver_timeout \${2:5s};`,
      isSnippet: true,
    },
  ];
}

/** Replaces comments by spaces so that a `;` or `{` inside one is not taken for syntax. */
function maskComments(text: string, from: number, to: number, comments: readonly { start: number; end: number }[]): string {
  let s = text.slice(from, to);
  for (const c of comments) {
    if (c.end <= from || c.start >= to) continue;
    const a = Math.max(c.start, from) - from;
    const b = Math.min(c.end, to) - from;
    s = s.slice(0, a) + ' '.repeat(b - a) + s.slice(b);
  }
  return s;
}

const LOOKBACK = 4000;

/**
 * Completion at an offset: directive names allowed in the enclosing context (plus TLS snippets in
 * http and server blocks) where a statement starts, or values of enumerated arguments (on/off for
 * flags, ssl_protocols versions, listen parameters, ...) after a directive name.
 */
export function completeAt(tree: ConfigTree, file: string, offset: number, options: CompletionOptions = {}): CompletionResult {
  const parsed = tree.files.get(file);
  const empty: CompletionResult = { start: offset, end: offset, items: [] };
  if (!parsed) return empty;
  const text = parsed.text;
  if (parsed.comments.some((c) => offset > c.start && offset <= c.end)) return empty;
  let start = offset;
  while (start > 0 && WORD.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && WORD.test(text[end])) end++;

  const from = Math.max(0, start - LOOKBACK);
  const before = maskComments(text, from, start, parsed.comments);
  const statementStart = Math.max(before.lastIndexOf(';'), before.lastIndexOf('{'), before.lastIndexOf('}')) + 1;
  const statement = before.slice(statementStart);
  let words = statement.split(/\s+/).filter(Boolean);
  const onNewLine = words.length > 0 && /\n[ \t]*$/.test(statement);
  // A line that begins with a directive starts a statement even when the previous line lacks
  // its ";" (missing-semicolon reports that): complete this line's arguments.
  const lastLine = statement.slice(statement.lastIndexOf('\n') + 1).split(/\s+/).filter(Boolean);
  if (!onNewLine && lastLine.length > 0 && lastLine.length < words.length && lookupDirective(lastLine[0])) words = lastLine;

  const blocks = enclosingBlocks(tree, file, offset) ?? [];
  const context = contextKindOf(tree, blocks);

  if (words.length === 0 || onNewLine) {
    const items: CompletionItem[] = [];
    for (const info of allDirectives()) {
      if (context !== ContextKind.Unchecked && (info.contexts & context) === 0) continue;
      const variants = context !== ContextKind.Unchecked ? variantsIn(info, context) : info.variants;
      const def = variants[0].def;
      const shape = argumentShape(def);
      items.push({
        label: info.name,
        kind: 'directive',
        detail: `${info.name} ${shape}`.trim(),
        documentation: describeDirective(info.name, context),
        insertText: info.name,
        isSnippet: false,
      });
    }
    if (context === ContextKind.Server || context === ContextKind.Http) items.push(...tlsSnippets(options.resolvers ?? '8.8.8.8 1.1.1.1'));
    return { start, end, items };
  }

  const name = words[0];
  const info = lookupDirective(name);
  if (!info) return { start, end, items: [] };
  const variants = context !== ContextKind.Unchecked ? variantsIn(info, context) : info.variants;
  const used = new Set(words.slice(1));
  const values = new Set<string>();
  for (const v of variants.length ? variants : info.variants) {
    if (v.def.args.includes('FLAG')) {
      if (words.length === 1) { values.add('on'); values.add('off'); }
    } else if (v.def.values) {
      for (const value of v.def.values) values.add(value);
    }
  }
  for (const hint of ARGUMENT_HINTS[name] ?? []) values.add(hint);
  const items: CompletionItem[] = [...values].filter((v) => !used.has(v)).map((v) => ({ label: v, kind: 'value', detail: `${name} ${v}`, insertText: v, isSnippet: false }));
  return { start, end, items };
}
