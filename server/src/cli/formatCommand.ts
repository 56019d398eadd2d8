import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyFormatEdits, DEFAULT_FORMAT_OPTIONS, formatDocument, type FormatEdit, type FormatOptions } from '../service';
import { writeFilesAtomically } from './atomicWrite';
import { parseArgs, UsageError } from './parseArgs';
import { ExitCode } from './exitCodes';

/** Usage text of the format command. */
export const FORMAT_USAGE = `Usage:
  nginx-tls format [--check] [--diff] [--indent N|tab] [--align] PATH...
      Formats nginx configs in place (each file written atomically), moving only the whitespace
      between tokens; every result is re-read and compared token by token before it is written.
      PATH: a file, or a directory (its *.conf, *.nginx and sites-*/ files, recursively).
      --check      write nothing; exit 1 when a file would change
      --diff       write nothing; print the changes as a unified diff
      --indent N   N spaces per block level (default 4), or "tab"
      --align      align the arguments of consecutive one-line directives

Exit status: 0 done (or nothing to change), 1 a file would change (--check), 2 usage or I/O
error, or a file the formatter refused (its result would not have read the same).
`;

const CONTEXT_LINES = 3;
const MAX_INDENT = 16;
const BINARY_SNIFF_LENGTH = 8000;

function indentOptions(value: string | undefined): Pick<FormatOptions, 'tabSize' | 'insertSpaces'> {
  if (value === undefined) return DEFAULT_FORMAT_OPTIONS;
  if (value === 'tab') return { tabSize: DEFAULT_FORMAT_OPTIONS.tabSize, insertSpaces: false };
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_INDENT) throw new UsageError(`--indent must be a number from 1 to ${MAX_INDENT} or "tab", not "${value}"`);
  return { tabSize: n, insertSpaces: true };
}

/** Whether a directory entry is an nginx config by the names the extension recognises. */
function isConfigName(file: string): boolean {
  const dir = path.basename(path.dirname(file));
  return file.endsWith('.conf') || file.endsWith('.nginx') || dir === 'sites-available' || dir === 'sites-enabled';
}

function collectFiles(p: string, out: string[]): void {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) {
    out.push(p);
    return;
  }
  for (const entry of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = path.join(p, entry.name);
    if (entry.isDirectory()) collectFiles(child, out);
    else if ((entry.isFile() || entry.isSymbolicLink()) && isConfigName(child) && fs.statSync(child).isFile()) out.push(child);
  }
}

/**
 * A file's text with an encoding that writes back byte for byte: UTF-8, or Latin-1 for bytes
 * that are not valid UTF-8 (the formatter only moves ASCII whitespace, so either round-trips).
 */
function readConfig(file: string): { text: string; encoding: BufferEncoding } {
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, BINARY_SNIFF_LENGTH).includes(0)) throw new Error('a binary file (it contains NUL bytes), not an nginx configuration');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? { text, encoding: 'utf8' } : { text: bytes.toString('latin1'), encoding: 'latin1' };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

type LineOp = { kind: ' ' | '-' | '+'; line: string; old: number; new: number };

/** Largest region (old lines × new lines) diffed line by line; larger ones are shown removed and added whole. */
const MAX_LCS_CELLS = 4_000_000;

/** The line operations turning `a` into `b` (a longest common subsequence when small enough). */
function diffLines(a: readonly string[], b: readonly string[]): (' ' | '-' | '+')[] {
  if (a.length * b.length > MAX_LCS_CELLS) return [...a.map(() => '-' as const), ...b.map(() => '+' as const)];
  const w = b.length + 1;
  const lcs = new Int32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const ops: (' ' | '-' | '+')[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { ops.push(' '); i++; j++; }
    else if (j < b.length && (i === a.length || lcs[i * w + j + 1] > lcs[(i + 1) * w + j])) { ops.push('+'); j++; }
    else { ops.push('-'); i++; }
  }
  return ops;
}

