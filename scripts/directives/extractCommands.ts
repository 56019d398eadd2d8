/**
 * Reads nginx module sources (C text) the way scripts/generate-directives.ts needs: the
 * `ngx_command_t` arrays, the `ngx_module_t` definitions that own them, the handlers that refuse
 * a second value, and the enum/bitmask value lists. Pure functions on text: no file system.
 */

/** One `{ ngx_string("name"), FLAGS, handler, conf, offset, post }` entry of a command array. */
export interface ExtractedCommand {
  name: string;
  /** The type flags as written, e.g. ['NGX_HTTP_MAIN_CONF', 'NGX_HTTP_SRV_CONF', 'NGX_CONF_FLAG']. */
  flags: string[];
  handler: string;
  /** e.g. NGX_HTTP_LOC_CONF_OFFSET, or 0. */
  conf: string;
  /** The post field without its `&`, e.g. ngx_http_ssl_protocols, or NULL. */
  post: string;
}

/** An `ngx_module_t` with its type and its commands (empty when it has none). */
export interface ExtractedModule {
  name: string;
  /** NGX_HTTP_MODULE, NGX_CORE_MODULE, ... */
  type: string;
  commands: ExtractedCommand[];
}

/** What one C file contributes. */
export interface ExtractedFile {
  modules: ExtractedModule[];
  /** Handler function name → whether it returns "is duplicate" unconditionally on a second use. */
  handlers: Map<string, boolean>;
  /** `ngx_conf_enum_t` / `ngx_conf_bitmask_t` array name → its value names. */
  valueLists: Map<string, string[]>;
  /** `ngx_conf_deprecated_t` name → the replacement nginx names. */
  deprecations: Map<string, string>;
}

/** Removes C comments and preprocessor lines, keeping string literals and line structure. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  const len = text.length;
  while (i < len) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < len && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      const end = e < 0 ? len : e + 2;
      out += text.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      const e = text.indexOf('\n', i);
      i = e < 0 ? len : e;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/^[ \t]*#.*$/gm, '');
}

/** Index of the bracket closing the one at `open` (parentheses and braces nest; strings skipped). */
function matchingClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '{' || c === '(') depth++;
    else if (c === '}' || c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits `a, f(b, c), { d, e }` at the commas outside brackets, trimming each part. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) parts.push(last);
  return parts;
}

/** The `{ ... }` initializer bodies of the top level of an array initializer. */
function arrayEntries(body: string): string[] {
  const entries: string[] = [];
  let i = 0;
  while (i < body.length) {
    const open = body.indexOf('{', i);
    if (open < 0) break;
    const close = matchingClose(body, open);
    if (close < 0) break;
    entries.push(body.slice(open + 1, close));
    i = close + 1;
  }
  return entries;
}

function arrayBodies(text: string, type: string): { name: string; body: string }[] {
  const re = new RegExp(`\\b${type}\\s+(\\w+)\\s*\\[\\s*\\]\\s*=\\s*\\{`, 'g');
  const out: { name: string; body: string }[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchingClose(text, open);
    if (close < 0) continue;
    out.push({ name: m[1], body: text.slice(open + 1, close) });
    re.lastIndex = close;
  }
  return out;
}

const STRING_NAME = /^ngx_string\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)$/;

/** Parses the command arrays of a (comment-stripped) C text: array name → commands. */
export function extractCommandArrays(text: string): Map<string, ExtractedCommand[]> {
  const out = new Map<string, ExtractedCommand[]>();
  for (const { name, body } of arrayBodies(text, 'ngx_command_t')) {
    const commands: ExtractedCommand[] = [];
    for (const entry of arrayEntries(body)) {
      const fields = splitTopLevel(entry);
      const m = STRING_NAME.exec(fields[0] ?? '');
      if (!m || fields.length < 6) continue;
      commands.push({
        name: m[1],
        flags: fields[1].split('|').map((f) => f.trim()).filter(Boolean),
        handler: fields[2],
        conf: fields[3],
        post: fields[5].replace(/^&\s*/, '').replace(/^\(void\s*\*\)\s*/, ''),
      });
    }
    out.set(name, commands);
  }
  return out;
}

