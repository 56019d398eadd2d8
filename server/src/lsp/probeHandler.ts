import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, LSPErrorCodes, ResponseError, type CancellationToken, type CodeLens, type Connection, type Diagnostic } from 'vscode-languageserver';
import type { RequestType } from 'vscode-languageserver-protocol';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { probeAllServers } from '../network/probeAllServers';
import { probeConfiguredServer } from '../network/probeConfiguredServer';
import {
  ProbeAllRequest,
  ProbeProgressNotification,
  ProbeRequest,
  ProbeTargetsRequest,
  type ProbeAllParams,
  type ProbeAllResult,
  type ProbeCandidate,
  type ProbeParams,
  type ProbeResult,
  type ProbeTargetsParams,
  type ProbeTargetsResult,
} from './protocol';
import { buildServerModel, formatProbeReport, formatProbeTable, isProbeableName, parseHostPort, probeFindingsAsDiagnostics, probeServerAt, probeTargetsOfConfig, renderProbeAllHtml, renderProbeReportHtml, treePositions, type Span, type ConfigTree, type FilePositions, type HttpServer, type ProbeFinding, type ProbeOptions, type ServerModel } from '../service';
import { toLspDiagnostics, type DocsLink } from './toLspDiagnostic';
import { onTypedRequest } from './typedRequests';

/** The `nginxTls.probe.*` settings. */
export interface ProbeSettings {
  connect: string;
  caFile: string;
  warmupMs: number;
  timeoutMs: number;
}

/** The probe settings of one request, checked. */
interface PreparedSettings {
  options: ProbeOptions;
  connect?: { host: string; port?: number };
  nginxVersion?: string;
}

/** Where each finding's config line is, for the report view's links. */
function locator(tree: ConfigTree): (f: ProbeFinding) => { label: string; file: string; line: number } | undefined {
  return (f) => {
    if (!f.configLocation) return undefined;
    const line = treePositions(tree).positionAt(f.configLocation.file, f.configLocation.start).line;
    return { label: `${path.relative(tree.prefix, f.configLocation.file) || f.configLocation.file}:${line + 1}`, file: f.configLocation.file, line };
  };
}

function serverLocation(directive: { file: string; start: number }): Span {
  return { file: directive.file, start: directive.start, end: directive.start + 'server'.length };
}

/** What the probe handlers need from the server. */
export interface ProbeHost {
  treeFor(uri: string): ConfigTree | undefined;
  document(uri: string): TextDocument | undefined;
  settings(): ProbeSettings;
  trusted(): boolean;
  /** `nginxTls.nginxVersion`, when set: decides the default of ssl_protocols. */
  nginxVersion?(): string | undefined;
  /** Called with the files whose probe diagnostics changed. */
  republish(uris: string[]): void;
  /** Where a code's documentation lives (the same links as every other diagnostic). */
  docsLink: DocsLink;
  /** Writes a line to the output channel. */
  log(line: string): void;
}

function candidateOf(server: HttpServer, positions: FilePositions): ProbeCandidate | undefined {
  const listen = server.listens.find((l) => l.ssl && l.port !== undefined);
  if (!server.tls || !listen?.port) return undefined;
  const names = server.names.map((n) => n.value).filter(isProbeableName);
  const d = server.directive;
  return {
    offset: d.start,
    names,
    port: listen.port,
    label: `${names[0] ?? '(no name)'}:${listen.port}`,
    range: positions.range(d.file, d.nameToken.start, d.nameToken.end),
  };
}

/** The TLS servers of one file, as probe candidates. */
function candidatesIn(tree: ConfigTree, file: string, model: ServerModel = buildServerModel(tree)): ProbeCandidate[] {
  const positions = treePositions(tree);
  return model.servers.filter((s) => s.directive.file === file).flatMap((s) => candidateOf(s, positions) ?? []);
}

/** A probe diagnostic and the text of its line when the probe ran. */
interface ProbeEntry {
  diagnostic: Diagnostic;
  lineText: string;
}

/** Marks a probe diagnostic whose line was edited since the probe. */
export const STALE_SUFFIX = ' (before your edit)';

/**
 * Probe findings shown on config lines, in open files and in files that are not open, until the
 * next probe replaces them; once a line is edited, its findings are marked as from before the edit.
 */
export class ProbeDiagnostics {
  private readonly byUri = new Map<string, ProbeEntry[]>();

  /** The probe diagnostics of a file: as probed, or marked stale where `doc` (when open) has another line text. */
  current(uri: string, doc: TextDocument | undefined): Diagnostic[] {
    return (this.byUri.get(uri) ?? []).map((entry) => {
      if (!doc || lineText(doc, entry.diagnostic.range.start.line) === entry.lineText) return entry.diagnostic;
      return { ...entry.diagnostic, message: `${entry.diagnostic.message}${STALE_SUFFIX}`, severity: DiagnosticSeverity.Hint };
    });
  }

