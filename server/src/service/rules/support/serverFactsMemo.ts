import type { Directive } from '../../parser/ast';
import type { ConfigTree } from '../../model/configTree';
import type { HttpServer, Placed } from '../../model/serverModel';
import type { ServerCertificate } from '../../model/serverCertificates';
import type { StaplingFacts } from './staplingFacts';
import type { ConfigDiagnostic } from '../../diagnostics';

type Settings = Map<string, Placed[]>;

/** What is kept for one server block: computed from its inputs (see entryOf), filled in as the rules ask. */
interface ServerEntry {
  tls: boolean;
  protocol: string;
  prefix: string;
  readCertificates: boolean;
  /** The server's own settings as inputs (see settingsInputs); undefined when its block includes no file (see entryOf). */
  own: unknown[] | undefined;
  /** Its `http {}`'s (or `stream {}`'s) settings as inputs: one array shared by the entries made in one analysis. */
  inherited: readonly unknown[];
  certificates?: ServerCertificate[];
  stapling?: StaplingFacts;
  /** Per-server rule findings by rule id, as reported, computed under the settings of `settingsEpoch`. */
  findings: Map<string, ConfigDiagnostic[]>;
  settingsEpoch: number;
}

/** Calls `visit` with each setting's name, directive and anchor, in order, until it returns false; whether it never did. */
function visitSettings(settings: Settings, visit: (input: unknown) => boolean): boolean {
  for (const [name, placed] of settings) {
    if (!visit(name)) return false;
    for (const p of placed) if (!visit(p.directive) || !visit(p.anchor)) return false;
  }
  return true;
}

function settingsInputs(settings: Settings): unknown[] {
  const inputs: unknown[] = [];
  visitSettings(settings, (input) => inputs.push(input) > 0);
  return inputs;
}

/** Whether `kept` are the inputs of `settings`, compared in place: no array per server on every analysis. */
function sameSettings(kept: readonly unknown[], settings: Settings): boolean {
  let i = 0;
  return visitSettings(settings, (input) => kept[i++] === input) && i === kept.length;
}

/**
 * A server's certificates and stapling facts, and the findings of the per-server rules (see
 * PerServerCheck), kept between analyses of one tree while what they were computed from is the
 * very same: the server's settings (see entryOf) and whether it speaks TLS; the file reads
 * (`generation`, see fileSnapshot.ts: a change on disk starts a new one); and, for findings, the
 * analysis settings. An edit in one site of 200 then reads, judges and reports the certificates
 * of that site only.
 */
export class ServerFactsMemo {
  private generation: number | undefined;
  private settingsKey: string | undefined;
  private settingsEpoch = 0;
  /** The current analysis's conf prefix and whether it reads certificates (inputs of every server). */
  private prefix = '';
  private readCertificates = false;
  /** By server block: what the last analysis that saw it kept. */
  private entries = new WeakMap<Directive, ServerEntry>();
  /** By server of the current analysis (a block included twice is two servers); a Map, emptied by begin: faster than a WeakMap. */
  private readonly current = new Map<HttpServer, ServerEntry>();
  /** This analysis's inputs of each `http {}`/`stream {}` settings map, shared by the entries it makes. */
  private readonly inheritedInputs = new Map<Settings, unknown[]>();
  /** Kept inherited inputs already found equal to one of this analysis's maps: 200 servers share one `http {}`. */
  private readonly inheritedMatches = new Map<readonly unknown[], Settings>();
  /** How many facts and per-server rule results the last analysis took from an earlier one (for tests and logs). */
  reused = 0;

