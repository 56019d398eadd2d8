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
import { analyzeFile, createNodeHost, docsPathOf, loadConfigFor, ParseCache, selectFixes, treePositions, type AnalysisSettings, type ConfigDiagnostic, type ConfigHost, type ConfigTree } from '../service';
import { EDITOR_FEATURE_CAPABILITIES, registerEditorFeatures } from './editorFeatures';
import { FORMATTING_CAPABILITIES, registerFormatting } from './formatting';
import { provideCodeActions } from './codeActions';
import { FIX_ALL_KIND, SETTINGS_SECTION, TrustNotification, type LspFix, type TrustParams, OpenDumpRequest } from './protocol';
import { onTypedRequest } from './typedRequests';
import { createProbeHandlers, ProbeDiagnostics, registerProbeRequests } from './probeHandler';
import { DEFAULT_SETTINGS, toServerSettings, type ServerSettings } from './settings';
import { NginxBuildSource } from '../system/nginxBuild';
import { isThisMachinesConfig, readLocalResolution, type LocalResolution } from '../system/localResolution';
import { nginxTestCommandOf, NginxTestRunner } from './nginxTestOnSave';
import { DumpDocuments } from './dumpDocuments';
import { toLspDiagnostics, toLspFix } from './toLspDiagnostic';
import { guardConnection, logUncaughtErrors } from './validateParams';

const rawConnection = createConnection(ProposedFeatures.all);
const connection = guardConnection(rawConnection, (m) => rawConnection.console.warn(m));
logUncaughtErrors((m) => rawConnection.console.error(m));
const documents = new TextDocuments(TextDocument);
const cache = new ParseCache();
const published = new Map<string, Diagnostic[]>();
/** The service diagnostics behind `published`, for "fix all". */
const analysed = new Map<string, ConfigDiagnostic[]>();
const analysedVersions = new Map<string, number>();
const trees = new Map<string, ConfigTree>();
const probeDiagnostics = new ProbeDiagnostics();
const dumpDocuments = new DumpDocuments(() => settings.maxFileSize);
const timers = new Map<string, NodeJS.Timeout>();
const generations = new Map<string, number>();
let settings: ServerSettings = DEFAULT_SETTINGS;
let pullSettings = false;
// Fails closed: certificates are read only when the client says the workspace is trusted.
let workspaceTrusted = false;

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

/** The bundled docs page of a code, opened from the diagnostic's code link (looked up once per code; the client renders it). */
function docsLink(code: string): string | undefined {
  if (!docsLinks.has(code)) {
    const docs = docsPathOf(code);
    const page = docs === undefined ? undefined : path.join(__dirname, '..', docs);
    docsLinks.set(code, page !== undefined && fs.existsSync(page) ? pathToFileURL(page).toString() : undefined);
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

let localResolution: LocalResolution | undefined;

/**
 * For a config of the nginx on this machine: the machine's own resolvers for the quick-fixes
 * (unless nginxTls.quickFix.resolvers is set) and the names of its /etc/hosts (read once).
 */
function localSettingsFor(file: string): Partial<AnalysisSettings> {
  if (!workspaceTrusted || !isThisMachinesConfig(settings.mainConfig || file)) return {};
  localResolution ??= readLocalResolution();
  const useMachine = settings.resolvers === DEFAULT_SETTINGS.resolvers && localResolution.resolvers !== undefined;
  return { localHostNames: localResolution.localHostNames, ...(useMachine ? { resolvers: localResolution.resolvers } : {}) };
}

function analyzeNow(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return;
  const generation = generations.get(uri) ?? 0;
  const file = filePathOf(uri);
  if (!file) {
    connection.sendDiagnostics({ uri, diagnostics: dumpDocuments.diagnostics(uri, { ...settings, readCertificates: workspaceTrusted }, docsLink) ?? [] });
    return;
  }
  try {
    const host = hostWithOpenDocuments();
    const result = analyzeFile(file, {
      host,
      cache,
      mainConfig: settings.mainConfig || undefined,
      settings: { ...settings, ...localSettingsFor(file), nginxVersion: settings.nginxVersion ?? nginxBuild.build()?.nginxVersion, readCertificates: workspaceTrusted },
    });
    if ((generations.get(uri) ?? 0) !== generation || !documents.get(uri)) return;
    const diagnostics = toLspDiagnostics(result.diagnostics, result.tree, doc.version, docsLink);
    published.set(uri, diagnostics);
    analysed.set(uri, result.diagnostics);
    analysedVersions.set(uri, doc.version);
    trees.set(uri, result.tree);
    publish(uri);
  } catch (err) {
    connection.console.error(`analysis of ${file} failed: ${(err as Error)?.stack ?? String(err)}`);
  }
}

/** Sends the analysis diagnostics of a document with its live-probe findings and the last nginx -t's (only those two for a file not open). */
function publish(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return void connection.sendDiagnostics({ uri, diagnostics: [...probeDiagnostics.current(uri, undefined), ...nginxTests.current(uri)] });
  connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [...(published.get(uri) ?? []), ...probeDiagnostics.current(uri, doc), ...nginxTests.current(uri)] });
}

