import type { Directive, Token } from '../parser/ast';
import { walkConfig, type ConfigTree } from '../model/configTree';
import { ContextKind, childContext, rootContextKind } from '../directives/directiveTable';

/** What is at an offset of a file of the tree, seen through the includes that reach it. */
export interface LocatedDirective {
  directive: Directive;
  /** Enclosing blocks, outermost first, across includes (first inclusion in nginx's order). */
  ancestors: Directive[];
  /** The `include` directives it was reached through, outermost first. */
  includedVia: Directive[];
  /** The token under the offset: -1 for the name, i for args[i]; undefined between tokens. */
  tokenIndex: number | undefined;
  token: Token | undefined;
}

/** The context kind of a body reached through these ancestors (0 when not checkable). */
export function contextKindOf(tree: ConfigTree, ancestors: readonly Directive[]): number {
  let kind: number = rootContextKind(tree.rootContext);
  for (const a of ancestors) {
    if (kind === ContextKind.Unchecked) break;
    kind = childContext(kind, a.name);
  }
  return kind;
}

function within(offset: number, start: number, end: number): boolean {
  return offset >= start && offset <= end;
}

/** The directive of `file` whose range holds `offset` (innermost), with its context. */
export function locateDirective(tree: ConfigTree, file: string, offset: number): LocatedDirective | undefined {
  let found: LocatedDirective | undefined;
  walkConfig(tree, (d, ancestors, includedVia) => {
    if (found) return false;
    if (d.file !== file) return true;
    if (!within(offset, d.start, d.end)) return d.name === 'include';
    const tokens = [d.nameToken, ...d.args];
    const index = tokens.findIndex((t) => within(offset, t.start, t.end));
    const inBody = d.block && offset > d.block.open && (d.block.close === undefined || offset <= d.block.close);
    if (!inBody || index >= 0) {
      found = { directive: d, ancestors: [...ancestors], includedVia: [...includedVia], tokenIndex: index >= 0 ? index - 1 : undefined, token: index >= 0 ? tokens[index] : undefined };
      return false;
    }
    return true;
  });
  return found;
}

/**
 * The blocks (across includes) that enclose `offset` of `file`, outermost first, as nginx reaches
 * the file first: the context there. Undefined when the tree never reaches the file.
 */
export function enclosingBlocks(tree: ConfigTree, file: string, offset: number): Directive[] | undefined {
  let innermost: Directive[] | undefined;
  let fileRoot: Directive[] | undefined = file === tree.mainFile ? [] : undefined;
  walkConfig(tree, (d, ancestors) => {
    if (!fileRoot && d.name === 'include' && tree.includes.get(d)?.includes(file)) fileRoot = [...ancestors];
    if (d.file === file && d.block && !d.luaBody && offset > d.block.open && (d.block.close === undefined || offset <= d.block.close)) {
      const chain = [...ancestors, d];
      if (!innermost || (chain.length > innermost.length && chain[innermost.length - 1] === innermost[innermost.length - 1])) innermost = chain;
    }
    return true;
  });
  return innermost ?? fileRoot;
}
