import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  FileChangeType,
  type Diagnostic,
  type Range,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AnalysisCache, analyzeFile, DerivedParses, fixAll, wholeChangeEdit, TreeCache, treeReadFile, createNodeHost, docsPathOf, forgetFileReads, loadConfigFor, ParseCache, snapshotFileReads, treePositions, type AnalysisSettings, type ConfigDiagnostic, type ConfigHost, type ConfigTree } from '../service';
import { EDITOR_FEATURE_CAPABILITIES, registerEditorFeatures } from './editorFeatures';
import { FORMATTING_CAPABILITIES, registerFormatting } from './formatting';
import { provideCodeActions, type FixAllEdits } from './codeActions';
import { FIX_ALL_KIND, SETTINGS_SECTION, TrustNotification, type DiagnosticData, type TrustParams, OpenDumpRequest } from './protocol';
import { onTypedRequest } from './typedRequests';
import { createProbeHandlers, ProbeDiagnostics, registerProbeRequests } from './probeHandler';
import { DEFAULT_SETTINGS, toServerSettings, type ServerSettings } from './settings';
import { NginxBuildSource } from '../system/nginxBuild';
import { isThisMachinesConfig, readLocalResolution, type LocalResolution } from '../system/localResolution';
import { nginxTestCommandOf, NginxTestRunner } from './nginxTestOnSave';
import { DumpDocuments } from './dumpDocuments';
import { toLspDiagnostics, toLspFix } from './toLspDiagnostic';
import { guardConnection, logUncaughtErrors } from './validateParams';
import { IdleCollection } from './idleCollection';
import { limitPublication, mostSevere, serviceRank } from './diagnosticLimit';

const rawConnection = createConnection(ProposedFeatures.all);
const connection = guardConnection(rawConnection, (m) => rawConnection.console.warn(m));
logUncaughtErrors((m) => rawConnection.console.error(m));
const documents = new TextDocuments(TextDocument);
const cache = new ParseCache();
const analysisCache = new AnalysisCache();
/** The analysis diagnostics converted for each document: the most severe, as many as a publication can show. */
const published = new Map<string, Diagnostic[]>();
/** How many analysis findings each document has, converted or not. */
const findingCounts = new Map<string, number>();
/** The service diagnostics behind `published`, for "fix all". */
const analysed = new Map<string, ConfigDiagnostic[]>();
const analysedVersions = new Map<string, number>();
/** The settings each document's publication was made under (replaced, never changed, when they change). */
const analysedSettings = new Map<string, ServerSettings>();
const trees = new Map<string, ConfigTree>();
const probeDiagnostics = new ProbeDiagnostics();
const dumpDocuments = new DumpDocuments(() => settings.maxFileSize);
/** Analyses waiting for their debounce, by document. */
const timers = new Map<string, Pending>();

interface Pending {
  cancel(): void;
}

/** Runs `run` after `delay` ms; with no delay, once the messages already read are handled (a timer would wait at least 1 ms). */
function later(run: () => void, delay: number): Pending {
  if (delay <= 0) {
    const immediate = setImmediate(run);
    return { cancel: () => clearImmediate(immediate) };
  }
  const timer = setTimeout(run, delay);
  return { cancel: () => clearTimeout(timer) };
}
/** Full garbage collections once the server has been idle for a second (see idleCollection.ts). */
const idleCollection = new IdleCollection(1000);
/** Documents to analyse again after the edited one (see queueDependents). */
const queued = new Set<string>();
const treeCache = new TreeCache();
/** The files each open document's last analysis read (its tree and the candidate main configs): an edit elsewhere leaves it alone. */
const dependencies = new Map<string, FilesRead>();

/**
 * The files an analysis read: the document's own and those of the trees it loaded, by their sets
 * of paths (shared with the trees, not copied per document; the trees themselves are not kept).
 */
