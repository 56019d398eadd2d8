import type { ConfigDiagnostic, Fix, RelatedLocation } from '../diagnostics';
import type { Directive, ParsedFile } from '../parser/ast';
import { ownCopy } from '../textScan';

/**
 * What checking a block's body reported, offsets relative to `base` (the start of the key's text),
 * so that the same text at another place of the file (lines added above it) gives the same findings.
 */
interface Recording {
  scope: string;
  text: string;
  block: Directive;
  base: number;
  reports: ConfigDiagnostic[];
  valid: boolean;
}

/** A body's findings, with what they are kept under: copies of the scope and the text, not views of the file's text. */
interface Kept {
  scope: string;
  text: string;
  reports: ConfigDiagnostic[];
}

/** Kept findings by scope (context, settings, file), then by the body's text (hashed in place, not copied into a longer key). */
type Store = Map<string, Map<string, Kept>>;

function find(store: Store, scope: string, text: string): Kept | undefined {
  return store.get(scope)?.get(text);
}

function keep(store: Store, kept: Kept): void {
  let byText = store.get(kept.scope);
  if (!byText) store.set(kept.scope, (byText = new Map()));
  byText.set(kept.text, kept);
}

/** Offsets and edits of a finding moved by `delta` (they are all in the block's file: see record). */
function moved(d: ConfigDiagnostic, delta: number): ConfigDiagnostic {
  const edits = (fix: Fix): Fix => ({ title: fix.title, edits: fix.edits.map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })) });
  const related = (r: RelatedLocation): RelatedLocation => ({ ...r, start: r.start + delta, end: r.end + delta });
  // Most findings have neither: their empty arrays are shared (findings are never changed once reported).
  return { ...d, start: d.start + delta, end: d.end + delta, fixes: d.fixes.length ? d.fixes.map(edits) : d.fixes, related: d.related.length ? d.related.map(related) : d.related };
}

/** `d` moved by `delta`; the kept object itself when it does not move (findings are never changed once reported). */
function at(d: ConfigDiagnostic, delta: number): ConfigDiagnostic {
  return delta === 0 ? d : moved(d, delta);
}

/** A block's key as last made, in a parse known by its number (holding the parse would keep that version of its file alive). */
interface LastKey {
  parse: number;
  bodyKind: number;
  settingsKey: string;
  scope: string;
  text: string;
  base: number;
}

let nextParse = 1;

/** The largest body whose findings are kept, in characters. */
const MAX_KEPT_BODY = 64 * 1024;

