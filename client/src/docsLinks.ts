import * as path from 'node:path';
import * as vscode from 'vscode';

/** The path of the URIs the docs links use: `<scheme>://<extension id>/docs?page=docs/rules/<id>.md`. */
const DOCS_PATH = '/docs';

/** The base of the docs links the server puts on diagnostics (this editor's URI scheme and the extension's id). */
export function docsUriBase(context: vscode.ExtensionContext): string {
  return `${vscode.env.uriScheme}://${context.extension.id}${DOCS_PATH}`;
}

/**
 * Opens a diagnostic's docs link as a rendered Markdown preview of the bundled page (the raw file
 * is what a plain file link would show). Only pages inside the extension's docs/ are opened.
 */
export function registerDocsLinks(context: vscode.ExtensionContext): vscode.Disposable {
  const docsRoot = context.asAbsolutePath('docs');
  return vscode.window.registerUriHandler({
    async handleUri(uri: vscode.Uri) {
      if (uri.path !== DOCS_PATH) return;
      const page = new URLSearchParams(uri.query).get('page') ?? '';
      const file = path.resolve(context.extensionPath, page);
      if (!file.startsWith(docsRoot + path.sep) || !file.endsWith('.md')) return;
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(file));
    },
  });
}
