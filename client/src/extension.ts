import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SETTINGS_SECTION, TrustNotification } from '../../server/src/lsp/protocol';
import { runProbeAllCommand, runProbeCommand } from './probeCommand';
import { registerDumpDocuments, reregisterDumps, runOpenDumpCommand } from './dumpCommand';
import { registerDocsPreview } from './docsLinks';

const CLIENT_ID = SETTINGS_SECTION;

let client: LanguageClient | undefined;

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'nginx' }],
    synchronize: {
      configurationSection: CLIENT_ID,
      // Every file: the server keeps what it read from disk (includes of any name, certificates, keys,
      // OCSP staples, directory listings for globs) until a change is reported.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*'),
    },
    initializationOptions: {
      workspaceTrusted: vscode.workspace.isTrusted,
      settings: vscode.workspace.getConfiguration(CLIENT_ID),
    },
  };
  return new LanguageClient(CLIENT_ID, 'nginx TLS', serverOptions, clientOptions);
}

/** Starts the language server and registers the commands; everything else lives in the server. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('nginxTls.restartServer', async () => {
      await client?.restart();
      if (client) await reregisterDumps(client);
    }),
    vscode.commands.registerCommand('nginxTls.showOutput', () => client?.outputChannel.show(true)),
    vscode.commands.registerCommand('nginxTls.probe', async (uri?: string, offset?: number) => {
      if (client) await runProbeCommand(client, typeof uri === 'string' ? uri : undefined, typeof offset === 'number' ? offset : undefined);
    }),
    vscode.commands.registerCommand('nginxTls.probeAll', async () => {
      if (client) await runProbeAllCommand(client);
    }),
    registerDumpDocuments(),
    registerDocsPreview(context),
    vscode.commands.registerCommand('nginxTls.openDump', async (text?: unknown) => (client ? runOpenDumpCommand(client, typeof text === 'string' ? text : undefined) : undefined)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendNotification(TrustNotification, { trusted: true });
    }),
  );
  await client.start();
}

/** Stops the language server. */
export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
