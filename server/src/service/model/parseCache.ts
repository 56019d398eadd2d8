import type { ParsedFile } from '../parser/ast';
import { parseConfig } from '../parser/parseConfig';

/** Parses each file once per version, so that re-analysis only re-parses what changed. */
export class ParseCache {
  private readonly entries = new Map<string, { version: string; parsed: ParsedFile }>();

  /** The parse of `text`, reused while `version` is unchanged. */
  parse(file: string, text: string, version: string): ParsedFile {
    const hit = this.entries.get(file);
    if (hit && hit.version === version && version !== '') return hit.parsed;
    const parsed = parseConfig(text, file);
    this.entries.set(file, { version, parsed });
    return parsed;
  }

  /** Forgets a file (closed document, deleted file). */
  delete(file: string): void {
    this.entries.delete(file);
  }
}
