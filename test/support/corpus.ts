import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The shared corpus of real nginx configs (../shared/corpus beside the repo). */
export const CORPUS_DIR = path.resolve(__dirname, '../../../shared/corpus');

/** Paths (relative to the corpus) of every corpus file listed in its manifest. */
export function corpusFiles(): string[] {
  const manifest = fs.readFileSync(path.join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8');
  return manifest.split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]);
}

/** `nginx -t` outcomes recorded for the corpus: path → class (e.g. OK, SYNTAX/SEMANTIC). */
export function nginxResults(): Map<string, { cls: string; message: string }> {
  const text = fs.readFileSync(path.join(CORPUS_DIR, 'NGINX_T_RESULTS.tsv'), 'utf8');
  const out = new Map<string, { cls: string; message: string }>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('path\t')) continue;
    const [file, cls, message] = line.split('\t');
    out.set(file, { cls, message });
  }
  return out;
}

/**
 * The skip reason of tests that need the corpus (false when it is there). When it is absent, one
 * line per test run says so (the test files run as children of one runner, which the marker
 * file is named after), instead of a notice per file.
 */
export function corpusSkip(marker = 'MANIFEST.tsv'): string | false {
  if (fs.existsSync(path.join(CORPUS_DIR, marker))) return false;
  const reason = `corpus not found at ${CORPUS_DIR}`;
  const notice = path.join(os.tmpdir(), `nginx-tls-corpus-notice-${process.ppid}`);
  try {
    fs.writeFileSync(notice, '', { flag: 'wx' });
    process.stderr.write(`# the tests that need ../shared/corpus (775 real configs) are skipped: ${reason}\n`);
  } catch {
    // Another test file of this run has said it already.
  }
  return reason;
}
