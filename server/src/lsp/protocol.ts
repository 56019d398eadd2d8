import type { Position, Range } from 'vscode-languageserver';

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

/** Notification from the client when workspace trust changes. */
export const TrustNotification = 'nginxTls/workspaceTrust';

/** Parameters of {@link TrustNotification}. */
export interface TrustParams {
  trusted: boolean;
}

/** Request: the TLS server blocks a probe can target, at a position (or all in the file). */
export const ProbeTargetsRequest = 'nginxTls/probeTargets';

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

/** Request: probe a server block's live site (explicit user action only; refused when untrusted). */
export const ProbeRequest = 'nginxTls/probe';

/** Parameters of {@link ProbeRequest}. */
export interface ProbeParams {
  uri: string;
  offset: number;
  serverName: string;
  /** For the report view's Content-Security-Policy. */
  nonce: string;
  cspSource: string;
}

/** Result of {@link ProbeRequest}: the report (CLI JSON), its HTML view and its text, or why not. */
export type ProbeResult = { report: unknown; html: string; text: string; findings: number } | { error: string };
