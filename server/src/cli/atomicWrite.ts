import * as fs from 'node:fs';
import * as path from 'node:path';

interface Staged {
  target: string;
  tmp: string;
}

function stage(file: string, text: string | Uint8Array): Staged {
  // A symlinked file (sites-enabled → sites-available) is edited where it points, keeping the link.
  const target = fs.realpathSync(file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.nginx-tls-${process.pid}.tmp`);
  const stat = fs.statSync(target);
  fs.writeFileSync(tmp, text, { mode: stat.mode & 0o7777 });
  try {
    fs.chownSync(tmp, stat.uid, stat.gid);
  } catch {
    // Not permitted for other users' files unless root: the new file keeps the writer's owner.
  }
  return { target, tmp };
}

/**
 * Writes several files all or nothing as far as the file system allows: every new text is
 * written to a temporary file beside its target first (mode and owner kept), and only when all
 * of them are written are they renamed over their targets.
 */
export function writeFilesAtomically(files: ReadonlyMap<string, string | Uint8Array>): void {
  const staged: Staged[] = [];
  try {
    for (const [file, text] of files) staged.push(stage(file, text));
  } catch (err) {
    for (const s of staged) fs.rmSync(s.tmp, { force: true });
    throw err;
  }
  for (const s of staged) fs.renameSync(s.tmp, s.target);
}
