// The editor reads certificates, staples and their neighbours many times a second; with a snapshot
// on, each is read once and the result kept until the front says files changed (file watching).
import * as fs from 'node:fs';
import { ownCopy } from './textScan';

// A bound for memory only: a workspace of many certificates reads a few tens per server (fullchain and issuer candidates).
const MAX_ENTRIES = 200_000;
let snapshot: Map<string, unknown> | undefined;
let generation = 0;

/** Turns the snapshot on (results kept until forgetFileReads) or off (every read goes to disk, as in the CLI). */
export function snapshotFileReads(on: boolean): void {
  snapshot = on ? (snapshot ?? new Map()) : undefined;
}

/** Forgets every kept result: the next reads go to disk. */
export function forgetFileReads(): void {
  snapshot?.clear();
  generation++;
}

/** While the snapshot is on, a number that changes whenever kept reads are forgotten; undefined when off (every read is fresh). */
export function fileReadsGeneration(): number | undefined {
  return snapshot ? generation : undefined;
}

/** `read()`, or while the snapshot is on, its kept result for `key` (the kind of read and the path). */
export function readThroughSnapshot<T>(key: string, read: () => T): T {
  if (!snapshot) return read();
  if (snapshot.has(key)) return snapshot.get(key) as T;
  const value = read();
  if (snapshot.size >= MAX_ENTRIES) {
    snapshot.clear();
    generation++;
  }
  snapshot.set(ownCopy(key), value);
  return value;
}

/** Whether a path exists (through the snapshot). */
export function fileExists(path: string): boolean {
  return readThroughSnapshot(`exists:${path}`, () => fs.existsSync(path));
}
