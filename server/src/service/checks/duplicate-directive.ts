import type { Fix, RelatedLocation } from '../diagnostics';
import type { Directive } from '../parser/ast';
import type { DirectiveCheckMeta } from './check';
import { blankLineEndAfter, blankLineStartBefore } from '../textScan';

export const duplicateDirective: DirectiveCheckMeta = {
  id: 'duplicate-directive',
  defaultSeverity: 'error',
  summary: 'A single-valued directive set twice in the same block: nginx -t fails with "directive is duplicate".',
};

/** The text range of a directive's whole line(s), when nothing else shares them (for a removal fix). */
function ownLines(text: string, d: Directive): { start: number; end: number } | undefined {
  const start = blankLineStartBefore(text, d.start);
  const lineEnd = blankLineEndAfter(text, d.end, true);
  if (start === undefined || lineEnd === undefined) return undefined;
  const nl = text.indexOf('\n', lineEnd);
  return { start, end: nl < 0 ? text.length : nl + 1 };
}

/** The finding for `second`, a repeat of `first` in the same block. */
export function duplicateFinding(first: Directive, second: Directive, text: string): { message: string; related: RelatedLocation[]; fixes: Fix[] } {
  const range = ownLines(text, second);
  const fixes: Fix[] = range ? [{ title: `Remove this second "${second.name}"`, edits: [{ file: second.file, start: range.start, end: range.end, newText: '' }] }] : [];
  // root and alias share one setting (ngx_http_core_root): nginx refuses either after the other.
  const message = first.name === second.name
    ? `"${second.name}" directive is duplicate: it is already set in this block, and nginx accepts it once per block`
    : `"${second.name}" directive is duplicate, "${first.name}" directive was specified earlier: they set the same thing, and nginx accepts one of them once per block`;
  return {
    message,
    related: [{ file: first.file, start: first.start, end: first.end, message: `first "${first.name}" of this block` }],
    fixes,
  };
}
