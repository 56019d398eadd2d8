import type { ConfigDiagnostic } from '../diagnostics';
import type { Directive, Token } from '../parser/ast';
import { parentContextOf, walkConfig, type ConfigTree } from '../model/configTree';
import { lookupDirective } from '../directives/directiveTable';

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

/** Whether nginx knows the directive and never as a block (the table's variants, from nginx's source). */
function takesNoBlock(name: string): boolean {
  const info = lookupDirective(name);
  return info !== undefined && !BLOCK_DIRECTIVES.has(name) && info.variants.every((v) => !v.def.block);
}

/**
 * The bytes nginx holds of a word in its read buffer, when that fills it (ngx_conf_read_token:
 * too long parameter): the word from its first character, an opening quote included, the closing
 * one not. Measured with nginx 1.22.1: 4095 bare bytes pass and 4096 fail; a quoted word fails
 * from 4095 bytes inside the quotes.
 */
function wordBytes(token: Token): number | undefined {
  return bytesFillingBuffer(token.quote === '' ? token.raw : token.raw.slice(0, -1));
}

/** The bytes of `written` when they fill nginx's read buffer, else undefined. */
function bytesFillingBuffer(written: string): number | undefined {
  // Fewer characters than a third of the buffer cannot fill it, whatever their encoding.
  if (written.length < CONF_BUFFER / 3) return undefined;
  const bytes = Buffer.byteLength(written, 'utf8');
  return bytes >= CONF_BUFFER ? bytes : undefined;
}

/** nginx's read buffer for config files (NGX_CONF_BUFFER). */
const CONF_BUFFER = 4096;

function syntaxError(file: string, start: number, end: number, message: string): ConfigDiagnostic {
  return { file, start, end, severity: 'error', code: 'syntax-error', message, fixes: [], related: [] };
}

/** What the structure check finds at one directive under `parent`; whether the walk goes on into its body. */
function checkDirective(d: Directive, parent: string | undefined, out: ConfigDiagnostic[]): boolean {
  if (parent !== undefined && VALUE_LIST_BLOCKS.has(parent)) {
    if (d.block) {
      out.push(syntaxError(d.file, d.block.open, d.block.open + 1, `unexpected "{": a "${parent}" block holds values, not nested blocks`));
    }
    return false;
  }
  if (d.semicolon !== undefined && d.nameToken.quote === '' && BLOCK_DIRECTIVES.has(d.name) && !(d.name === 'server' && parent === 'upstream')) {
    out.push(syntaxError(d.file, d.semicolon, d.semicolon + 1, `directive "${d.name}" has no opening "{"`));
  }
  // A "{" after a directive that takes none (listen 443 ssl{): nginx stops there (ngx_conf_handler).
  if (d.block && !d.luaBody && d.nameToken.quote === '' && takesNoBlock(d.name)) {
    out.push(syntaxError(d.file, d.block.open, d.block.open + 1, `directive "${d.name}" is not terminated by ";"`));
  }
  for (const token of [d.nameToken, ...d.args]) {
    const bytes = wordBytes(token);
    if (bytes !== undefined) {
      out.push(syntaxError(d.file, token.start, token.end, `a word of ${bytes} bytes: nginx reads one word into its 4096-byte buffer, so nginx -t fails with too long parameter "${token.value.slice(0, 10)}..." started (split a long header value over several add_header lines, or move it to a map)`));
      break;
    }
  }
  return true;
}

/** The findings inside blocks that include no file, or null where one does, by block object. */
const bodyFindings = new WeakMap<Directive, readonly ConfigDiagnostic[] | null>();

/**
 * What the check finds in a block's body, kept per block: a parsed block is never changed (an
 * edit makes new objects, see reparse.ts), and without includes its body is all it reads, under
 * its own name. Null when the body includes a file: the walk goes through it then.
 */
function findingsInBody(block: Directive): readonly ConfigDiagnostic[] | null {
  const known = bodyFindings.get(block);
  if (known !== undefined) return known;
  const out: ConfigDiagnostic[] = [];
  const visit = (list: readonly Directive[], parent: string): boolean => {
    for (const d of list) {
      if (d.name === 'include') return false;
      if (checkDirective(d, parent, out) && d.block && !d.luaBody && !visit(d.block.children, d.name)) return false;
    }
    return true;
  };
  const found = block.block && visit(block.block.children, block.name) ? out : null;
  bodyFindings.set(block, found);
  return found;
}

/**
 * The structural errors nginx reports while reading the file, which need the context: a block
 * directive ended by `;`, and a nested block inside a value-list block such as `map`. The bodies
 * of blocks at the top of their files are checked once per block object (see findingsInBody):
 * in a tree of 200 sites, an edit checks the site it is in.
 */
export function checkBlockStructure(tree: ConfigTree): ConfigDiagnostic[] {
  const out: ConfigDiagnostic[] = [];
  // nginx reads a comment into the same buffer as a word (measured: a comment of 4096 bytes, "#"
  // included, gives too long parameter "# ..." started).
  for (const parsed of tree.files.values()) {
    for (const comment of parsed.comments) {
      if (comment.end - comment.start < CONF_BUFFER / 3) continue;
      const written = parsed.text.slice(comment.start, comment.end);
      const bytes = bytesFillingBuffer(written);
      if (bytes !== undefined) out.push(syntaxError(parsed.path, comment.start, comment.end, `a comment of ${bytes} bytes: nginx reads it into its 4096-byte buffer like a word, so nginx -t fails with too long parameter "${written.slice(0, 10)}..." started (split it over several lines)`));
    }
  }
  walkConfig(tree, (d, ancestors) => {
    if (!checkDirective(d, parentContextOf(tree, ancestors), out)) return false;
    const atTopOfFile = ancestors.length === 0 || ancestors[ancestors.length - 1].file !== d.file;
    // Past the expansion limit the walk's budget decides what is read: every body is walked then.
    if (!d.block || d.luaBody || !atTopOfFile || tree.expansionLimited) return true;
    const body = findingsInBody(d);
    if (!body) return true;
    for (const f of body) out.push(f);
    return false;
  });
  return out;
}
