import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fullCollection, IdleCollection } from '../../server/src/lsp/idleCollection';

test('the full collection the server runs when idle is V8\'s own, and frees what nothing reaches', async () => {
  const collect = fullCollection();
  assert.equal(typeof collect, 'function');
  const ref = new WeakRef(Array.from({ length: 1_000 }, () => new Array<number>(100).fill(1)));
  // A WeakRef keeps its target until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  collect?.();
  assert.equal(ref.deref(), undefined);
});

test('once touched, two collections follow when the server stays idle', async () => {
  const calls: number[] = [];
  let done!: () => void;
  const twice = new Promise<void>((resolve) => (done = resolve));
  const idle = new IdleCollection(5, () => {
    calls.push(calls.length);
    if (calls.length === 2) done();
  });
  idle.touch();
  idle.touch(); // activity again before the first: still two in all
  // The collection's timers are unref'd, as in the server: this one keeps the test waiting (a bound, not a sleep).
  const bound = setTimeout(() => undefined, 60_000);
  try {
    await twice;
    assert.deepEqual(calls, [0, 1]);
  } finally {
    clearTimeout(bound);
  }
});
