// Time helpers of the probe: rounded durations and promises bounded by a timeout and a signal.

/** A duration rounded to 0.1 ms, as reports show it. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Milliseconds since `start` (a performance.now() value), rounded to 0.1 ms. */
export function elapsedMs(start: number): number {
  return roundMs(performance.now() - start);
}

/** A bounded promise's outcome: its value, or why there is none. */
export type Bounded<T> = { ok: true; value: T } | { ok: false; reason: string; timedOut: boolean };

/** Settles with the promise's value, or a reason on rejection, timeout or cancellation. */
export function bounded<T>(promise: Promise<T>, timeoutMs: number, signal: AbortSignal): Promise<Bounded<T>> {
  return new Promise((resolve) => {
    const settle = (result: Bounded<T>): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = (): void => settle({ ok: false, reason: 'cancelled', timedOut: false });
    const timer = setTimeout(() => settle({ ok: false, reason: `no answer within ${timeoutMs} ms`, timedOut: true }), timeoutMs);
    // Handlers first: a rejection after a timeout or cancellation must still be handled.
    promise.then(
      (value) => settle({ ok: true, value }),
      (error: unknown) => settle({ ok: false, reason: error instanceof Error ? error.message : String(error), timedOut: false }),
    );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