class FilesRead {
  private readonly trees: Pick<ConfigTree, 'mainFile' | 'includedPaths'>[] = [];
  constructor(private readonly file: string) {}
  add(tree: ConfigTree): void {
    if (!this.trees.some((t) => t.includedPaths === tree.includedPaths)) this.trees.push({ mainFile: tree.mainFile, includedPaths: tree.includedPaths });
  }
  has(file: string): boolean {
    return file === this.file || this.trees.some((t) => treeReadFile(t, file));
  }
}

/** What was last sent for each document, without the document version, to skip publications that change nothing. */
const sentDiagnostics = new Map<string, Diagnostic[]>();
const generations = new Map<string, number>();
let settings: ServerSettings = DEFAULT_SETTINGS;
let pullSettings = false;
// Fails closed: certificates are read only when the client says the workspace is trusted.
let workspaceTrusted = false;

function toFilePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The file paths of the open documents' URIs (200 open sites parsed a URL each, per edit). */
const openFilePaths = new Map<string, string | undefined>();

function filePathOf(uri: string): string | undefined {
  if (openFilePaths.has(uri)) return openFilePaths.get(uri);
  const file = toFilePath(uri);
  if (documents.get(uri)) openFilePaths.set(uri, file);
  return file;
}

/** The URIs of the open documents by file path (kept on open and close: a URL per file read costs). */
const openUris = new Map<string, string>();

/** Real paths from the file reads' snapshot (see fileSnapshot.ts): no system call per keystroke. */
const realPathHost = createNodeHost();
/** The open documents' file paths by their real paths (links resolved); made again when documents open or close or files change. */
let openByRealPath: Map<string, string> | undefined;

/**
 * The path an included file is open under, when the editor has it open under another one than the
 * config's (Debian's sites-available/x, which sites-enabled/x links to): trees then name it so,
 * and read its unsaved contents (see LoadOptions.openedAs).
 */
function openedAs(included: string): string | undefined {
  if (openUris.has(included)) return undefined;
  openByRealPath ??= new Map([...openUris.keys()].map((f) => [realPathHost.realpath(f), f]));
  const opened = openByRealPath.get(realPathHost.realpath(included));
  return opened === included ? undefined : opened;
}

