import * as fs from 'node:fs';
import * as path from 'node:path';

/** One file of a write: the temporary file beside the target, renamed over it on commit. */
interface Staged {
  target: string;
  tmp: string;
}

/** The journal of one multi-file write: `prepared` while temp files are written, `committed` once all are on disk. */
interface Journal {
  version: 1;
  state: 'prepared' | 'committed';
  files: Staged[];
}

const JOURNAL_PREFIX = '.nginx-tls-fix-';
const JOURNAL_SUFFIX = '.journal';

function fsyncPath(p: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a directory; the rename is then as durable as they make it.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeDurably(file: string, text: string | Uint8Array, mode?: number): void {
  const fd = fs.openSync(file, 'wx', mode ?? 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces a journal atomically (its own temp file, fsynced, renamed), so a reader sees the old or the new state. */
function writeJournal(journalPath: string, journal: Journal): void {
  const tmp = `${journalPath}.tmp`;
  fs.rmSync(tmp, { force: true });
  writeDurably(tmp, JSON.stringify(journal));
  fs.renameSync(tmp, journalPath);
  fsyncPath(path.dirname(journalPath));
}

function stage(file: string, text: string | Uint8Array): Staged {
  // A symlinked file (sites-enabled → sites-available) is edited where it points, keeping the link.
  const target = fs.realpathSync(file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.nginx-tls-${process.pid}.tmp`);
  const stat = fs.statSync(target);
  fs.rmSync(tmp, { force: true });
  writeDurably(tmp, text, stat.mode & 0o7777);
  fs.chmodSync(tmp, stat.mode & 0o7777);
  try {
    fs.chownSync(tmp, stat.uid, stat.gid);
  } catch {
    // Not permitted for other users' files unless root: the new file keeps the writer's owner.
  }
  return { target, tmp };
}

function renameAll(files: readonly Staged[]): void {
  for (const s of files) if (fs.existsSync(s.tmp)) fs.renameSync(s.tmp, s.target);
  for (const dir of new Set(files.map((s) => path.dirname(s.target)))) fsyncPath(dir);
}

const DEFERRED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Writes several files all or none: a journal (beside the first file) lists the temporary files;
 * every new text is written and fsynced beside its target (mode and owner kept); the journal is
 * then marked committed and the temporary files are renamed over their targets. SIGINT, SIGTERM
 * and SIGHUP wait until the write is whole; after a crash or SIGKILL, the next `check --fix`
 * over these files finishes a committed write or removes the temporary files of one that was not
 * (recoverInterruptedWrites). On an error before the commit nothing is changed and no temporary
 * file is left.
 */
export function writeFilesAtomically(files: ReadonlyMap<string, string | Uint8Array>): void {
  if (files.size === 0) return;
  const first = fs.realpathSync([...files.keys()][0]);
  const journalPath = path.join(path.dirname(first), `${JOURNAL_PREFIX}${process.pid}${JOURNAL_SUFFIX}`);
  const deferred: NodeJS.Signals[] = [];
  const onSignal = (signal: NodeJS.Signals): void => void deferred.push(signal);
  for (const signal of DEFERRED_SIGNALS) process.on(signal, onSignal);
  const staged: Staged[] = [];
  let committed = false;
  try {
    const planned = [...files.keys()].map((f) => {
      const target = fs.realpathSync(f);
      return { target, tmp: path.join(path.dirname(target), `.${path.basename(target)}.nginx-tls-${process.pid}.tmp`) };
    });
    writeJournal(journalPath, { version: 1, state: 'prepared', files: planned });
    for (const [file, text] of files) staged.push(stage(file, text));
    writeJournal(journalPath, { version: 1, state: 'committed', files: staged });
    committed = true;
    renameAll(staged);
    fs.rmSync(journalPath, { force: true });
  } catch (err) {
    if (!committed) {
      for (const s of staged) fs.rmSync(s.tmp, { force: true });
      fs.rmSync(journalPath, { force: true });
      fs.rmSync(`${journalPath}.tmp`, { force: true });
    }
    throw err;
  } finally {
    for (const signal of DEFERRED_SIGNALS) process.off(signal, onSignal);
    // A signal that arrived during the write takes effect now that the files are whole.
    if (deferred.length) process.kill(process.pid, deferred[0]);
  }
}

/** What recovery did with an interrupted write's journal. */
export interface Recovery {
  journal: string;
  outcome: 'rolled-forward' | 'rolled-back';
  files: string[];
}

/**
 * Finishes or undoes the writes that a killed `--fix` left in these directories: a committed
 * journal's remaining temporary files are renamed over their targets, a prepared one's are removed.
 */
export function recoverInterruptedWrites(directories: Iterable<string>): Recovery[] {
  const out: Recovery[] = [];
  for (const dir of new Set(directories)) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.startsWith(JOURNAL_PREFIX) && n.endsWith(JOURNAL_SUFFIX));
    } catch {
      continue;
    }
    for (const name of names) {
      const journalPath = path.join(dir, name);
      const pid = Number(name.slice(JOURNAL_PREFIX.length, -JOURNAL_SUFFIX.length));
      if (pid !== process.pid && isAlive(pid)) continue;
      let journal: Journal;
      try {
        journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as Journal;
      } catch {
        continue;
      }
      const files = journal.files.filter((s) => typeof s?.tmp === 'string' && typeof s?.target === 'string' && path.basename(s.tmp).startsWith(`.${path.basename(s.target)}.nginx-tls-`));
      if (journal.state === 'committed') renameAll(files);
      else for (const s of files) fs.rmSync(s.tmp, { force: true });
      fs.rmSync(journalPath, { force: true });
      fs.rmSync(`${journalPath}.tmp`, { force: true });
      out.push({ journal: journalPath, outcome: journal.state === 'committed' ? 'rolled-forward' : 'rolled-back', files: files.map((s) => s.target) });
    }
  }
  return out;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
