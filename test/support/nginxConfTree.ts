import { NginxParser, type NginxParseTreeNode } from 'nginx-conf/dist/src/parser';
import type { Directive } from '../../server/src/service/parser/ast';

/** A directive name with its nested names, to compare trees from two parsers. */
export interface NameTree {
  name: string;
  children: NameTree[];
}

/** Our parse as a name tree (Lua bodies have no nginx children). */
export function namesOf(list: readonly Directive[]): NameTree[] {
  return list.map((d) => ({ name: d.name, children: d.block && !d.luaBody ? namesOf(d.block.children) : [] }));
}

/**
 * nginx-conf's parse as a name tree, or undefined when it fails or mis-reads the file (it turns
 * a comment after a directive into a node named "#..." and loses the directive that follows).
 */
export function nginxConfNames(text: string): NameTree[] | undefined {
  let result: NameTree[] | undefined;
  new NginxParser().parse(text, (err, tree) => {
    let misread = false;
    const convert = (nodes: readonly NginxParseTreeNode[] | null): NameTree[] =>
      (nodes ?? []).map((n) => {
        if (n.name.startsWith('#')) misread = true;
        return { name: n.name, children: n.isVerbatim ? [] : convert(n.children) };
      });
    const names = err ? undefined : convert(tree?.children ?? []);
    result = misread ? undefined : names;
  });
  return result;
}
