import type { Directive, ParsedFile } from '../parser/ast';
import type { ConfigTree } from '../model/configTree';

/** Kinds of blocks the outline shows. */
export type SymbolKind = 'events' | 'http' | 'stream' | 'mail' | 'server' | 'location' | 'upstream' | 'map' | 'geo' | 'split_clients' | 'limit_except' | 'if' | 'types';

/** A block of the outline, with its whole range and the range of its name. */
export interface DocumentSymbol {
  name: string;
  detail: string;
  kind: SymbolKind;
  start: number;
  end: number;
  selectionStart: number;
  selectionEnd: number;
  children: DocumentSymbol[];
}

/** A block found across the config tree. */
export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKind;
  file: string;
  start: number;
  end: number;
  selectionStart: number;
  selectionEnd: number;
  containerName: string | undefined;
}

const OUTLINED = new Set<string>(['events', 'http', 'stream', 'mail', 'server', 'location', 'upstream', 'map', 'geo', 'split_clients', 'limit_except', 'if', 'types']);

function argsText(d: Directive): string {
  return d.args.map((a) => a.raw).join(' ');
}

/** A server is named by its server_name values, else by its listen addresses. */
function serverSymbolName(d: Directive): { name: string; detail: string } {
  const children = d.block?.children ?? [];
  const names = children.filter((c) => c.name === 'server_name').flatMap((c) => c.args.map((a) => a.value)).filter((n) => n !== '');
  const listens = children.filter((c) => c.name === 'listen').map(argsText);
  const detail = listens.length ? `listen ${listens.join(', ')}` : '';
  if (names.length) return { name: `server ${names.join(' ')}`, detail };
  return { name: listens.length ? `server ${listens.join(', ')}` : 'server', detail: '' };
}

function symbolOf(d: Directive, children: DocumentSymbol[]): DocumentSymbol {
  const kind = d.name as SymbolKind;
  const { name, detail } = d.name === 'server' ? serverSymbolName(d) : { name: d.args.length ? `${d.name} ${argsText(d)}` : d.name, detail: '' };
  const last = d.args.length ? d.args[d.args.length - 1] : d.nameToken;
  return { name, detail, kind, start: d.start, end: d.end, selectionStart: d.nameToken.start, selectionEnd: last.end, children };
}

function collect(list: readonly Directive[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const d of list) {
    if (!d.block || d.luaBody) continue;
    const children = collect(d.block.children);
    if (OUTLINED.has(d.name) && d.nameToken.quote === '') out.push(symbolOf(d, children));
    else out.push(...children);
  }
  return out;
}

/** The outline of one file: http/server/location/upstream/... blocks, nested as written. */
export function documentSymbols(parsed: ParsedFile): DocumentSymbol[] {
  return collect(parsed.directives);
}

/** Whether `query`'s characters appear in `name` in order (case-insensitive); empty matches all. */
function matchesQuery(name: string, query: string): boolean {
  const n = name.toLowerCase();
  let i = 0;
  for (const c of query.toLowerCase()) {
    i = n.indexOf(c, i);
    if (i < 0) return false;
    i++;
  }
  return true;
}

/** Server, location and upstream blocks of every file of the trees whose names match `query`. */
export function workspaceSymbols(trees: readonly ConfigTree[], query: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  const seen = new Set<string>();
  const visit = (file: string, symbols: readonly DocumentSymbol[], container: string | undefined): void => {
    for (const s of symbols) {
      if ((s.kind === 'server' || s.kind === 'location' || s.kind === 'upstream') && matchesQuery(s.name, query)) {
        out.push({ name: s.name, kind: s.kind, file, start: s.start, end: s.end, selectionStart: s.selectionStart, selectionEnd: s.selectionEnd, containerName: container });
      }
      visit(file, s.children, s.kind === 'http' || s.kind === 'stream' || s.kind === 'mail' ? container : s.name);
    }
  };
  for (const tree of trees) {
    for (const [file, parsed] of tree.files) {
      if (seen.has(file)) continue;
      seen.add(file);
      visit(file, documentSymbols(parsed), undefined);
    }
  }
  return out;
}
