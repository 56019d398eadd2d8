import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFileType, readRegularFile } from './readRegularFile';
import { readThroughSnapshot } from '../fileSnapshot';

/** The default limit above which a file gets one diagnostic instead of analysis. */
export const DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024;

/** What reading a config file gave: its text and a version that changes when the text does. */
export type ReadResult =
  | { kind: 'text'; text: string; version: string }
  | { kind: 'error'; reason: 'not-found' | 'unreadable' | 'is-directory' | 'not-regular' | 'too-large' | 'binary' | 'key-material'; message: string };

/** How the service sees the file system: the CLI reads the disk, the editor overlays open documents. */
export interface ConfigHost {
  readFile(file: string): ReadResult;
  /** Entries of a directory (names only), or undefined when it cannot be listed. */
  listDirectory(dir: string): { name: string; isDirectory: boolean }[] | undefined;
  exists(file: string): boolean;
  /** The file's canonical path (symlinks resolved), or the path itself when it cannot be resolved. */
  realpath(file: string): string;
  /** Where a file the config names but does not include (a certificate) is read on this machine; the path itself when absent. */
  localPath?(file: string): string;
}

function describeErrno(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ELOOP': return 'too many levels of symbolic links (a symlink loop?)';
    case 'ENAMETOOLONG': return 'file name too long';
    default: return (err as Error)?.message ?? String(err);
  }
}

const BINARY_SNIFF_LENGTH = 8192;

function tooLarge(file: string, size: number, maxSize: number): ReadResult {
  return { kind: 'error', reason: 'too-large', message: `"${file}" is ${formatSize(size)}, over the ${formatSize(maxSize)} limit (nginxTls.maxFileSize): not analysed` };
}

function binary(file: string): ReadResult {
  return { kind: 'error', reason: 'binary', message: `"${file}" is a binary file (it contains NUL bytes), not an nginx configuration: not analysed` };
}

/** PEM private keys (`-----BEGIN PRIVATE KEY-----`, `RSA PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, ...), and PuTTY/OpenSSH ones. */
const KEY_MATERIAL = /PRIVATE KEY-----|PuTTY-User-Key-File/;

function keyMaterial(file: string): ReadResult {
  return { kind: 'error', reason: 'key-material', message: `"${file}" holds a private key, not an nginx configuration: not analysed (and nothing of it is shown)` };
}

/** Accepts editor text unless it is oversized, binary or key material. */
export function checkConfigText(text: string, file: string, maxSize: number, version: string): ReadResult {
  if (text.length > maxSize) return tooLarge(file, text.length, maxSize);
  if (text.slice(0, BINARY_SNIFF_LENGTH).includes('\0')) return binary(file);
  if (KEY_MATERIAL.test(text)) return keyMaterial(file);
  return { kind: 'text', text, version };
}

/** Decodes file bytes (UTF-8, invalid sequences replaced) unless oversized, binary or key material. */
export function decodeConfigBytes(buf: Buffer, file: string, maxSize: number, version: string): ReadResult {
  if (buf.length > maxSize) return tooLarge(file, buf.length, maxSize);
  if (buf.subarray(0, BINARY_SNIFF_LENGTH).includes(0)) return binary(file);
  const text = buf.toString('utf8');
  if (KEY_MATERIAL.test(text)) return keyMaterial(file);
  return { kind: 'text', text, version };
}

/** Formats a byte count for messages: "1.3 MB", "512 KB". */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** A host over the real file system; `overlay` gives unsaved editor contents that win over disk. */
export function createNodeHost(options: { maxFileSize?: number; overlay?: (file: string) => { text: string; version: number } | undefined } = {}): ConfigHost {
  const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  return {
    readFile(file) {
      const open = options.overlay?.(file);
      if (open) return checkConfigText(open.text, file, maxSize, `doc:${open.version}`);
      return readThroughSnapshot(`config:${maxSize}:${file}`, () => readDisk(file));
    },
    listDirectory(dir) {
      return readThroughSnapshot(`list:${dir}`, () => listDisk(dir));
    },
    exists(file) {
      return readThroughSnapshot(`exists:${file}`, () => fs.existsSync(file));
    },
    realpath(file) {
      return readThroughSnapshot(`realpath:${file}`, () => realpathDisk(file));
    },
  };

  function readDisk(file: string): ReadResult {
    const read = readRegularFile(file, maxSize);
    if (read.kind === 'error') {
      const code = read.error.code;
      const notFound = code === 'ENOENT' || code === 'ENOTDIR';
      return { kind: 'error', reason: notFound ? 'not-found' : 'unreadable', message: `cannot open "${file}": ${describeErrno(read.error)}` };
    }
    if (read.kind === 'not-regular') {
      if (read.stat.isDirectory()) return { kind: 'error', reason: 'is-directory', message: `cannot read "${file}": it is a directory` };
      return { kind: 'error', reason: 'not-regular', message: `"${file}" is ${describeFileType(read.stat)}, not a regular file: not read` };
    }
    if (read.kind === 'too-large') return tooLarge(file, read.size, maxSize);
    return decodeConfigBytes(read.bytes, file, maxSize, `disk:${read.stat.mtimeMs}:${read.stat.size}:${read.stat.ino}`);
  }
}

function listDisk(dir: string): { name: string; isDirectory: boolean }[] | undefined {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).map((e) => ({
      name: e.name,
      isDirectory: e.isDirectory() || (e.isSymbolicLink() && isDirectorySafe(path.join(dir, e.name))),
    }));
  } catch {
    return undefined;
  }
}

function realpathDisk(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

function isDirectorySafe(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
