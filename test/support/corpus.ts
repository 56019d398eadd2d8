import * as fs from 'node:fs';
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