/** Open documents by file path, so that unsaved contents win over the disk. */
function openDocumentFor(file: string): TextDocument | undefined {
  const uri = openUris.get(file);
  return uri === undefined ? undefined : documents.get(uri);
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
function hostWithOpenDocuments(over?: (file: string) => string | undefined): ConfigHost {
  return createNodeHost({
    maxFileSize: settings.maxFileSize,
    overlay: (f) => {
      const text = over?.(f);
      if (text !== undefined) return { text, version: -1 };
      const open = openDocumentFor(f);
      return open ? { text: open.getText(), version: open.version } : undefined;
    },
  });
}

let localResolution: LocalResolution | undefined;
/** isThisMachinesConfig by file, kept until files change (it resolves links: a system call per document and keystroke otherwise). */
const machineConfigs = new Map<string, boolean>();

function isMachineConfig(file: string): boolean {
  let mine = machineConfigs.get(file);
  if (mine === undefined) {
    mine = isThisMachinesConfig(file);
    machineConfigs.set(file, mine);
  }
  return mine;
}

/**
 * For a config of the nginx on this machine: the machine's own resolvers for the quick-fixes
 * (unless nginxTls.quickFix.resolvers is set) and the names of its /etc/hosts (read once).
 */
function localSettingsFor(file: string): Partial<AnalysisSettings> {
  if (!workspaceTrusted || !isMachineConfig(settings.mainConfig || file)) return {};
  localResolution ??= readLocalResolution();
  const useMachine = settings.resolvers === DEFAULT_SETTINGS.resolvers && localResolution.resolvers !== undefined;
  return { localHostNames: localResolution.localHostNames, ...(useMachine ? { resolvers: localResolution.resolvers } : {}) };
}

/**
 * Whether a document's analysis gave the very diagnostic objects of its last one, for the same
 * version and settings: then its publication is the same and is neither made nor compared again.
 * The other 200 open sites of a tree edited in one site get their kept findings back (the same
 * objects: kept ones are never changed, see ServerFactsMemo and BlockCheckMemo), and an object
 * kept from before means the text before it did not change, so neither did its position.
 */
function sameAnalysis(uri: string, version: number, diagnostics: readonly ConfigDiagnostic[]): boolean {
  const last = analysed.get(uri);
  return last !== undefined && analysedVersions.get(uri) === version && analysedSettings.get(uri) === settings && last.length === diagnostics.length && last.every((d, i) => d === diagnostics[i]);
}

/** The analysis settings for a file: the editor's, the local machine's for its config, trust. */
function analysisSettingsFor(file: string): Partial<AnalysisSettings> {
  return { ...settings, ...localSettingsFor(file), nginxVersion: settings.nginxVersion ?? nginxBuild.build()?.nginxVersion, readCertificates: workspaceTrusted };
}

/** Analyses a document now; true when its tree was analysed afresh (not shared with a document analysed before). */
function analyzeNow(uri: string): boolean {
  const doc = documents.get(uri);
  if (!doc) return false;
  const generation = generations.get(uri) ?? 0;
  const file = filePathOf(uri);
  if (!file) {
    connection.sendDiagnostics({ uri, diagnostics: dumpDocuments.diagnostics(uri, { ...settings, readCertificates: workspaceTrusted }, docsLink) ?? [] });
    return false;
  }
  try {
    const started = performance.now();
    const read = new FilesRead(file);
    const result = analyzeFile(file, {
      host: hostWithOpenDocuments(),
      cache,
      analysisCache,
      trees: treeCache,
      onTree: (tree) => read.add(tree),
      openedAs,
      mainConfig: settings.mainConfig || undefined,
      settings: analysisSettingsFor(file),
    });
    if ((generations.get(uri) ?? 0) !== generation || !documents.get(uri)) return false;
    dependencies.set(uri, read);
    trees.set(uri, result.tree);
    if (!sameAnalysis(uri, doc.version, result.diagnostics)) {
      const diagnostics = toLspDiagnostics(mostSevere(result.diagnostics, settings.maxPerFile, serviceRank), result.tree, doc.version, docsLink);
      published.set(uri, diagnostics);
      findingCounts.set(uri, result.diagnostics.length);
      analysed.set(uri, result.diagnostics);
      analysedVersions.set(uri, doc.version);
      analysedSettings.set(uri, settings);
      publish(uri);
    }
    idleCollection.touch();
    if (result.fresh) {
      const tree = result.tree.mainFile === file ? '' : ` in the tree of ${result.tree.mainFile}`;
      const { blocks, facts } = analysisCache.lastReuse;
      const kept = blocks + facts > 0 ? ` (kept from the last analysis: ${blocks} block bodies, ${facts} server facts and rule results)` : '';
      connection.console.info(`analysed ${file}${tree} (${result.tree.files.size} files): ${result.diagnostics.length} diagnostics, ${(performance.now() - started).toFixed(0)} ms${kept}`);
    }
    return result.fresh;
  } catch (err) {
    connection.console.error(`analysis of ${file} failed: ${(err as Error)?.stack ?? String(err)}`);
    return false;
  }
}

/** Whether two publications say the same, but for the document version their fixes were computed for (code actions look fixes up anew). */
function samePublication(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  const sameRange = (x: Range, y: Range): boolean => x.start.line === y.start.line && x.start.character === y.start.character && x.end.line === y.end.line && x.end.character === y.end.character;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!sameRange(x.range, y.range) || x.code !== y.code || x.message !== y.message || x.severity !== y.severity || x.source !== y.source || x.codeDescription?.href !== y.codeDescription?.href) return false;
    if (JSON.stringify(x.relatedInformation) !== JSON.stringify(y.relatedInformation)) return false;
    if (JSON.stringify((x.data as DiagnosticData | undefined)?.fixes) !== JSON.stringify((y.data as DiagnosticData | undefined)?.fixes)) return false;
  }
  return true;
}

/**
 * Sends the analysis diagnostics of a document with its live-probe findings and the last
 * nginx -t's (only those two for a file not open), when they changed.
 */
