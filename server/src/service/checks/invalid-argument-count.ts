import type { Directive } from '../parser/ast';
import { acceptsCount, argumentShape, type DirectiveVariant } from '../directives/directiveTable';
import type { DirectiveCheckMeta } from './check';

export const invalidArgumentCount: DirectiveCheckMeta = {
  id: 'invalid-argument-count',
  defaultSeverity: 'error',
  summary: 'A directive with more or fewer arguments than its module accepts: nginx -t fails with "invalid number of arguments".',
};

/** The message when none of the variants allowed here accepts the directive's argument count, else undefined. */
export function checkArgumentCount(d: Directive, variants: readonly DirectiveVariant[]): string | undefined {
  const n = d.args.length;
  for (const v of variants) if (acceptsCount(v, n)) return undefined;
  const shapes = [...new Set(variants.map((v) => argumentShape(v.def)))].map((s) => (s ? `${d.name} ${s}` : d.name));
  return `invalid number of arguments in "${d.name}" directive: got ${n}, expected ${shapes.join(' or ')}`;
}