/** Parses a whole C file (comments are stripped here). */
export function extractFile(source: string): ExtractedFile {
  const text = stripComments(source);
  const arrays = extractCommandArrays(text);
  const modules: ExtractedModule[] = [];
  const moduleRe = /\bngx_module_t\s+(\w+)\s*=\s*\{/g;
  for (let m = moduleRe.exec(text); m; m = moduleRe.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchingClose(text, open);
    if (close < 0) continue;
    const fields = splitTopLevel(text.slice(open + 1, close));
    // NGX_MODULE_V1, &ctx, commands, type, ...
    if (fields.length < 4) continue;
    modules.push({ name: m[1], type: fields[3], commands: arrays.get(fields[2]) ?? [] });
    moduleRe.lastIndex = close;
  }

  const handlers = new Map<string, boolean>();
  const fnRe = /^(\w+)\(ngx_conf_t\s*\*\s*cf,\s*ngx_command_t\s*\*\s*cmd,\s*void\s*\*\s*conf\)\s*\{/gm;
  for (let m = fnRe.exec(text); m; m = fnRe.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchingClose(text, open);
    if (close < 0) continue;
    const body = text.slice(open, close + 1);
    // Only a check at the function's top level (`if (already set) { return "is duplicate"; }`,
    // indented by 8) rejects every second use; a deeper one depends on the arguments.
    handlers.set(m[1], /\n {8}return "is duplicate";/.test(body));
    fnRe.lastIndex = close;
  }

  const valueLists = new Map<string, string[]>();
  for (const type of ['ngx_conf_enum_t', 'ngx_conf_bitmask_t']) {
    for (const { name, body } of arrayBodies(text, type)) {
      const values: string[] = [];
      for (const entry of arrayEntries(body)) {
        const v = STRING_NAME.exec(splitTopLevel(entry)[0] ?? '');
        if (v) values.push(v[1]);
      }
      valueLists.set(name, values);
    }
  }

  const deprecations = new Map<string, string>();
  const depRe = /\bngx_conf_deprecated_t\s+(\w+)\s*=\s*\{([^}]*)\}/g;
  for (let m = depRe.exec(text); m; m = depRe.exec(text)) {
    const fields = splitTopLevel(m[2]);
    const replacement = /^"(.*)"$/.exec(fields[2] ?? '');
    if (replacement) deprecations.set(m[1], replacement[1]);
  }
  return { modules, handlers, valueLists, deprecations };
}

/** nginx's context flags, by the block they stand for. */
export const CONTEXT_FLAGS: Readonly<Record<string, string>> = {
  NGX_MAIN_CONF: 'main',
  NGX_ANY_CONF: 'any',
  NGX_EVENT_CONF: 'events',
  NGX_HTTP_MAIN_CONF: 'http',
  NGX_HTTP_SRV_CONF: 'server',
  NGX_HTTP_LOC_CONF: 'location',
  NGX_HTTP_UPS_CONF: 'upstream',
  NGX_HTTP_SIF_CONF: 'if-in-server',
  NGX_HTTP_LIF_CONF: 'if-in-location',
  NGX_HTTP_LMT_CONF: 'limit_except',
  NGX_STREAM_MAIN_CONF: 'stream',
  NGX_STREAM_SRV_CONF: 'stream-server',
  NGX_STREAM_UPS_CONF: 'stream-upstream',
  NGX_MAIL_MAIN_CONF: 'mail',
  NGX_MAIL_SRV_CONF: 'mail-server',
};

/** Argument-count flags (NGX_CONF_ prefix removed) as the table records them. */
export const ARGUMENT_FLAGS: ReadonlySet<string> = new Set([
  'NOARGS', 'TAKE1', 'TAKE2', 'TAKE3', 'TAKE4', 'TAKE5', 'TAKE6', 'TAKE7', 'TAKE12', 'TAKE13', 'TAKE23',
  'TAKE123', 'TAKE1234', '1MORE', '2MORE', 'FLAG', 'ANY',
]);

/** Flags that say nothing about where or how a directive is written. */
const IGNORED_FLAGS: ReadonlySet<string> = new Set(['NGX_DIRECT_CONF', '0']);

/** A command's flags sorted into contexts, argument flags, block-ness, and flags not understood. */
export function classifyFlags(flags: readonly string[]): { contexts: string[]; args: string[]; block: boolean; unknown: string[] } {
  const contexts: string[] = [];
  const args: string[] = [];
  const unknown: string[] = [];
  let block = false;
  for (const flag of flags) {
    const context = CONTEXT_FLAGS[flag];
    if (context) { if (!contexts.includes(context)) contexts.push(context); continue; }
    if (flag === 'NGX_CONF_BLOCK') { block = true; continue; }
    const arg = flag.replace(/^NGX_CONF_/, '');
    if (flag.startsWith('NGX_CONF_') && ARGUMENT_FLAGS.has(arg)) { args.push(arg); continue; }
    if (!IGNORED_FLAGS.has(flag)) unknown.push(flag);
  }
  return { contexts, args, block, unknown };
}
