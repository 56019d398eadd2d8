// The custom protocol between the extension (client/src) and the language server, declared once.
// Imports only 'vscode-languageserver-protocol' at run time, so the client bundle can include it.
import { NotificationType, RequestType, type Position, type Range } from 'vscode-languageserver-protocol';
import type { ProbeReport } from '../service';

/** The settings section the client and server share. */
export const SETTINGS_SECTION = 'nginxTls';

/** Source shown with every diagnostic. */
export const DIAGNOSTIC_SOURCE = 'nginx-tls';

/** Source of the findings of the real nginx -t (nginxTls.nginxTest). */
export const NGINX_TEST_SOURCE = 'nginx -t';

/** Code action kind of the "fix all" action (`editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.nginxTls';

/** A fix as it rides in `Diagnostic.data`, already in LSP coordinates. */
export interface LspFix {
  title: string;
  edits: { uri: string; range: Range; newText: string }[];
}

/** What a published diagnostic carries in `data`: its fixes and the document version they apply to. */
export interface DiagnosticData {
  version: number | undefined;
  fixes: LspFix[];
}

/** Parameters of {@link TrustNotification}. */
export interface TrustParams {
  trusted: boolean;
}

/** Notification from the client when workspace trust changes. */
export const TrustNotification = new NotificationType<TrustParams>('nginxTls/workspaceTrust');

/** Parameters of {@link ProbeTargetsRequest}; `offset` pins the server block (from a CodeLens). */
export interface ProbeTargetsParams {
  uri: string;
  position?: Position;
  offset?: number;
}

/** One TLS server block that can be probed. */
export interface ProbeCandidate {
  offset: number;
  names: string[];
  port: number;
  label: string;
  range: Range;
}

/** Result of {@link ProbeTargetsRequest}: candidates, or why there are none. */
export interface ProbeTargetsResult {
  candidates: ProbeCandidate[];
  reason?: string;
}

/** Request: the TLS server blocks a probe can target, at a position (or all in the file). */
export const ProbeTargetsRequest = new RequestType<ProbeTargetsParams, ProbeTargetsResult, void>('nginxTls/probeTargets');

/** What the report view needs to build its Content-Security-Policy. */
export interface ReportViewParams {
  nonce: string;
  cspSource: string;
}

/** Parameters of {@link ProbeRequest}. */
export interface ProbeParams extends ReportViewParams {
  uri: string;
  offset: number;
  serverName: string;
}

/** Result of {@link ProbeRequest}: the report (CLI JSON), its HTML view and its text, or why not. */
export type ProbeResult = { report: ProbeReport; html: string; text: string; findings: number } | { error: string };

/** Request: probe a server block's live site (explicit user action only; refused when untrusted). */
export const ProbeRequest = new RequestType<ProbeParams, ProbeResult, void>('nginxTls/probe');

/** Parameters of {@link ProbeAllRequest}: the config is the one `uri` belongs to. */
export interface ProbeAllParams extends ReportViewParams {
  uri: string;
}

/** Result of {@link ProbeAllRequest}: one report per server name, the view listing them, or why not. */
export type ProbeAllResult =
  | { reports: ProbeReport[]; html: string; text: string; servers: number; errors: number; findings: number }
  | { error: string };

/** Request: probe every literal server name of the config's TLS blocks (explicit user action only). */
export const ProbeAllRequest = new RequestType<ProbeAllParams, ProbeAllResult, void>('nginxTls/probeAll');

/** Parameters of {@link ProbeProgressNotification}. */
export interface ProbeProgressParams {
  done: number;
  total: number;
}

/** Notification from the server while {@link ProbeAllRequest} runs: servers probed so far. */
export const ProbeProgressNotification = new NotificationType<ProbeProgressParams>('nginxTls/probeProgress');

/** The URI scheme of the read-only documents of an opened nginx -T dump. */
export const DUMP_SCHEME = 'nginx-dump';

/** Parameters of {@link OpenDumpRequest}. */
export interface OpenDumpParams {
  text: string;
}

/** Answer of {@link OpenDumpRequest}: the main config's URI and every dumped file, or why the text is not a dump. */
export type OpenDumpResult = { mainUri: string; files: { uri: string; path: string; text: string }[] } | { error: string };

/** Request: register a dump's text; answers with its files' URIs and texts (the client serves them read-only). */
export const OpenDumpRequest = new RequestType<OpenDumpParams, OpenDumpResult, void>('nginxTls/openDump');
