import type { Connection, FormattingOptions, ServerCapabilities, TextDocuments, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatDocument, formatOnType, formatRange, type FormatOptions, type FormatResult } from '../service';
import { SETTINGS_SECTION } from './protocol';

/** The characters after which the server formats as you type. */
const ON_TYPE_TRIGGERS = ['}', ';'];

/** The LSP capabilities of the formatter. */
export const FORMATTING_CAPABILITIES: ServerCapabilities = {
  documentFormattingProvider: true,
  documentRangeFormattingProvider: true,
  documentOnTypeFormattingProvider: { firstTriggerCharacter: ON_TYPE_TRIGGERS[0], moreTriggerCharacter: ON_TYPE_TRIGGERS.slice(1) },
};

/** `nginxTls.format.alignArguments` for a document; false when the client cannot say. */
async function alignArguments(connection: Connection, uri: string): Promise<boolean> {
  try {
    const format = await connection.workspace.getConfiguration({ scopeUri: uri, section: `${SETTINGS_SECTION}.format` }) as { alignArguments?: unknown } | null;
    return format?.alignArguments === true;
  } catch {
    return false;
  }
}

function toLspEdits(doc: TextDocument, result: FormatResult): TextEdit[] {
  return result.edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText }));
}

/**
 * Document, range and on-type formatting: the editor's tab options and the align setting go to
 * the service; a reason for leaving text unformatted is logged, and shown for explicit requests.
 */
export function registerFormatting(connection: Connection, documents: TextDocuments<TextDocument>): void {
  const optionsFor = async (uri: string, o: FormattingOptions): Promise<FormatOptions> => ({
    tabSize: o.tabSize,
    insertSpaces: o.insertSpaces,
    alignArguments: await alignArguments(connection, uri),
  });
  const report = (doc: TextDocument, result: FormatResult, show: boolean): TextEdit[] => {
    if (result.reason) {
      connection.console.info(`format ${doc.uri}: ${result.reason}`);
      if (show) void connection.window.showWarningMessage(`nginx TLS: ${result.reason}`);
    }
    return toLspEdits(doc, result);
  };

  connection.onDocumentFormatting(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    const options = await optionsFor(doc.uri, p.options);
    return report(doc, formatDocument(doc.getText(), options), true);
  });

  connection.onDocumentRangeFormatting(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    const options = await optionsFor(doc.uri, p.options);
    const range = { start: doc.offsetAt(p.range.start), end: doc.offsetAt(p.range.end) };
    return report(doc, formatRange(doc.getText(), range, options), true);
  });

  connection.onDocumentOnTypeFormatting(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !ON_TYPE_TRIGGERS.includes(p.ch)) return null;
    const options = await optionsFor(doc.uri, p.options);
    return report(doc, formatOnType(doc.getText(), doc.offsetAt(p.position), p.ch, options), false);
  });
}