function publish(uri: string): void {
  const doc = documents.get(uri);
  const analysis = doc ? published.get(uri) ?? [] : [];
  const others = [...probeDiagnostics.current(uri, doc), ...nginxTests.current(uri)];
  const total = (doc ? findingCounts.get(uri) ?? analysis.length : 0) + others.length;
  const diagnostics = limitPublication([...analysis, ...others], total, settings.maxPerFile);
  const sent = sentDiagnostics.get(uri);
  if (sent && samePublication(sent, diagnostics)) return;
  sentDiagnostics.set(uri, diagnostics);
  connection.sendDiagnostics(doc ? { uri, version: doc.version, diagnostics } : { uri, diagnostics });
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
  log: (line) => connection.console.info(line),
}, probeDiagnostics);

function schedule(uri: string, delay: number): void {
  generations.set(uri, (generations.get(uri) ?? 0) + 1);
  queued.delete(uri);
  timers.get(uri)?.cancel();
  timers.set(uri, later(() => {
    timers.delete(uri);
    analyzeNow(uri);
    drainQueue();
  }, delay));
}

/** Forgets the kept disk reads and trees: files changed under the editor (or settings that change what is read). */
function forgetFiles(): void {
  forgetFileReads();
  treeCache.clear();
  openByRealPath = undefined;
  machineConfigs.clear();
}

/** Re-analyses every open document (settings, trust, files on disk changed). */
function scheduleAll(delay: number): void {
  forgetFiles();
  for (const doc of documents.all()) schedule(doc.uri, delay);
}

/**
 * Queues the other open documents whose last analysis read `uri`'s file (an edit there can
 * change their diagnostics). They are analysed after the edited document has been analysed and
 * published, one per turn of the event loop, so that its diagnostics and requests go first.
 */
function queueDependents(uri: string): void {
  const file = filePathOf(uri);
  for (const doc of documents.all()) {
    if (doc.uri === uri || timers.has(doc.uri)) continue;
    const read = dependencies.get(doc.uri);
    if (!read || (file !== undefined && read.has(file))) queued.add(doc.uri);
  }
}

let draining = false;
/** How many document names a log line lists. */
const LOGGED_NAMES = 5;

