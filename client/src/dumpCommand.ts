import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { DUMP_SCHEME, OpenDumpRequest } from '../../server/src/lsp/protocol';

/** Texts of the dumped files by URI path (`/ID/etc/nginx/nginx.conf`), and the dumps to register again after a restart. */
const texts = new Map<string, string>();
const dumps: string[] = [];

/** Serves the dumped files read-only, and gives them the nginx language whatever their name. */
export function registerDumpDocuments(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(DUMP_SCHEME, {
      provideTextDocumentContent: (uri) => texts.get(uri.path),
    }),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (doc.uri.scheme === DUMP_SCHEME && doc.languageId !== 'nginx') void vscode.languages.setTextDocumentLanguage(doc, 'nginx');
    }),
  );
}

async function readDumpText(): Promise<string | undefined> {
  const from = await vscode.window.showQuickPick([{ label: 'From a file…', id: 'file' }, { label: 'From the clipboard', id: 'clipboard' }], { placeHolder: 'The output of nginx -T (nginx -V 2>&1; nginx -T also works)' });
  if (!from) return undefined;
  if (from.id === 'clipboard') return vscode.env.clipboard.readText();
  const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Open nginx -T Dump' })) ?? [];
  return file ? new TextDecoder().decode(await vscode.workspace.fs.readFile(file)) : undefined;
}

/** Registers a dump with the server and keeps its files' texts; resolves to the main config's URI, or shows why not. */
async function registerDump(client: LanguageClient, text: string): Promise<vscode.Uri | undefined> {
  const result = await client.sendRequest(OpenDumpRequest, { text });
  if ('error' in result) {
    void vscode.window.showErrorMessage(`nginx TLS: ${result.error}`);
    return undefined;
  }
  for (const f of result.files) texts.set(vscode.Uri.parse(f.uri).path, f.text);
  if (!dumps.includes(text)) dumps.push(text);
  return vscode.Uri.parse(result.mainUri);
}

/** "nginx TLS: Open nginx -T Dump": a dump from a file or the clipboard (or `text`), its main config opened read-only. */
export async function runOpenDumpCommand(client: LanguageClient, text?: string): Promise<vscode.Uri | undefined> {
  const input = text ?? (await readDumpText());
  if (input === undefined) return undefined;
  const main = await registerDump(client, input);
  if (main) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(main), { preview: false });
  return main;
}

/** Registers the open dumps again with a restarted server. */
export async function reregisterDumps(client: LanguageClient): Promise<void> {
  for (const text of dumps) await registerDump(client, text);
}
