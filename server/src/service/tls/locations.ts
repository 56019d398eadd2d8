import type { Directive, Token } from '../parser/ast';
import type { RelatedLocation } from '../diagnostics';
import type { Placed } from './serverModel';

/** A range to underline: a token, or a directive from its name to its last argument. */
export interface Spot {
  file: string;
  start: number;
  end: number;
}

/** A directive from its name to its last argument (the `;` excluded). */
export function directiveSpot(d: Directive): Spot {
  const last = d.args[d.args.length - 1] ?? d.nameToken;
  return { file: d.file, start: d.nameToken.start, end: last.end };
}

/** One token of a directive. */
export function tokenSpot(d: Directive, token: Token): Spot {
  return { file: d.file, start: token.start, end: token.end };
}

/** The line of a server's own file where a placed directive shows: itself, or its include. */
export function anchorSpot(p: Placed): Spot {
  return directiveSpot(p.anchor);
}

/** A related location pointing at the directive itself, when it lives behind an include. */
export function relatedIfIncluded(p: Placed, message: string): RelatedLocation[] {
  return p.anchor === p.directive ? [] : [{ ...directiveSpot(p.directive), message }];
}
