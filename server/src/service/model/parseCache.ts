import type { ParsedFile } from '../parser/ast';
import { parseConfig } from '../parser/parseConfig';
import { reparse } from '../parser/reparse';

/**
 * Parses each file once per version, so that re-analysis only re-parses what changed: a new
 * version of a file parsed before re-reads only the block around the change when it can (see
 * reparse), and the directives outside that block stay the same objects.
 */
export class ParseCache {
  private readonly entries = new Map<string, { version: string; parsed: ParsedFile }>();
  /** How many new versions were parsed by re-reading one block, and how many whole. */
  readonly counts = { block: 0, whole: 0 };

  /** The parse of `text`, reused while `version` is unchanged. */
  parse(file: string, text: string, version: string): ParsedFile {
    const hit = this.entries.get(file);
    if (hit && hit.version === version && version !== '') return hit.parsed;
    let parsed = hit ? reparse(hit.parsed, text) : undefined;
    if (parsed) this.counts.block++;
    else {
      parsed = parseConfig(text, file);
      this.counts.whole++;
    }
    this.entries.set(file, { version, parsed });
    return parsed;
  }

  /** Forgets a file (closed document, deleted file). */
  delete(file: string): void {
    this.entries.delete(file);
  }
}

/**
 * Parses for texts derived from a loaded tree, as "fix all" analyses its rounds: a file whose
 * text is the tree's keeps the tree's parse, another is re-read from the last parse of that file.
 * Versions are not consulted (the texts of a round have none), and the tree's own cache is left
 * alone: what a round sees is not what the editor shows.
 */
export class DerivedParses extends ParseCache {
  private readonly last: Map<string, ParsedFile>;

  constructor(files: ReadonlyMap<string, ParsedFile>) {
    super();
    this.last = new Map(files);
  }

  override parse(file: string, text: string): ParsedFile {
    const last = this.last.get(file);
    if (last && last.text === text) return last;
    const parsed = (last && reparse(last, text)) ?? parseConfig(text, file);
    this.last.set(file, parsed);
    return parsed;
  }
}
