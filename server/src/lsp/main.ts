import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../service/analyzeFile';
import { ruleDocsPath } from '../service/analyzeTree';
import { RULES } from '../service/rules';
import { createNodeHost, type ConfigHost } from '../service/model/configHost';
import { loadConfigFor } from '../service/model/locateMainConfig';
import { LineIndex } from '../service/lineIndex';
import { DIRECTIVE_CHECKS } from '../service/checks';
import { EDITOR_FEATURE_CAPABILITIES, registerEditorFeatures } from './editorFeatures';
import { ParseCache } from '../service/model/parseCache';
import { provideCodeActions } from './codeActions';
import { FIX_ALL_KIND, SETTINGS_SECTION, TrustNotification, type TrustParams } from './protocol';
import { createProbeHandlers, ProbeDiagnostics, registerProbeRequests } from './probeHandler';
import type { ConfigTree } from '../service/model/configTree';
import { DEFAULT_SETTINGS, toServerSettings, type ServerSettings } from './settings';
import { toLspDiagnostics } from './toLspDiagnostic';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new ParseCache();
const published = new Map<string, Diagnostic[]>();
const analysedVersions = new Map<string, number>();
const trees = new Map<string, ConfigTree>();
const probeDiagnostics = new ProbeDiagnostics();
const timers = new Map<string, NodeJS.Timeout>();
const generations = new Map<string, number>();
let settings: ServerSettings = DEFAULT_SETTINGS;
let pullSettings = false;
let workspaceTrusted = true;
const DOCUMENTED_CODES = new Set([...RULES, ...DIRECTIVE_CHECKS].map((r) => r.id));

function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Open documents by file path, so that unsaved contents win over the disk. */
function openDocumentFor(file: string): TextDocument | undefined {
  return documents.get(pathToFileURL(file).toString());
}

const docsLinks = new Map<string, string | undefined>();

/** The bundled docs page of a rule, opened from the diagnostic's code link (looked up once per code). */
function docsLink(code: string): string | undefined {
  if (!DOCUMENTED_CODES.has(code)) return undefined;
  if (!docsLinks.has(code)) {
    const page = path.join(__dirname, '..', ruleDocsPath(code));
    docsLinks.set(code, fs.existsSync(page) ? pathToFileURL(page).toString() : undefined);
  }
  return docsLinks.get(code);
}

/** The file system as the service sees it: open documents' unsaved contents win over the disk. */
function hostWithOpenDocuments(): ConfigHost {
  return createNodeHost({
    maxFileSize: settings.maxFileSize,
    overlay: (f) => {
      const open = openDocumentFor(f);
      return open ? { text: open.getText(), version: open.version } : undefined;
    },
  });
}

function analyzeNow(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return;
  const generation = generations.get(uri) ?? 0;
  const file = filePathOf(uri);
  if (!file) {
    connection.sendDiagnostics({ uri, diagnostics: [] });
    return;
  }
  try {
    const host = hostWithOpenDocuments();
    const result = analyzeFile(file, {
      host,
      cache,
      mainConfig: settings.mainConfig || undefined,
      settings: {
        maxFileSize: settings.maxFileSize,
        rules: {
          nginxVersion: settings.nginxVersion,
          resolvers: settings.resolvers,
          expiryWarningDays: settings.expiryWarningDays,
          severities: settings.severities,
          readCertificates: workspaceTrusted,
        },
      },
    });
    if ((generations.get(uri) ?? 0) !== generation || !documents.get(uri)) return;
    const diagnostics = toLspDiagnostics(result.diagnostics, result.tree, doc.version, docsLink);
    published.set(uri, diagnostics);
    analysedVersions.set(uri, doc.version);
    trees.set(uri, result.tree);
    publish(uri);
  } catch (err) {
    connection.console.error(`analysis of ${file} failed: ${(err as Error)?.stack ?? String(err)}`);
  }
}

/** Sends the analysis diagnostics of a document with its live-probe findings (only those when it is not open). */
function publish(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return void connection.sendDiagnostics({ uri, diagnostics: probeDiagnostics.current(uri, undefined) });
  connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [...(published.get(uri) ?? []), ...probeDiagnostics.current(uri, doc)] });
}

