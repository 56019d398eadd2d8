import type { Directive, ParsedFile } from '../parser/ast';
import { FilePositions } from '../lineIndex';
import type { ConfigDiagnostic } from '../diagnostics';

/** A block context name as nginx's module contexts see it (`main`, `http`, `server`, ...). */
export type ContextName = string;

/** A main config and every file it includes, each parsed once, with includes resolved. */
export interface ConfigTree {
  mainFile: string;
  /** The directory relative paths resolve against (nginx's conf prefix). */
  prefix: string;
  /** Context of the main file's top level: [] for a real nginx.conf, e.g. ['http'] for a site file. */
  rootContext: ContextName[];
  files: Map<string, ParsedFile>;
  /** For each `include` directive, the files it loads, in nginx's order. */
  includes: Map<Directive, string[]>;
  /** Syntax errors of every file, include and file problems. */
  diagnostics: ConfigDiagnostic[];
  /** Every file an `include` named or matched, loaded or not (a dangling link, a directory...). */
  includedPaths: Set<string>;
  /** Where certificate files named by the config are read on this machine (ConfigHost.localPath); the path itself when absent. */
  localPath?: (file: string) => string;
  /** Files that include each other (a cycle): a walk expands each of them once. */
  cyclicFiles?: Set<string>;
  /** True when the includes expand past what a walk follows (see MAX_WALKED_DIRECTIVES). */
  expansionLimited?: boolean;
}

/**
 * Called for each directive in nginx's order with its enclosing blocks and the `include`
 * directives it was reached through (outermost first); return false to skip its block.
 */
export type DirectiveVisitor = (directive: Directive, ancestors: readonly Directive[], includedVia: readonly Directive[]) => boolean | void;

/** Every directive of one file's list, in order, at any depth: blocks entered (not Lua bodies), includes not followed. */
export function forEachDirective(list: readonly Directive[], visit: (d: Directive) => void): void {
  for (const d of list) {
    visit(d);
    if (d.block && !d.luaBody) forEachDirective(d.block.children, visit);
  }
}

/**
 * Visits every directive of the tree in order, descending into blocks and into included files.
 * Bounded: a file of an include cycle is expanded once per walk, and includes stop being followed
 * after MAX_EXPANDED_DIRECTIVES directives (loadConfig reports both).
 */
export function walkConfig(tree: ConfigTree, visit: DirectiveVisitor): void {
  const root = tree.files.get(tree.mainFile);
  if (!root) return;
  const onStack = new Set<string>([tree.mainFile]);
  const expandedCyclic = new Set<string>();
  const ancestors: Directive[] = [];
  const includedVia: Directive[] = [];
  let budget = MAX_WALKED_DIRECTIVES;
  const walkList = (list: readonly Directive[]): void => {
    for (const d of list) {
      budget--;
      const descend = visit(d, ancestors, includedVia) !== false;
      if (!descend) continue;
      if (d.block && !d.luaBody) {
        ancestors.push(d);
        walkList(d.block.children);
        ancestors.pop();
      }
      const included = tree.includes.get(d);
      if (included) {
        for (const file of included) {
          const parsed = tree.files.get(file);
          if (!parsed || onStack.has(file) || budget <= 0) continue;
          if (tree.cyclicFiles?.has(file)) {
            if (expandedCyclic.has(file)) continue;
            expandedCyclic.add(file);
          }
          onStack.add(file);
          includedVia.push(d);
          walkList(parsed.directives);
          includedVia.pop();
          onStack.delete(file);
        }
      }
    }
  };
  walkList(root.directives);
}

/** The most directives one walk visits before it stops following includes (kept equal to loadConfig's MAX_EXPANDED_DIRECTIVES). */
const MAX_WALKED_DIRECTIVES = 1_000_000;

/** The name of the innermost context a directive with these ancestors lives in (`undefined` at main level). */
export function parentContextOf(tree: ConfigTree, ancestors: readonly Directive[]): ContextName | undefined {
  return ancestors.length ? ancestors[ancestors.length - 1].name : tree.rootContext[tree.rootContext.length - 1];
}

/** Positions in the files of a tree, as the analysis read them (see FilePositions). */
export function treePositions(tree: ConfigTree): FilePositions {
  return new FilePositions((file) => tree.files.get(file)?.text);
}
