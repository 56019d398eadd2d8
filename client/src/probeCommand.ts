import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ProbeAllRequest, ProbeProgressNotification, ProbeRequest, ProbeTargetsRequest, type ProbeAllResult, type ProbeResult } from '../../server/src/lsp/protocol';

let panel: vscode.WebviewPanel | undefined;
let lastReportJson = '';

async function pick<T extends vscode.QuickPickItem>(items: T[], placeHolder: string): Promise<T | undefined> {
  return items.length === 1 ? items[0] : vscode.window.showQuickPick(items, { placeHolder });
}

function showReport(html: string, json: unknown, title: string): void {
  lastReportJson = JSON.stringify(json, null, 2);
  if (!panel) {
    panel = vscode.window.createWebviewPanel('nginxTls.probeReport', title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
    panel.onDidDispose(() => { panel = undefined; });
    panel.webview.onDidReceiveMessage(async (message: { type?: string; file?: string; line?: number }) => {
      if (message.type === 'openJson') {
        const doc = await vscode.workspace.openTextDocument({ language: 'json', content: lastReportJson });
        await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      } else if (message.type === 'reveal' && typeof message.file === 'string' && typeof message.line === 'number') {
        const position = new vscode.Position(message.line, 0);
        await vscode.window.showTextDocument(vscode.Uri.file(message.file), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
      }
    });
  }
  panel.title = title;
  panel.webview.html = html;
  panel.reveal(vscode.ViewColumn.Beside, true);
}

/**
 * "Probe live": picks the TLS server block (under the cursor, or from the CodeLens), its name,
 * then asks the language server to probe it with a cancellable progress notification.
 */
export async function runProbeCommand(client: LanguageClient, uriArg?: string, offsetArg?: number): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('nginx TLS: the live probe is disabled in untrusted workspaces.');
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const uri = uriArg ?? editor?.document.uri.toString();
  if (!uri) {
    void vscode.window.showInformationMessage('nginx TLS: open an nginx config and put the cursor in a TLS server block to probe it.');
    return;
  }
  const position = uriArg ? undefined : editor?.selection.active;
  const targets = await client.sendRequest(ProbeTargetsRequest, {
    uri,
    ...(position ? { position: { line: position.line, character: position.character } } : {}),
    ...(offsetArg !== undefined ? { offset: offsetArg } : {}),
  });
  if (targets.candidates.length === 0) {
    void vscode.window.showInformationMessage(`nginx TLS: nothing to probe: ${targets.reason ?? 'no TLS server block here'}.`);
    return;
  }
  const server = await pick(targets.candidates.map((c) => ({ label: c.label, description: c.names.slice(1).join(' '), candidate: c })), 'Which server block?');
  if (!server) return;
  const { candidate } = server;
  if (candidate.names.length === 0) {
    void vscode.window.showWarningMessage('nginx TLS: this server block has no literal server_name to connect to (wildcards and regexes cannot be probed).');
    return;
  }
  const name = await pick(candidate.names.map((n) => ({ label: n })), 'Which server name (sent as SNI)?');
  if (!name) return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Probing ${name.label}:${candidate.port}`, cancellable: true },
    async (progress, token) => {
      progress.report({ message: 'TLS handshakes, OCSP stapling, sessions, protocols…' });
      try {
        const reply = await client.sendRequest(ProbeRequest, {
          uri,
          offset: candidate.offset,
          serverName: name.label,
          nonce: randomBytes(16).toString('base64'),
          cspSource: panel?.webview.cspSource ?? '',
        }, token);
        return token.isCancellationRequested ? undefined : reply;
      } catch (err) {
        if (token.isCancellationRequested) return undefined;
        return { error: (err as Error).message } satisfies ProbeResult;
      }
    },
  );
  if (!result) return;
  if ('error' in result) {
    void vscode.window.showErrorMessage(`nginx TLS probe: ${result.error}`);
    return;
  }
  showReport(result.html, result.report, `Probe: ${name.label}:${candidate.port}`);
  const summary = result.findings ? `${result.findings} finding${result.findings === 1 ? '' : 's'}, shown on the config lines` : 'no differences between the config and the server';
  void vscode.window.showInformationMessage(`nginx TLS probe of ${name.label}: ${summary}.`);
}

/**
 * "Probe All Servers": every literal server name of the config the active file belongs to, with
 * one cancellable progress notification; the report view lists each server.
 */
export async function runProbeAllCommand(client: LanguageClient): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('nginx TLS: the live probe is disabled in untrusted workspaces.');
    return;
  }
  const uri = vscode.window.activeTextEditor?.document.uri.toString();
  if (!uri) {
    void vscode.window.showInformationMessage('nginx TLS: open a file of the nginx config whose servers you want to probe.');
    return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Probing every TLS server of the config', cancellable: true },
    async (progress, token): Promise<ProbeAllResult | undefined> => {
      progress.report({ message: 'resolving names, TLS handshakes…' });
      let reported = 0;
      const listener = client.onNotification(ProbeProgressNotification, ({ done, total }) => {
        progress.report({ message: `${done} of ${total} servers`, increment: ((done - reported) * 100) / Math.max(total, 1) });
        reported = done;
      });
      try {
        const reply = await client.sendRequest(ProbeAllRequest, { uri, nonce: randomBytes(16).toString('base64'), cspSource: panel?.webview.cspSource ?? '' }, token);
        return token.isCancellationRequested ? undefined : reply;
      } catch (err) {
        if (token.isCancellationRequested) return undefined;
        return { error: (err as Error).message };
      } finally {
        listener.dispose();
      }
    },
  );
  if (!result) return;
  if ('error' in result) {
    void vscode.window.showErrorMessage(`nginx TLS probe: ${result.error}`);
    return;
  }
  showReport(result.html, { version: 1, reports: result.reports }, 'Probe: all servers');
  const summary = result.errors ? `${result.errors} of ${result.servers} servers with errors` : `${result.servers} servers, no errors`;
  void vscode.window.showInformationMessage(`nginx TLS probe: ${summary}; ${result.findings} finding${result.findings === 1 ? '' : 's'} shown on the config lines.`);
}