function lineStartBefore(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

/**
 * The directive checks' findings inside block bodies, kept between analyses of a tree, so that a
 * keystroke re-checks the blocks it touched and replays the others. A body's findings are a
 * function of its text (from the start of the block's first line to the end of its last: fixes
 * read the indentation and the rest of a line), the context it opens, the file, and the settings;
 * a body that includes files, or whose findings reach outside it, is not kept. Entries not used by
 * the latest analysis are dropped.
 */
export class BlockCheckMemo {
  private kept: Store = new Map();
  private used: Store = new Map();
  private readonly open: Recording[] = [];
  private settingsKey = '';
  /** Numbers of the parses seen, and the analysis that first saw each. */
  private readonly parses = new WeakMap<ParsedFile, { parse: number; analysis: number }>();
  private analysis = 0;
  private lastParse: { parsed: ParsedFile; parse: number; seenBefore: boolean } | undefined;
  /**
   * The keys made for the blocks of parses seen in earlier analyses, with the very strings they
   * are kept under: in an unchanged file (the same parse, so the same text and the same blocks)
   * a body is found again without cutting and hashing its text (in a tree of 200 sites, most of
   * what finding the kept bodies cost). A parse seen for the first time, which is the edited
   * file's, does not use or fill them.
   */
  private readonly lastKeys = new WeakMap<Directive, LastKey>();
  /** How many bodies the latest analysis replayed instead of checking them. */
  replayedBlocks = 0;

  /** Starts an analysis with these settings (nginx version, severities). */
  begin(settingsKey: string): void {
    this.settingsKey = settingsKey;
    this.used = new Map();
    this.open.length = 0;
    this.replayedBlocks = 0;
    this.analysis++;
  }

  /** Ends the analysis: keeps what it recorded and replayed, forgets the rest. */
  end(): void {
    this.closeUpTo(0);
    this.kept = this.used;
    this.lastParse = undefined;
  }

  /** The parse's number, and whether an earlier analysis saw it. */
  private parseOf(parsed: ParsedFile): { parse: number; seenBefore: boolean } {
    if (this.lastParse?.parsed === parsed) return this.lastParse;
    let known = this.parses.get(parsed);
    if (!known) this.parses.set(parsed, (known = { parse: nextParse++, analysis: this.analysis }));
    this.lastParse = { parsed, parse: known.parse, seenBefore: known.analysis < this.analysis };
    return this.lastParse;
  }

  private keyOf(block: Directive, text: string, bodyKind: number): { scope: string; text: string; base: number } | undefined {
    if (!block.block || block.block.close === undefined || block.luaBody) return undefined;
    // A body this large holds most of its file, and so nearly every edit: keeping it would copy its text and findings each time for nothing.
    if (block.block.close - block.block.open > MAX_KEPT_BODY) return undefined;
    const base = lineStartBefore(text, block.start);
    return { scope: `${bodyKind}\0${this.settingsKey}\0${block.file}`, text: text.slice(base, lineEndAfter(text, block.block.close)), base };
  }

  /**
   * Before the walk enters `block`'s body: when the same body was checked before, its findings go
   * to `report` (moved to where the block is now) and true says to skip the body; otherwise the
   * findings reported from now until the walk leaves the body are recorded.
   */
  enter(block: Directive, parsed: ParsedFile, bodyKind: number, report: (d: ConfigDiagnostic) => void): boolean {
    const { parse, seenBefore } = this.parseOf(parsed);
    const last = seenBefore ? this.lastKeys.get(block) : undefined;
    const same = last !== undefined && last.parse === parse && last.bodyKind === bodyKind && last.settingsKey === this.settingsKey;
    const k = same ? last : this.keyOf(block, parsed.text, bodyKind);
    if (!k) return false;
    const found = find(this.used, k.scope, k.text) ?? find(this.kept, k.scope, k.text);
    const remember = (scope: string, text: string): void => {
      if (seenBefore && !same) this.lastKeys.set(block, { parse, bodyKind, settingsKey: this.settingsKey, scope, text, base: k.base });
    };
    if (found) {
      keep(this.used, found);
      remember(found.scope, found.text);
      this.replayedBlocks++;
      for (const d of found.reports) {
        for (const r of this.open) r.reports.push(at(d, k.base - r.base));
        report(at(d, k.base));
      }
      return true;
    }
    // Copies: a key cut from the file's text would keep that whole version of the file alive.
    const recording = { scope: ownCopy(k.scope), text: ownCopy(k.text), block, base: k.base, reports: [], valid: true };
    remember(recording.scope, recording.text);
    this.open.push(recording);
    return false;
  }

  /** Each visited directive, with its enclosing blocks: closes the recordings of the blocks the walk has left. */
  visit(d: Directive, ancestors: readonly Directive[], includes: boolean): void {
    let keep = 0;
    while (keep < this.open.length && ancestors.includes(this.open[keep].block)) keep++;
    this.closeUpTo(keep);
    // Everything open contains an include; a directive of another file is in an included file.
    for (const r of this.open) if (includes || d.file !== r.block.file) r.valid = false;
  }

  /** A finding reported inside the open recordings. */
  record(d: ConfigDiagnostic): void {
    for (const r of this.open) {
      const outside = d.file !== r.block.file || d.fixes.some((f) => f.edits.some((e) => e.file !== d.file)) || d.related.some((x) => x.file !== d.file);
      if (outside) r.valid = false;
      else r.reports.push(at(d, -r.base));
    }
  }

  private closeUpTo(depth: number): void {
    while (this.open.length > depth) {
      const r = this.open.pop() as Recording;
      if (r.valid) keep(this.used, { scope: r.scope, text: r.text, reports: r.reports });
    }
  }
}