/** Analyses the queued documents, one per turn of the event loop. */
function drainQueue(): void {
  if (draining || queued.size === 0) return;
  draining = true;
  const updated: string[] = [];
  let ms = 0;
  const stop = (): void => {
    draining = false;
    if (updated.length > 0) {
      const names = updated.slice(0, LOGGED_NAMES).join(', ') + (updated.length > LOGGED_NAMES ? ` and ${updated.length - LOGGED_NAMES} more` : '');
      connection.console.info(`updated ${updated.length} other open document${updated.length === 1 ? '' : 's'} from trees analysed before (${names}): ${ms.toFixed(0)} ms`);
    }
  };
  const step = (): void => {
    // A document edited meanwhile goes first (its analysis, when done, drains the rest): the
    // others then share its tree instead of one of them analysing it while the edit waits.
    if (timers.size > 0) return stop();
    const next = queued.values().next();
    if (next.done) return stop();
    queued.delete(next.value);
    const started = performance.now();
    if (!analyzeNow(next.value)) updated.push(path.basename(filePathOf(next.value) ?? next.value));
    ms += performance.now() - started;
    setImmediate(step);
  };
  setImmediate(step);
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
  connection.console.info(`nginx TLS language server started (node ${process.version}, workspace ${workspaceTrusted ? 'trusted' : 'not trusted'})`);
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

documents.onDidOpen((e) => {
  const file = filePathOf(e.document.uri);
  if (file) openUris.set(file, e.document.uri);
  openByRealPath = undefined;
  treeCache.clear();
  schedule(e.document.uri, 0);
  queueDependents(e.document.uri);
});
documents.onDidSave((e) => void nginxTests.saved(trees.get(e.document.uri)));
documents.onDidChangeContent((e) => {
  treeCache.clear();
  schedule(e.document.uri, settings.debounceMs);
  queueDependents(e.document.uri);
});
documents.onDidClose((e) => {
  timers.get(e.document.uri)?.cancel();
  timers.delete(e.document.uri);
  generations.delete(e.document.uri);
  published.delete(e.document.uri);
  findingCounts.delete(e.document.uri);
  analysed.delete(e.document.uri);
  analysedVersions.delete(e.document.uri);
  analysedSettings.delete(e.document.uri);
  trees.delete(e.document.uri);
  dependencies.delete(e.document.uri);
  sentDiagnostics.delete(e.document.uri);
  queued.delete(e.document.uri);
  const file = filePathOf(e.document.uri);
  openFilePaths.delete(e.document.uri);
  if (file) {
    cache.delete(file);
    openUris.delete(file);
  }
  openByRealPath = undefined;
  // What stays of a closed file: its live-probe and nginx -t findings (often none).
  publish(e.document.uri);
  // From now on the disk's version of the file counts.
  forgetFiles();
  queueDependents(e.document.uri);
  drainQueue();
});

// Disk reads (configs, directory listings, certificates) are kept between analyses until the
// client's file watcher reports a change; a save of an open document changes nothing (its text wins).
snapshotFileReads(true);
connection.onDidChangeWatchedFiles((params) => {
  const changes = params?.changes ?? [];
  if (changes.every((c) => c.type === FileChangeType.Changed && documents.get(c.uri))) return;
  scheduleAll(settings.debounceMs);
});

connection.onCodeAction((params) => {
  const uri = params.textDocument.uri;
  const doc = documents.get(uri);
  if (!doc) return [];
  if ((analysedVersions.get(uri) !== doc.version && timers.has(uri)) || queued.has(uri)) {
    timers.get(uri)?.cancel();
    timers.delete(uri);
    queued.delete(uri);
    analyzeNow(uri);
    // The queue may have stopped for this document's analysis (see drainQueue).
    drainQueue();
  }
  const tree = trees.get(uri);
  const file = filePathOf(uri);
  const fixAllEdits = (): FixAllEdits => {
    if (!tree || !file) return { edits: [], count: 0 };
    const positions = treePositions(tree);
    const original = (f: string): string | undefined => tree.files.get(f)?.text;
    // Later rounds analyse the fixed texts in memory, over the texts this analysis had (not the
    // open documents as they are now), with caches of their own: they are not what the editor shows.
    const parses = new DerivedParses(tree.files);
    const analyses = new AnalysisCache();
    const result = fixAll(analysed.get(uri) ?? [], original, (texts) => analyzeFile(file, {
      host: hostWithOpenDocuments((f) => texts.get(f) ?? original(f)),
      cache: parses,
      analysisCache: analyses,
      openedAs,
      mainConfig: settings.mainConfig || undefined,
      settings: analysisSettingsFor(file),
    }).diagnostics);
    if (result.files.size === 0) return { edits: [], count: 0 };
    // A file the first analysis did not have cannot be edited by offsets into it: the first round alone, then.
    if (result.rounds <= 1 || [...result.files.keys()].some((f) => original(f) === undefined)) {
      return { edits: result.firstRound.map((fix) => toLspFix(fix, positions)), count: result.firstRound.length };
    }
    const edits = [...result.files].map(([f, text]) => wholeChangeEdit(f, original(f) as string, text));
    return { edits: [toLspFix({ title: 'Fix all nginx TLS problems', edits }, positions)], count: result.applied };
  };
  return provideCodeActions(params, published.get(uri) ?? [], doc.version, fixAllEdits);
});
connection.onCodeLens((params) => probeHandlers.codeLenses(params.textDocument.uri));
registerEditorFeatures(connection, {
  currentTree(uri) {
    const file = filePathOf(uri);
    if (!file) return dumpDocuments.currentTree(uri);
    const host = hostWithOpenDocuments();
    const tree = loadConfigFor(file, { host, cache, trees: treeCache, openedAs, mainConfig: settings.mainConfig || undefined });
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
