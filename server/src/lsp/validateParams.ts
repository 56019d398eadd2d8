import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function positionProblem(v: unknown, what: string): string | undefined {
  if (!isObject(v) || !isCount(v.line) || !isCount(v.character)) return `${what} must be {line, character} with non-negative integers`;
  return undefined;
}

function rangeProblem(v: unknown, what: string): string | undefined {
  if (!isObject(v)) return `${what} must be a range`;
  return positionProblem(v.start, `${what}.start`) ?? positionProblem(v.end, `${what}.end`);
}

/**
 * What is wrong with the params of an LSP message, as far as the fields this server reads go
 * (`textDocument`, `position`, `range`, `contentChanges`), or undefined when they are usable.
 */
export function paramsProblem(params: unknown): string | undefined {
  if (params === undefined || params === null) return undefined;
  if (!isObject(params)) return Array.isArray(params) ? 'params must be an object' : undefined;
  if ('textDocument' in params) {
    const doc = params.textDocument;
    if (!isObject(doc) || typeof doc.uri !== 'string') return 'textDocument.uri must be a string';
    if ('text' in doc && typeof doc.text !== 'string') return 'textDocument.text must be a string';
    if ('languageId' in doc && typeof doc.languageId !== 'string') return 'textDocument.languageId must be a string';
    if ('version' in doc && doc.version !== null && !(typeof doc.version === 'number' && Number.isInteger(doc.version))) return 'textDocument.version must be an integer';
  }
  if ('position' in params) {
    const p = positionProblem(params.position, 'position');
    if (p) return p;
  }
  if ('range' in params) {
    const p = rangeProblem(params.range, 'range');
    if (p) return p;
  }
  if ('contentChanges' in params) {
    if (!Array.isArray(params.contentChanges)) return 'contentChanges must be an array';
    for (const change of params.contentChanges) {
      if (!isObject(change) || typeof change.text !== 'string') return 'each content change needs a string text';
      if ('range' in change) {
        const p = rangeProblem(change.range, 'contentChanges[].range');
        if (p) return p;
      }
    }
  }
  return undefined;
}

function guardHandler(handler: (...args: unknown[]) => unknown, log: (message: string) => void): (...args: unknown[]) => unknown {
  return function guarded(this: unknown, ...args: unknown[]): unknown {
    const problem = paramsProblem(args[0]);
    if (problem) {
      log(`ignored a message with invalid params: ${problem}`);
      // A request gets this as an InvalidParams error answer; a notification is dropped.
      throw new ResponseError(ErrorCodes.InvalidParams, problem);
    }
    return handler.apply(this, args);
  };
}

/**
 * The connection with every handler registered through it (`onX(handler)`, `onRequest(type,
 * handler)`, also on `connection.languages` and the like) guarded: params that do not have the
 * shape the handlers read are answered with InvalidParams instead of reaching them.
 */
export function guardConnection<C extends object>(connection: C, log: (message: string) => void): C {
  const wrapped = new WeakMap<object, unknown>();
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (typeof prop === 'string' && prop.startsWith('on') && typeof value === 'function') {
          return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args.map((a) => (typeof a === 'function' ? guardHandler(a as (...x: unknown[]) => unknown, log) : a)));
        }
        if (isObject(value) && (prop === 'languages' || prop === 'workspace' || prop === 'window')) {
          let proxy = wrapped.get(value);
          if (!proxy) {
            proxy = wrap(value);
            wrapped.set(value, proxy);
          }
          return proxy;
        }
        return value;
      },
    });
  return wrap(connection);
}

/** Keeps the server alive after an error no handler caught (a language server must not exit on bad input). */
export function logUncaughtErrors(log: (message: string) => void): void {
  process.on('uncaughtException', (err) => log(`internal error (the server keeps running): ${err?.stack ?? String(err)}`));
  process.on('unhandledRejection', (err) => log(`internal error (the server keeps running): ${(err as Error)?.stack ?? String(err)}`));
}
