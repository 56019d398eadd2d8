import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, LSPErrorCodes, ResponseError, type CancellationToken, type CodeLens, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { probeConfiguredServer } from '../network/probeConfiguredServer';
import { DIAGNOSTIC_SOURCE, type ProbeCandidate, type ProbeParams, type ProbeResult, type ProbeTargetsParams, type ProbeTargetsResult } from './protocol';
import { buildServerModel, formatProbeReport, isProbeableName, LineIndex, renderProbeReportHtml, type ConfigTree, type HttpServer, type ProbeFinding, type ServerModel } from '../service';

/** The `nginxTls.probe.*` settings. */
export interface ProbeSettings {
  connect: string;
  caFile: string;
  warmupMs: number;
  timeoutMs: number;
}

/** What the probe handlers need from the server. */
export interface ProbeHost {
  treeFor(uri: string): ConfigTree | undefined;
  document(uri: string): TextDocument | undefined;
  settings(): ProbeSettings;
  trusted(): boolean;
  /** Called with the files whose probe diagnostics changed. */
  republish(uris: string[]): void;
  /** Writes a line to the output channel. */
  log(line: string): void;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning } as const;

function candidateOf(server: HttpServer, index: LineIndex): ProbeCandidate | undefined {
  const listen = server.listens.find((l) => l.ssl && l.port !== undefined);
  if (!server.tls || !listen?.port) return undefined;
  const names = server.names.map((n) => n.value).filter(isProbeableName);
  const d = server.directive;
  return {
    offset: d.start,
    names,
    port: listen.port,
    label: `${names[0] ?? '(no name)'}:${listen.port}`,
    range: { start: index.positionAt(d.nameToken.start), end: index.positionAt(d.nameToken.end) },
  };
}

/** The TLS servers of one file, as probe candidates. */
function candidatesIn(tree: ConfigTree, file: string, model: ServerModel = buildServerModel(tree)): ProbeCandidate[] {
  const text = tree.files.get(file)?.text ?? '';
  const index = new LineIndex(text);
  return model.servers.filter((s) => s.directive.file === file).flatMap((s) => candidateOf(s, index) ?? []);
}

/** Probe findings shown on config lines until the next probe or an edit of those lines. */
export class ProbeDiagnostics {
  private readonly byUri = new Map<string, { diagnostic: Diagnostic; lineText: string }[]>();

  /** The probe diagnostics of a document whose lines are unchanged since the probe. */
  current(uri: string, doc: TextDocument | undefined): Diagnostic[] {
    const entries = this.byUri.get(uri);
    if (!entries || !doc) return [];
    const kept = entries.filter((e) => lineText(doc, e.diagnostic.range.start.line) === e.lineText);
    if (kept.length !== entries.length) this.byUri.set(uri, kept);
    return kept.map((e) => e.diagnostic);
  }

  /** Drops the probe diagnostics of a closed document. */
  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /** Replaces every probe diagnostic; returns the URIs whose diagnostics changed. */
  replace(next: Map<string, { diagnostic: Diagnostic; lineText: string }[]>): string[] {
    const changed = new Set([...this.byUri.keys(), ...next.keys()]);
    this.byUri.clear();
    for (const [uri, list] of next) this.byUri.set(uri, list);
    return [...changed];
  }
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
}

function parseConnect(text: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
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
    const text = tree.files.get(file)?.text ?? '';
    const at = params.offset ?? (params.position ? new LineIndex(text).offsetAt(params.position) : undefined);
    const containing = at === undefined ? undefined : model.servers.find((s) => s.directive.file === file && s.directive.start <= at && at <= s.directive.end);
    const picked = containing ? all.filter((c) => c.offset === containing.directive.start) : [];
    return { candidates: picked.length ? picked : all };
  };

  const probe = async (params: ProbeParams, token: CancellationToken): Promise<ProbeResult> => {
    if (!host.trusted()) return { error: 'The live probe is disabled in untrusted workspaces.' };
    const tree = host.treeFor(params.uri);
    const file = fileOf(params.uri);
    if (!tree || !file) return { error: 'This file has not been analysed yet.' };
    const candidate = candidatesIn(tree, file).find((c) => c.offset === params.offset);
    if (!candidate) return { error: 'That server block is no longer a TLS server block.' };
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
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    const target = `${params.serverName}:${candidate.port}${settings.connect ? ` via ${settings.connect}` : ''}`;
    const started = Date.now();
    host.log(`probing ${target}`);
    try {
      const result = await probeConfiguredServer(tree, { serverName: params.serverName, port: candidate.port }, {
        caPem, connect, warmupMs: settings.warmupMs, timeoutMs: settings.timeoutMs,
      }, abort.signal);
      if (token.isCancellationRequested) {
        host.log(`probe of ${target} cancelled`);
        throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The probe was cancelled.');
      }
      if (!result.ok) {
        host.log(`probe of ${target} failed: ${result.reason}`);
        return { error: result.reason };
      }
      host.log(`probe of ${target}: ${result.report.findings.length} findings, ${Date.now() - started} ms`);
      const locate = (f: ProbeFinding): { label: string; file: string; line: number } | undefined => {
        if (!f.configLocation) return undefined;
        const text = tree.files.get(f.configLocation.file)?.text ?? '';
        const line = new LineIndex(text).positionAt(f.configLocation.start).line;
        return { label: `${path.relative(tree.prefix, f.configLocation.file) || f.configLocation.file}:${line + 1}`, file: f.configLocation.file, line };
      };
      publishFindings(tree, result.report.findings, candidate, file);
      return {
        report: result.report,
        html: renderProbeReportHtml(result.report, { expectation: result.expectation, locate, nonce: params.nonce, cspSource: params.cspSource }),
        text: formatProbeReport(result.report),
        findings: result.report.findings.length,
      };
    } finally {
      subscription.dispose();
    }
  };

  const publishFindings = (tree: ConfigTree, findings: ProbeFinding[], candidate: ProbeCandidate, file: string): void => {
    const next = new Map<string, { diagnostic: Diagnostic; lineText: string }[]>();
    for (const f of findings) {
      const location = f.configLocation ?? { file, start: candidate.offset, end: candidate.offset + 'server'.length };
      const text = tree.files.get(location.file)?.text ?? '';
      const index = new LineIndex(text);
      const range = { start: index.positionAt(location.start), end: index.positionAt(location.end) };
      const uri = pathToFileURL(location.file).toString();
      const doc = host.document(uri);
      const diagnostic: Diagnostic = {
        range,
        severity: SEVERITY[f.severity],
        code: f.code,
        source: DIAGNOSTIC_SOURCE,
        message: `live probe of ${candidate.label}: ${f.message} (config: ${f.expected}; server: ${f.observed})`,
      };
      const lineStart = index.offsetAt({ line: range.start.line, character: 0 });
      const lineEnd = index.offsetAt({ line: range.start.line + 1, character: 0 });
      const entry = { diagnostic, lineText: doc ? lineText(doc, range.start.line) : text.slice(lineStart, lineEnd) };
      next.set(uri, [...(next.get(uri) ?? []), entry]);
    }
    host.republish(diagnostics.replace(next));
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

  return { targets, probe, codeLenses };
}