  /** Replaces every probe diagnostic; returns the URIs whose diagnostics changed. */
  replace(next: Map<string, ProbeEntry[]>): string[] {
    const changed = new Set([...this.byUri.keys(), ...next.keys()]);
    this.byUri.clear();
    for (const [uri, list] of next) this.byUri.set(uri, list);
    return [...changed];
  }
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
}

/** nginxTls.probe.connect: HOST:PORT (the port is required there). */
function parseConnect(text: string): { host: string; port: number } | undefined {
  const parsed = parseHostPort(text);
  return 'error' in parsed || parsed.port === undefined ? undefined : { host: parsed.host, port: parsed.port };
}

/** The handlers of the probe requests and of the "Probe live" CodeLens. */
export function createProbeHandlers(host: ProbeHost, diagnostics: ProbeDiagnostics) {
  const fileOf = (uri: string): string | undefined => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);

  const targets = (params: ProbeTargetsParams): ProbeTargetsResult => {
    if (!host.trusted()) return { candidates: [], reason: 'the live probe is disabled in untrusted workspaces' };
    const file = fileOf(params.uri);
    const tree = host.treeFor(params.uri);
    if (!file || !tree) return { candidates: [], reason: 'this file has not been analysed yet' };
    const model = buildServerModel(tree);
    const all = candidatesIn(tree, file, model);
    if (all.length === 0) return { candidates: [], reason: 'no server block with an ssl listen in this file' };
    const at = params.offset ?? (params.position ? treePositions(tree).offsetAt(file, params.position) : undefined);
    const containing = at === undefined ? undefined : model.servers.find((s) => s.directive.file === file && s.directive.start <= at && at <= s.directive.end);
    const picked = containing ? all.filter((c) => c.offset === containing.directive.start) : [];
    return { candidates: picked.length ? picked : all };
  };

  /** The tree and the probe settings for a request, or why the probe cannot run. */
  const prepare = (uri: string): { tree: ConfigTree; settings: PreparedSettings } | { error: string } => {
    if (!host.trusted()) return { error: 'The live probe is disabled in untrusted workspaces.' };
    const tree = host.treeFor(uri);
    if (!tree || !fileOf(uri)) return { error: 'This file has not been analysed yet.' };
    const settings = host.settings();
    let caPem: string | undefined;
    if (settings.caFile) {
      try {
        caPem = fs.readFileSync(settings.caFile, 'utf8');
      } catch (err) {
        return { error: `Cannot read nginxTls.probe.caFile "${settings.caFile}": ${(err as Error).message}` };
      }
    }
    const connect = settings.connect ? parseConnect(settings.connect) : undefined;
    if (settings.connect && !connect) return { error: `nginxTls.probe.connect must be HOST:PORT, not "${settings.connect}"` };
    const options: ProbeOptions = { ...(caPem !== undefined ? { caPem } : {}), warmupMs: settings.warmupMs, timeoutMs: settings.timeoutMs };
    const nginxVersion = host.nginxVersion?.();
    return { tree, settings: { options, ...(connect ? { connect } : {}), ...(nginxVersion ? { nginxVersion } : {}) } };
  };

  const probe = async (params: ProbeParams, token: CancellationToken): Promise<ProbeResult> => {
    const prepared = prepare(params.uri);
    if ('error' in prepared) return prepared;
    const { tree, settings } = prepared;
    const file = fileOf(params.uri)!;
    const model = buildServerModel(tree);
    const candidate = candidatesIn(tree, file, model).find((c) => c.offset === params.offset);
    const chosen = candidate ? probeServerAt(model, file, candidate.offset, params.serverName, candidate.port) : undefined;
    if (!candidate || !chosen) return { error: 'That server block is no longer a TLS server block.' };
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    const target = `${params.serverName}:${candidate.port}${settings.connect ? ` via ${settings.connect.host}:${settings.connect.port ?? candidate.port}` : ''}`;
    const started = Date.now();
    host.log(`probing ${target}`);
    try {
      const connect = settings.connect ? { connect: { host: settings.connect.host, port: settings.connect.port ?? candidate.port } } : {};
      const config = { model, chosen, ...(settings.nginxVersion ? { nginxVersion: settings.nginxVersion } : {}) };
      const result = await probeConfiguredServer({ serverName: params.serverName, port: candidate.port, ...connect }, config, settings.options, abort.signal);
      if (token.isCancellationRequested) {
        host.log(`probe of ${target} cancelled`);
        throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The probe was cancelled.');
      }
      host.log(`probe of ${target}: ${result.report.findings.length} findings, ${Date.now() - started} ms`);
      publishFindings(tree, [{ findings: result.report.findings, label: candidate.label, server: serverLocation(chosen.server.directive) }]);
      return {
        report: result.report,
        html: renderProbeReportHtml(result.report, { expectation: result.expectation, locate: locator(tree), nonce: params.nonce, cspSource: params.cspSource }),
        text: formatProbeReport(result.report),
        findings: result.report.findings.length,
      };
    } finally {
      subscription.dispose();
    }
  };

  /** Shows the findings of one or more probes on the config lines they concern (replacing the last probe's). */
  const publishFindings = (tree: ConfigTree, probes: readonly { findings: ProbeFinding[]; label: string; server: Span }[]): void => {
    const next = new Map<string, ProbeEntry[]>();
    for (const { findings, label, server } of probes) {
      const converted = probeFindingsAsDiagnostics(findings, label, server);
      toLspDiagnostics(converted, tree, undefined, host.docsLink).forEach((diagnostic, i) => {
        const file = converted[i].file;
        const uri = pathToFileURL(file).toString();
        const doc = host.document(uri);
        const line = diagnostic.range.start.line;
        const text = tree.files.get(file)?.text ?? '';
        const positions = treePositions(tree);
        const entry = { diagnostic, lineText: doc ? lineText(doc, line) : text.slice(positions.offsetAt(file, { line, character: 0 }), positions.offsetAt(file, { line: line + 1, character: 0 })) };
        next.set(uri, [...(next.get(uri) ?? []), entry]);
      });
    }
    host.republish(diagnostics.replace(next));
  };

  const probeAll = async (params: ProbeAllParams, token: CancellationToken, progress: (done: number, total: number) => void): Promise<ProbeAllResult> => {
    const prepared = prepare(params.uri);
    if ('error' in prepared) return prepared;
    const { tree, settings } = prepared;
    const model = buildServerModel(tree);
    const { targets, skipped } = probeTargetsOfConfig(model);
    if (targets.length === 0) return { error: `no TLS server block with a literal server_name in ${path.basename(tree.mainFile)} and its includes` };
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      const probes = await probeAllServers(model, targets, {
        ...(settings.connect ? { connect: settings.connect } : {}),
        ...(settings.nginxVersion ? { nginxVersion: settings.nginxVersion } : {}),
        onProgress: progress,
      }, settings.options, abort.signal);
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The probe was cancelled.');
      publishFindings(tree, probes.map((entry) => ({
        findings: entry.report.findings,
        label: `${entry.chosen.serverName}:${entry.report.target.port}`,
        server: serverLocation(entry.chosen.server.directive),
      })));
      const reports = probes.map((entry) => entry.report);
      return {
        reports,
        html: renderProbeAllHtml(probes, skipped, { locate: locator(tree), nonce: params.nonce, cspSource: params.cspSource }),
        text: formatProbeTable(reports, skipped.map((entry) => ({ name: entry.name, reason: entry.reason, at: entry.location.file }))),
        servers: reports.length,
        errors: reports.filter((report) => report.findings.some((f) => f.severity === 'error')).length,
        findings: reports.reduce((sum, report) => sum + report.findings.length, 0),
      };
    } finally {
      subscription.dispose();
    }
  };

  const codeLenses = (uri: string): CodeLens[] => {
    if (!host.trusted()) return [];
    const file = fileOf(uri);
    const tree = host.treeFor(uri);
    if (!file || !tree) return [];
    return candidatesIn(tree, file).map((c) => ({
      range: c.range,
      command: { title: `$(pulse) Probe live${c.names.length ? ` ${c.label}` : ''}`, command: 'nginxTls.probe', arguments: [uri, c.offset] },
    }));
  };

  return { targets, probe, probeAll, codeLenses };
}

/** Answers the probe requests declared in protocol.ts. */
export function registerProbeRequests(connection: Connection, handlers: ReturnType<typeof createProbeHandlers>): void {
  const handle = <P, R>(type: RequestType<P, R, void>, handler: (params: P, token: CancellationToken) => R | Promise<R>): void => onTypedRequest(connection, type, handler);
  handle(ProbeTargetsRequest, (params) => handlers.targets(params));
  handle(ProbeRequest, (params, token) => handlers.probe(params, token));
  handle(ProbeAllRequest, (params, token) =>
    handlers.probeAll(params, token, (done, total) => void connection.sendNotification(ProbeProgressNotification.method, { done, total })),
  );
}
