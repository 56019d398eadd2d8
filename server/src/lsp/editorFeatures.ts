import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  type Connection,
  type DocumentSymbol as LspDocumentSymbol,
  type Range,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { fileUri } from './toLspDiagnostic';
import { completeAt, definitionAt, documentLinks, documentSymbols, hoverAt, treePositions, workspaceSymbols, type ConfigHost, type ConfigTree, type DocumentSymbol, type FilePositions, type SymbolKind as NginxSymbolKind } from '../service';

/** A document's config tree as it is now, with the host it was read through. */
export interface CurrentTree {
  tree: ConfigTree;
  file: string;
  positions: FilePositions;
  host: ConfigHost;
  /** Where a file of the tree opens (default: its file: URI; an nginx -T dump's files open as nginx-dump: documents). */
  uriOf?: (file: string) => string;
}

/** What the editor features need from the server. */
export interface EditorFeatureHost {
  /** The tree of a document at request time (unchanged files come from the parse cache). */
  currentTree(uri: string): CurrentTree | undefined;
  /** The trees of every analysed document, for workspace symbols. */
  analysedTrees(): ConfigTree[];
  resolvers(): string;
}

const SYMBOL_KINDS: Record<NginxSymbolKind, SymbolKind> = {
  events: SymbolKind.Module, http: SymbolKind.Module, stream: SymbolKind.Module, mail: SymbolKind.Module,
  server: SymbolKind.Class, location: SymbolKind.Method, upstream: SymbolKind.Interface,
  map: SymbolKind.Enum, geo: SymbolKind.Enum, split_clients: SymbolKind.Enum, types: SymbolKind.Enum,
  limit_except: SymbolKind.Struct, if: SymbolKind.Struct,
};

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function rangeIn(tree: ConfigTree | undefined, file: string, start: number, end: number): Range {
  return tree?.files.has(file) ? treePositions(tree).range(file, start, end) : ZERO;
}

/** The LSP capabilities the editor features provide. */
export const EDITOR_FEATURE_CAPABILITIES: ServerCapabilities = {
  hoverProvider: true,
  completionProvider: { resolveProvider: false },
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  documentLinkProvider: { resolveProvider: false },
  definitionProvider: true,
};

/** Hover, completion, symbols, links and definitions: translations of the service's plain data. */
export function registerEditorFeatures(connection: Connection, host: EditorFeatureHost): void {
  connection.onHover((p) => {
    const at = host.currentTree(p.textDocument.uri);
    if (!at) return null;
    const h = hoverAt(at.tree, at.file, at.positions.offsetAt(at.file, p.position));
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: at.positions.range(at.file, h.start, h.end) } : null;
  });

  connection.onCompletion((p) => {
    const at = host.currentTree(p.textDocument.uri);
    if (!at) return [];
    const r = completeAt(at.tree, at.file, at.positions.offsetAt(at.file, p.position), { resolvers: host.resolvers() });
    const range = at.positions.range(at.file, r.start, r.end);
    return r.items.map((i) => ({
      label: i.label,
      detail: i.detail,
      kind: i.kind === 'directive' ? CompletionItemKind.Keyword : i.kind === 'value' ? CompletionItemKind.Value : CompletionItemKind.Snippet,
      documentation: i.documentation ? { kind: MarkupKind.Markdown, value: i.documentation } : undefined,
      insertTextFormat: i.isSnippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range, newText: i.insertText },
    }));
  });

  connection.onDocumentSymbol((p) => {
    const at = host.currentTree(p.textDocument.uri);
    const parsed = at?.tree.files.get(at.file);
    if (!at || !parsed) return [];
    const convert = (s: DocumentSymbol): LspDocumentSymbol => ({
      name: s.name,
      detail: s.detail,
      kind: SYMBOL_KINDS[s.kind],
      range: at.positions.range(at.file, s.start, s.end),
      selectionRange: at.positions.range(at.file, s.selectionStart, s.selectionEnd),
      children: s.children.map(convert),
    });
    return documentSymbols(parsed).map(convert);
  });

  connection.onWorkspaceSymbol((p) => {
    const all = host.analysedTrees();
    return workspaceSymbols(all, p.query).map((s) => ({
      name: s.name,
      kind: SYMBOL_KINDS[s.kind],
      containerName: s.containerName,
      location: { uri: fileUri(s.file), range: rangeIn(all.find((t) => t.files.has(s.file)), s.file, s.selectionStart, s.selectionEnd) },
    }));
  });

  connection.onDocumentLinks((p) => {
    const at = host.currentTree(p.textDocument.uri);
    if (!at) return [];
    return documentLinks(at.tree, at.file, at.host).map((l) => ({ range: at.positions.range(at.file, l.start, l.end), target: (at.uriOf ?? fileUri)(l.target), tooltip: l.tooltip }));
  });

  connection.onDefinition((p) => {
    const at = host.currentTree(p.textDocument.uri);
    if (!at) return [];
    return definitionAt(at.tree, at.file, at.positions.offsetAt(at.file, p.position), at.host).map((t) => ({ uri: (at.uriOf ?? fileUri)(t.file), range: rangeIn(at.tree, t.file, t.start, t.end) }));
  });
}
