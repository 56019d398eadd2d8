import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * A diagnostic's code link opens the rule's bundled docs page (a file of the extension's docs/).
 * Such a page opened as raw Markdown is shown as a rendered preview instead, in the same place
 * (a plain file link works the same in desktop VS Code, in remote windows and in the browser).
 */
export function registerDocsPreview(context: vscode.ExtensionContext): vscode.Disposable {
  const docsRoot = context.asAbsolutePath('docs') + path.sep;
  const render = async (editor: vscode.TextEditor | undefined): Promise<void> => {
    const uri = editor?.document.uri;
    if (!uri || uri.scheme !== 'file' || !uri.fsPath.startsWith(docsRoot) || !uri.fsPath.endsWith('.md')) return;
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    if (tab && !editor?.document.isDirty) await vscode.window.tabGroups.close(tab, true);
  };
  void render(vscode.window.activeTextEditor);
  return vscode.window.onDidChangeActiveTextEditor((editor) => void render(editor));
}
