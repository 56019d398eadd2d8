import type { Range } from 'vscode-languageserver';

/** The settings section the client and server share. */
export const SETTINGS_SECTION = 'nginxTls';

/** Source shown with every diagnostic. */
export const DIAGNOSTIC_SOURCE = 'nginx-tls';

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