  /**
   * Starts an analysis of `tree` whose file reads are `generation`, with settings summed up by
   * `settingsKey`; false when nothing may be kept for it.
   */
  begin(tree: ConfigTree, generation: number, settingsKey: string, readCertificates: boolean): boolean {
    this.reused = 0;
    this.current.clear();
    this.inheritedInputs.clear();
    this.inheritedMatches.clear();
    this.prefix = tree.prefix;
    this.readCertificates = readCertificates;
    if (generation !== this.generation) {
      this.generation = generation;
      this.entries = new WeakMap();
    }
    if (settingsKey !== this.settingsKey) {
      this.settingsKey = settingsKey;
      this.settingsEpoch++;
    }
    // A tree read through a host with its own path mapping (an nginx -T dump) is not kept: the mapping is a new function per load.
    return !tree.localPath;
  }

  certificatesOf(server: HttpServer, compute: () => ServerCertificate[]): ServerCertificate[] {
    const entry = this.entryOf(server);
    if (entry.certificates) this.reused++;
    else entry.certificates = compute();
    return entry.certificates;
  }

  staplingOf(server: HttpServer, compute: () => StaplingFacts): StaplingFacts {
    const entry = this.entryOf(server);
    if (entry.stapling) this.reused++;
    else entry.stapling = compute();
    return entry.stapling;
  }

  /** A per-server rule's findings for `server`. */
  findingsOf(rule: string, server: HttpServer, compute: () => ConfigDiagnostic[]): ConfigDiagnostic[] {
    const entry = this.entryOf(server);
    let findings = entry.findings.get(rule);
    if (findings) this.reused++;
    else entry.findings.set(rule, (findings = compute()));
    return findings;
  }

  /**
   * The server's entry: the kept one when its inputs are the very same, else a new one. The inputs
   * are everything a server's facts can depend on in its config: whether it speaks TLS (which
   * other servers' `listen ... ssl` on its sockets decide, see buildServerModel), http or stream,
   * the conf prefix, whether certificates are read, and every setting of the server and of its
   * `http {}` (or `stream {}`), by the identity of its directive and anchor, which an unchanged file
   * keeps (the parse is the same object). All settings rather than a list of the ones read: a fact
   * that starts reading another directive cannot be left out by mistake. The server's own settings
   * are the children of its block unless it includes a file, and a parsed block is never changed
   * (an edit makes new objects up to the top of its file, see reparse.ts), so the block, which
   * entries are kept by, stands for them then. Kept facts hold the Placed objects of the analysis
   * that made them: they are compared by samePlace, never by identity.
   */
  private entryOf(server: HttpServer): ServerEntry {
    let entry = this.current.get(server);
    if (entry) return entry;
    const includes = server.own.has('include');
    const kept = this.entries.get(server.directive);
    if (
      kept &&
      kept.tls === server.tls &&
      kept.protocol === server.protocol &&
      kept.prefix === this.prefix &&
      kept.readCertificates === this.readCertificates &&
      (kept.own === undefined) === !includes &&
      (kept.own === undefined || sameSettings(kept.own, server.own)) &&
      this.sameInherited(kept.inherited, server.inherited)
    ) {
      entry = kept;
    } else {
      entry = {
        tls: server.tls,
        protocol: server.protocol,
        prefix: this.prefix,
        readCertificates: this.readCertificates,
        own: includes ? settingsInputs(server.own) : undefined,
        inherited: this.inheritedInputsOf(server.inherited),
        findings: new Map(),
        settingsEpoch: this.settingsEpoch,
      };
      this.entries.set(server.directive, entry);
    }
    if (entry.settingsEpoch !== this.settingsEpoch) {
      entry.findings = new Map();
      entry.settingsEpoch = this.settingsEpoch;
    }
    this.current.set(server, entry);
    return entry;
  }

  private sameInherited(kept: readonly unknown[], settings: Settings): boolean {
    if (this.inheritedMatches.get(kept) === settings) return true;
    if (!sameSettings(kept, settings)) return false;
    this.inheritedMatches.set(kept, settings);
    return true;
  }

  private inheritedInputsOf(settings: Settings): unknown[] {
    let inputs = this.inheritedInputs.get(settings);
    if (!inputs) this.inheritedInputs.set(settings, (inputs = settingsInputs(settings)));
    return inputs;
  }
}