/** A unified diff of a text and its formatted version: the edits' lines diffed, 3 lines of context. */
export function unifiedDiff(name: string, before: string, edits: readonly FormatEdit[]): string {
  const starts = [0];
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const oldLines = splitLines(before);
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const regions: { first: number; last: number; edits: FormatEdit[] }[] = [];
  for (const e of sorted) {
    const first = lineAt(e.start);
    const last = Math.max(first, Math.min(lineAt(e.end), oldLines.length - 1));
    const open = regions[regions.length - 1];
    if (open && first <= open.last + 1) {
      open.last = Math.max(open.last, last);
      open.edits.push(e);
    } else {
      regions.push({ first, last, edits: [e] });
    }
  }
  const ops: LineOp[] = [];
  let oldAt = 0;
  let newAt = 0;
  const equal = (upTo: number): void => {
    for (; oldAt < upTo; oldAt++, newAt++) ops.push({ kind: ' ', line: oldLines[oldAt], old: oldAt, new: newAt });
  };
  for (const r of regions) {
    equal(r.first);
    const from = starts[r.first];
    const to = r.last + 1 < starts.length ? starts[r.last + 1] : before.length;
    const removed = oldLines.slice(r.first, r.last + 1);
    const added = splitLines(applyFormatEdits(before.slice(from, to), r.edits.map((e) => ({ ...e, start: e.start - from, end: e.end - from }))));
    let i = 0;
    let j = 0;
    for (const kind of diffLines(removed, added)) {
      ops.push({ kind, line: kind === '+' ? added[j] : removed[i], old: oldAt + i, new: newAt + j });
      if (kind !== '+') i++;
      if (kind !== '-') j++;
    }
    oldAt += removed.length;
    newAt += added.length;
  }
  equal(oldLines.length);
  let out = `--- ${name}\n+++ ${name}\n`;
  let k = 0;
  while (k < ops.length) {
    if (ops[k].kind === ' ') { k++; continue; }
    let first = Math.max(0, k - CONTEXT_LINES);
    while (first < k && ops[first].kind !== ' ') first++;
    let last = k;
    for (let q = k; q < ops.length; q++) {
      if (ops[q].kind !== ' ') last = q;
      else if (q - last > 2 * CONTEXT_LINES) break;
    }
    const end = Math.min(ops.length - 1, last + CONTEXT_LINES);
    const hunk = ops.slice(first, end + 1);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    const oldStart = hunk.find((o) => o.kind !== '+')?.old ?? ops[first].old;
    const newStart = hunk.find((o) => o.kind !== '-')?.new ?? ops[first].new;
    out += `@@ -${oldStart + 1},${oldCount} +${newStart + 1},${newCount} @@\n${hunk.map((o) => o.kind + o.line).join('\n')}\n`;
    k = end + 1;
  }
  return out;
}

/** Runs `nginx-tls format` and returns its exit code. */
export function runFormatCommand(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(FORMAT_USAGE);
    return ExitCode.Clean;
  }
  const args = parseArgs(argv, { flags: ['check', 'diff', 'align'], options: ['indent'] });
  if (args.positionals.length === 0) throw new UsageError('format needs at least one PATH');
  const options: FormatOptions = { ...indentOptions(args.options.indent), alignArguments: !!args.flags.align };
  const files: string[] = [];
  for (const p of args.positionals) {
    try {
      collectFiles(p, files);
    } catch (err) {
      process.stderr.write(`nginx-tls: ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}\n`);
      return ExitCode.UsageOrIo;
    }
  }
  const writes = new Map<string, Uint8Array>();
  let failed = false;
  let changed = 0;
  const seen = new Set<string>();
  for (const file of files) {
    const real = fs.realpathSync(file);
    if (seen.has(real)) continue;
    seen.add(real);
    let read: { text: string; encoding: BufferEncoding };
    try {
      read = readConfig(file);
    } catch (err) {
      process.stderr.write(`nginx-tls: ${file}: ${(err as Error).message}\n`);
      failed = true;
      continue;
    }
    const result = formatDocument(read.text, options);
    if (result.reason) process.stderr.write(`nginx-tls: ${file}: ${result.reason}\n`);
    if (result.refused) failed = true;
    if (result.edits.length === 0) continue;
    changed++;
    if (args.flags.diff) process.stdout.write(unifiedDiff(file, read.text, result.edits));
    if (args.flags.check && !args.flags.diff) process.stdout.write(`would reformat ${file}\n`);
    writes.set(file, Buffer.from(applyFormatEdits(read.text, result.edits), read.encoding));
  }
  if (!args.flags.check && !args.flags.diff && writes.size > 0) {
    try {
      writeFilesAtomically(writes);
    } catch (err) {
      process.stderr.write(`nginx-tls: nothing written: ${(err as Error).message}\n`);
      return ExitCode.UsageOrIo;
    }
    process.stderr.write(`nginx-tls: formatted ${changed} of ${seen.size} file${seen.size === 1 ? '' : 's'}\n`);
  }
  if (failed) return ExitCode.UsageOrIo;
  return args.flags.check && changed > 0 ? ExitCode.Errors : ExitCode.Clean;
}
