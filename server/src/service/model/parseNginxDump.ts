import * as path from 'node:path';
import { isNginxVLine, parseNginxV, type NginxBuildInfo } from './nginxBuildInfo';

/** One file of an `nginx -T` dump: the path nginx read it from and its exact text. */
export interface DumpedFile {
  /** The path as nginx printed it, normalized (`/etc/nginx/./mime.types` → `/etc/nginx/mime.types`). */
  path: string;
  text: string;
  /** 1-based line of the dump where the file's first line is. */
  dumpLine: number;
}

/** The files of an `nginx -T` dump in nginx's order (the first is the main config), and `nginx -V` output given with it. */
export interface NginxDump {
  files: DumpedFile[];
  mainFile: string;
  build?: NginxBuildInfo;
}

/** A dump, or why the text is not one (one sentence for the user). */
export type DumpParseResult = { kind: 'dump'; dump: NginxDump } | { kind: 'error'; message: string };

/** The line nginx -T writes before each file (nginx.c: "# configuration file " NAME ":" LF). */
const MARKER = /^# configuration file (.+):$/;

/**
 * Lines nginx prints besides the dump when stderr is captured too (`nginx -T 2>&1`), or that
 * `nginx -V 2>&1; nginx -T` puts first: the verdict, warnings, the build description.
 */
function isPreambleLine(line: string): boolean {
  return line.trim() === '' || line.startsWith('nginx: ') || isNginxVLine(line);
}

/**
 * Splits the output of `nginx -T` into the files nginx read. nginx writes each file as the
 * marker line, the file's bytes unchanged, then one LF (nginx.c, ngx_dump_config), so a file's
 * text is everything up to the LF before the next marker. CRLF line ends throughout (a
 * copy-paste through Windows) are read as LF. A dump with no marker, text before the first one
 * that nginx does not print, or an end cut short (no final LF, or a marker with nothing after
 * it) is refused with a message.
 */
export function parseNginxDump(input: string): DumpParseResult {
  let text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const lines = text.split('\n');
  // Only a dump whose every line ends with CR was converted as a whole; a CR inside one file is that file's own.
  if (lines.length > 1 && lines.slice(0, -1).every((l) => l.endsWith('\r'))) text = text.replace(/\r\n/g, '\n');
  const rows = text.split('\n');
  const first = rows.findIndex(isMarker);
  if (first < 0) {
    const failed = rows.find((l) => /^nginx: \[emerg\]/.test(l) || /test failed/.test(l));
    return { kind: 'error', message: failed
      ? `not an nginx -T dump: nginx did not print the configuration because the test failed (${failed.trim()})`
      : 'not an nginx -T dump: no "# configuration file PATH:" line (give the output of nginx -T, e.g. sudo nginx -T > dump.txt)' };
  }
  const stray = rows.slice(0, first).findIndex((l) => !isPreambleLine(l.replace(/\r$/, '')));
  if (stray >= 0) {
    return { kind: 'error', message: `not an nginx -T dump: line ${stray + 1} comes before the first "# configuration file" line and is not something nginx prints there` };
  }
  const build = parseNginxV(rows.slice(0, first).join('\n'));
  if (!text.endsWith('\n')) {
    return { kind: 'error', message: `the nginx -T dump is truncated: it stops in the middle of line ${rows.length} (nginx ends every dump with a line break)` };
  }
  const files: DumpedFile[] = [];
  const seen = new Set<string>();
  let offset = rows.slice(0, first).reduce((n, l) => n + l.length + 1, 0);
  let row = first;
  while (row < rows.length - 1) {
    const name = MARKER.exec(rows[row])![1];
    offset += rows[row].length + 1;
    const contentStart = offset;
    const dumpLine = row + 2;
    row++;
    // The next marker, naming an absolute path as nginx always does, ends this file.
    while (row < rows.length - 1 && !isMarker(rows[row])) {
      offset += rows[row].length + 1;
      row++;
    }
    if (offset === contentStart) {
      return { kind: 'error', message: `the nginx -T dump is truncated: "${name}" (line ${dumpLine - 1}) has no content, not even the line break nginx writes after each file` };
    }
    const file = path.normalize(name);
    if (!seen.has(file)) files.push({ path: file, text: text.slice(contentStart, offset - 1), dumpLine });
    seen.add(file);
  }
  const dump: NginxDump = { files, mainFile: files[0].path };
  if (build) dump.build = build;
  return { kind: 'dump', dump };
}

function isMarker(line: string): boolean {
  const m = MARKER.exec(line);
  return m !== null && path.isAbsolute(m[1]);
}

/**
 * Why a loaded dump looks cut short, or undefined: nginx prints a dump only for a config that
 * passed its test, so an included file missing from it, or a last file that ends inside a
 * block or a statement, means the text was truncated (or edited) after nginx wrote it.
 */
export function findDumpTruncation(dump: NginxDump, diagnostics: readonly { file: string; code: string; message: string }[]): string | undefined {
  const missing = diagnostics.find((d) => d.code === 'include-not-found');
  if (missing) {
    const file = /"([^"]+)"/.exec(missing.message)?.[1] ?? 'a file';
    return `the nginx -T dump is incomplete: ${file}, included by ${missing.file}, is not in it (was the output cut short?)`;
  }
  const last = dump.files[dump.files.length - 1];
  const cut = diagnostics.find((d) => d.file === last.path && d.code === 'syntax-error' && d.message.startsWith('unexpected end of file'));
  if (cut) return `the nginx -T dump is truncated: the last file, ${last.path}, ends inside a block or a statement (${cut.message})`;
  return undefined;
}
