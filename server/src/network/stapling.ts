// OCSP stapling over several full handshakes: nginx fetches the OCSP response lazily, only when a
// client sends status_request, in each worker separately, and staples only once the answer is
// cached (ngx_event_openssl_stapling.c). A cold server therefore sends no staple for the first
// handshakes: warm up with repeated handshakes before concluding "no staple".
import type { HandshakeOutcome, HandshakeRequest } from './handshake';
import { performHandshake } from './handshake';
import { elapsedMs } from './timing';

/** Result of the warm-up: counts, and the first staple's bytes. */
export interface StaplingRun {
  handshakes: number;
  failedHandshakes: number;
  staple?: Uint8Array;
  firstStapleAt?: number;
  elapsedMs: number;
  /** A staple was seen or the whole budget was used (not cut short by cancellation). */
  complete: boolean;
  /** The warm-up's budget in the end (stretched for a slow responder). */
  budgetMs?: number;
}

// The first retry comes after nginx's usual fetch time on a near responder (10-15 ms); later ones
// back off so that a slow responder or several workers are covered within the budget.
const FIRST_RETRY_DELAY_MS = 20;
const MAX_RETRY_DELAY_MS = 250;
/** After a responder that took longer than the warm-up to answer the probe, how long nginx's own fetch is still waited for. */
const RESPONDER_MARGIN_MS = 1000;
/** The longest warm-up a slow responder stretches it to. */
const MAX_STRETCHED_WARMUP_MS = 10_000;

/**
 * Repeats status_request handshakes until one carries a staple or `warmupMs` has passed since the
 * first; `first` is the probe's initial handshake, counted as attempt 1. `responderMs` (how long
 * the OCSP responder took to answer the probe itself) stretches a warm-up that ends without a
 * staple: nginx's own fetch, started by the first handshake, takes about as long (a responder 3 s
 * away made a 2 s warm-up call a cold start a missing staple).
 */
export async function warmUpStapling(
  first: HandshakeOutcome,
  request: HandshakeRequest,
  warmupMs: number,
  signal: AbortSignal,
  responderMs?: Promise<number | undefined>,
): Promise<StaplingRun> {
  const started = performance.now();
  const run: StaplingRun = { handshakes: 0, failedHandshakes: 0, elapsedMs: 0, complete: false };
  const record = (outcome: HandshakeOutcome): boolean => {
    if (!outcome.ok) {
      run.failedHandshakes++;
      return false;
    }
    run.handshakes++;
    if (!outcome.staple) return false;
    run.staple = outcome.staple;
    run.firstStapleAt = run.handshakes;
    return true;
  };
  let delay = FIRST_RETRY_DELAY_MS;
  let budget = warmupMs;
  let stretched = warmupMs <= 0 || responderMs === undefined;
  let done = record(first);
  run.complete = done;
  while (!done && !signal.aborted) {
    let remaining = budget - (performance.now() - started);
    if (remaining <= 0 && !stretched) {
      stretched = true;
      const ms = responderMs && (await untilAborted(responderMs, signal));
      if (ms !== undefined && !signal.aborted) budget = Math.min(Math.max(budget, ms + RESPONDER_MARGIN_MS), MAX_STRETCHED_WARMUP_MS);
      remaining = budget - (performance.now() - started);
    }
    if (remaining <= 0) {
      run.complete = true;
      break;
    }
    await pause(Math.min(delay, remaining), signal);
    delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    if (signal.aborted) break;
    done = record(await performHandshake({ ...request, requestOCSP: true }, signal));
    run.complete = done;
  }
  run.elapsedMs = elapsedMs(started);
  run.budgetMs = budget;
  return run;
}

/** `promise`'s value, or undefined as soon as `signal` aborts (the probe's bound). */
function untilAborted<T>(promise: Promise<T | undefined>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const aborted = (): void => resolve(undefined);
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', aborted);
        resolve(value);
      },
      () => {
        signal.removeEventListener('abort', aborted);
        resolve(undefined);
      },
    );
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
