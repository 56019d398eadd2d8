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
}

// The first retry comes after nginx's usual fetch time on a near responder (10-15 ms); later ones
// back off so that a slow responder or several workers are covered within the budget.
const FIRST_RETRY_DELAY_MS = 20;
const MAX_RETRY_DELAY_MS = 250;

/**
 * Repeats status_request handshakes until one carries a staple or `warmupMs` has passed since the
 * first; `first` is the probe's initial handshake, counted as attempt 1.
 */
export async function warmUpStapling(
  first: HandshakeOutcome,
  request: HandshakeRequest,
  warmupMs: number,
  signal: AbortSignal,
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
  let done = record(first);
  run.complete = done;
  while (!done && !signal.aborted) {
    const remaining = warmupMs - (performance.now() - started);
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
  return run;
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