const nginxTests = new NginxTestRunner({
  command: () => nginxTestCommandOf(settings, workspaceTrusted),
  docsLink,
  republish: (uris) => uris.forEach(publish),
  log: (line) => connection.console.info(`nginx -t: ${line}`),
  notify: (message) => void connection.window.showWarningMessage(message),
});

const probeHandlers = createProbeHandlers({
  treeFor: (uri) => trees.get(uri),
  document: (uri) => documents.get(uri),
  settings: () => settings.probe,
  trusted: () => workspaceTrusted,
  nginxVersion: () => settings.nginxVersion,
  republish: (uris) => uris.forEach(publish),
  docsLink,
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
  workspaceTrusted = init.workspaceTrusted === true;
  if (init.settings) settings = toServerSettings(init.settings);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      codeLensProvider: { resolveProvider: false },
      ...EDITOR_FEATURE_CAPABILITIES,
      ...FORMATTING_CAPABILITIES,
    },
    serverInfo: { name: 'nginx-tls', version: '0.1.0' },
  };
});

// nginx -V is read once per binary, only in a trusted workspace and only when no version is set.
const nginxBuild = new NginxBuildSource((line) => connection.console.info(line), () => scheduleAll(0));
const selectNginx = (): Promise<void> => (workspaceTrusted && !settings.nginxVersion ? nginxBuild.select(settings.nginxBinary) : Promise.resolve());

connection.onInitialized(() => {
  // The first analysis waits for nginx -V (bounded by its timeout), so that it is not redone.
  void refreshSettings().then(selectNginx).then(() => scheduleAll(0));
});

connection.onDidChangeConfiguration((change) => {
  const p = pullSettings ? refreshSettings() : Promise.resolve().then(() => { settings = toServerSettings((change.settings as Record<string, unknown>)?.[SETTINGS_SECTION]); });
  void p.then(() => { void selectNginx(); scheduleAll(0); if (!nginxTestCommandOf(settings, workspaceTrusted)) nginxTests.clear(); });
});

connection.onNotification(TrustNotification.method, (params: TrustParams) => {
  workspaceTrusted = params?.trusted === true;
  void selectNginx();
  scheduleAll(0);
  void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
});

documents.onDidOpen((e) => schedule(e.document.uri, 0));
documents.onDidSave((e) => void nginxTests.saved(trees.get(e.document.uri)));
documents.onDidChangeContent((e) => scheduleAll(settings.debounceMs, e.document.uri));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  timers.delete(e.document.uri);
  generations.delete(e.document.uri);
  published.delete(e.document.uri);
  analysed.delete(e.document.uri);
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
  const tree = trees.get(uri);
  const fixAll = (): LspFix[] => {
    if (!tree) return [];
    const positions = treePositions(tree);
    return selectFixes(analysed.get(uri) ?? [], (f) => tree.files.get(f)?.text).fixes.map((fix) => toLspFix(fix, positions));
  };
  return provideCodeActions(params, published.get(uri) ?? [], doc.version, fixAll);
});
connection.onCodeLens((params) => probeHandlers.codeLenses(params.textDocument.uri));
registerEditorFeatures(connection, {
  currentTree(uri) {
    const file = filePathOf(uri);
    if (!file) return dumpDocuments.currentTree(uri);
    const host = hostWithOpenDocuments();
    const tree = loadConfigFor(file, { host, cache, mainConfig: settings.mainConfig || undefined });
    const text = tree.files.get(file)?.text;
    return text === undefined ? undefined : { tree, file, positions: treePositions(tree), host };
  },
  analysedTrees: () => [...trees.values()],
  resolvers: () => settings.resolvers,
});
registerFormatting(connection, documents);
registerProbeRequests(connection, probeHandlers);
onTypedRequest(connection, OpenDumpRequest, (params) => dumpDocuments.open(params));

documents.listen(connection);
connection.listen();
