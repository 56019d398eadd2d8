import type { ConfigDiagnostic } from '../diagnostics';
import { parentContextOf, walkConfig, type ConfigTree } from '../model/configTree';

/** Directives nginx only accepts with a `{ ... }` block (in the contexts where they are blocks). */
const BLOCK_DIRECTIVES = new Set([
  'events', 'http', 'server', 'location', 'upstream', 'if', 'limit_except', 'types', 'map', 'geo',
  'split_clients', 'stream', 'mail', 'charset_map', 'match',
]);

/**
 * Blocks whose body nginx reads with a custom handler (value pairs, not directives): a nested
 * `{` there is an error (ngx_conf_parse: `unexpected "{"`).
 */
const VALUE_LIST_BLOCKS = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map']);

function syntaxError(file: string, start: number, end: number, message: string): ConfigDiagnostic {
  return { file, start, end, severity: 'error', code: 'syntax-error', message, fixes: [], related: [] };
}

/**
 * The structural errors nginx reports while reading the file, which need the context: a block
 * directive ended by `;`, and a nested block inside a value-list block such as `map`.
 */
export function checkBlockStructure(tree: ConfigTree): ConfigDiagnostic[] {
  const out: ConfigDiagnostic[] = [];
  walkConfig(tree, (d, ancestors) => {
    const parent = parentContextOf(tree, ancestors);
    if (parent !== undefined && VALUE_LIST_BLOCKS.has(parent)) {
      if (d.block) {
        out.push(syntaxError(d.file, d.block.open, d.block.open + 1, `unexpected "{": a "${parent}" block holds values, not nested blocks`));
      }
      return false;
    }
    if (d.semicolon !== undefined && d.nameToken.quote === '' && BLOCK_DIRECTIVES.has(d.name) && !(d.name === 'server' && parent === 'upstream')) {
      out.push(syntaxError(d.file, d.semicolon, d.semicolon + 1, `directive "${d.name}" has no opening "{"`));
    }
    return true;
  });
  return out;
}
