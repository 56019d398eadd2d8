import * as fs from 'node:fs';

/** What {@link readRegularFile} gave: the bytes, or why there are none. */
export type RegularFileResult =
  | { kind: 'ok'; bytes: Buffer; stat: fs.Stats }
  | { kind: 'not-regular'; stat: fs.Stats }
  | { kind: 'too-large'; size: number }
  | { kind: 'error'; error: NodeJS.ErrnoException };

const CHUNK = 64 * 1024;

/**
 * Reads a regular file of at most `maxBytes` bytes and nothing else: opened without blocking (a
 * FIFO would wait for a writer), checked with fstat on the open descriptor (a device such as
 * /dev/zero never ends), and read in bounded chunks (a file that grows past the limit stops).
 */
export function readRegularFile(file: string, maxBytes: number): RegularFileResult {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0));
  } catch (error) {
    return { kind: 'error', error: error as NodeJS.ErrnoException };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { kind: 'not-regular', stat };
    if (stat.size > maxBytes) return { kind: 'too-large', size: stat.size };
    const limit = maxBytes + 1;
    let buf = Buffer.allocUnsafe(Math.min(limit, Math.max(stat.size + 1, CHUNK)));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (buf.length >= limit) break;
        const grown = Buffer.allocUnsafe(Math.min(limit, buf.length * 2));
        buf.copy(grown, 0, 0, length);
        buf = grown;
      }
      const n = fs.readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return { kind: 'too-large', size: length };
    return { kind: 'ok', bytes: buf.subarray(0, length), stat };
  } catch (error) {
    return { kind: 'error', error: error as NodeJS.ErrnoException };
  } finally {
    fs.closeSync(fd);
  }
}

/** A short description of what a non-regular file is, for messages ("a FIFO", "a device"). */
export function describeFileType(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}
