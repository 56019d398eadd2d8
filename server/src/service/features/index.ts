export { hoverAt, describeDirective, type HoverResult } from './hover';
export { completeAt, type CompletionItem, type CompletionOptions, type CompletionResult } from './completion';
export { documentSymbols, workspaceSymbols, type DocumentSymbol, type SymbolKind, type WorkspaceSymbol } from './symbols';
export { documentLinks, definitionAt, type DefinitionTarget, type DocumentLink } from './links';
