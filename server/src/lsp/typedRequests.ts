import type { CancellationToken, Connection } from 'vscode-languageserver';
import type { RequestType } from 'vscode-languageserver-protocol';

/**
 * Registers a handler for a request declared once in protocol.ts. By method name, typed by the
 * shared declaration: vscode-languageserver carries its own copy of the protocol package, whose
 * RequestType is nominally another class (and its HandlerResult<R> is conditional on R, which a
 * generic R cannot satisfy: unknown here).
 */
export function onTypedRequest<P, R>(connection: Connection, type: RequestType<P, R, void>, handler: (params: P, token: CancellationToken) => R | Promise<R>): void {
  connection.onRequest<unknown, unknown>(type.method, (params: P, token: CancellationToken) => Promise.resolve<unknown>(handler(params, token)));
}