const probeHandlers = createProbeHandlers({
  treeFor: (uri) => trees.get(uri),
  document: (uri) => documents.get(uri),
  settings: () => settings.probe,
  trusted: () => workspaceTrusted,
  nginxVersion: () => settings.nginxVersion,
  republish: (uris) => uris.forEach(publish),
}, probeDiagnostics);

function schedule(uri: string, delay: number): void {
  generations.set(uri, (generations.get(uri) ?? 0) + 1);
  clearTimeout(timers.get(uri));
  timers.set(uri, setTimeout(() => {
    timers.delete(uri);
    analyzeNow(uri);
  }, delay));
}

/** Re-analyses every open document: an edit in one file can change another's diagnostics. */
function scheduleAll(delay: number, first?: string): void {
  if (first) schedule(first, delay);
  for (const doc of documents.all()) if (doc.uri !== first) schedule(doc.uri, delay * 2);
}

async function refreshSettings(): Promise<void> {
  if (!pullSettings) return;
  try {
    const raw = await connection.workspace.getConfiguration(SETTINGS_SECTION);
    settings = toServerSettings(raw);
  } catch {
    settings = DEFAULT_SETTINGS;
  }
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  pullSettings = !!params.capabilities.workspace?.configuration;
  const init = (params.initializationOptions ?? {}) as { workspaceTrusted?: boolean; settings?: unknown };
  if (typeof init.workspaceTrusted === 'boolean') workspaceTrusted = init.workspaceTrusted;
  if (init.settings) settings = toServerSettings(init.settings);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      codeLensProvider: { resolveProvider: false },
      ...EDITOR_FEATURE_CAPABILITIES,
    },
    serverInfo: { name: 'nginx-tls', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  void refreshSettings().then(() => scheduleAll(0));
});

connection.onDidChangeConfiguration((change) => {
  const p = pullSettings ? refreshSettings() : Promise.resolve().then(() => { settings = toServerSettings((change.settings as Record<string, unknown>)?.[SETTINGS_SECTION]); });
  void p.then(() => scheduleAll(0));
});

connection.onNotification(TrustNotification.method, (params: TrustParams) => {
  workspaceTrusted = params.trusted;
  scheduleAll(0);
  void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
});

documents.onDidOpen((e) => schedule(e.document.uri, 0));
documents.onDidChangeContent((e) => scheduleAll(settings.debounceMs, e.document.uri));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  timers.delete(e.document.uri);
  generations.delete(e.document.uri);
  published.delete(e.document.uri);
  analysedVersions.delete(e.document.uri);
  trees.delete(e.document.uri);
  const file = filePathOf(e.document.uri);
  if (file) cache.delete(file);
  publish(e.document.uri);
  scheduleAll(settings.debounceMs);
});

connection.onDidChangeWatchedFiles(() => scheduleAll(settings.debounceMs));

connection.onCodeAction((params) => {
  const uri = params.textDocument.uri;
  const doc = documents.get(uri);
  if (!doc) return [];
  if (analysedVersions.get(uri) !== doc.version && timers.has(uri)) {
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    analyzeNow(uri);
  }
  return provideCodeActions(params, published.get(uri) ?? [], doc.version);
});
connection.onCodeLens((params) => probeHandlers.codeLenses(params.textDocument.uri));
registerEditorFeatures(connection, {
  currentTree(uri) {
    const file = filePathOf(uri);
    if (!file) return undefined;
    const host = hostWithOpenDocuments();
    const tree = loadConfigFor(file, { host, cache, mainConfig: settings.mainConfig || undefined });
    const text = tree.files.get(file)?.text;
    return text === undefined ? undefined : { tree, file, index: new LineIndex(text), host };
  },
  analysedTrees: () => [...trees.values()],
  resolvers: () => settings.resolvers,
});
registerProbeRequests(connection, probeHandlers);

documents.listen(connection);
connection.listen();
