import type { Directive } from '../parser/ast';
import { contextLabels, type DirectiveInfo } from '../directives/directiveTable';
import type { DirectiveCheckMeta } from './check';

export const directiveNotAllowedHere: DirectiveCheckMeta = {
  id: 'directive-not-allowed-here',
  defaultSeverity: 'error',
  summary: 'A directive written in a block where no module accepts it: nginx -t fails with "directive is not allowed here".',
};

/** The message for a directive used outside its contexts. */
export function notAllowedMessage(d: Directive, info: DirectiveInfo, context: number): string {
  const here = contextLabels(context).join(', ') || 'this block';
  const allowed = contextLabels(info.contexts).join(', ');
  return `"${d.name}" directive is not allowed here (in ${here}); nginx accepts it in: ${allowed}`;
}
