import type { Directive } from '../../parser/ast';
import type { ConfigTree } from '../../model/configTree';
import type { HttpServer } from '../../model/serverModel';
import type { ServerCertificate } from '../../model/serverCertificates';
import type { StaplingFacts } from './staplingFacts';
import type { RuleFinding } from '../rule';

/** What is kept for one server block: computed from `inputs`, filled in as the rules ask. */
interface ServerEntry {
  inputs: unknown[];
  certificates?: ServerCertificate[];
  stapling?: StaplingFacts;
  /** Per-server rule findings by rule id, computed under the settings of `settingsEpoch`. */
  findings: Map<string, RuleFinding[]>;
  settingsEpoch: number;
}

/**
 * Everything a server's facts can depend on in its config: whether it speaks TLS (which other
 * servers' `listen ... ssl` on its sockets decide, see buildServerModel), http or stream, the conf
 * prefix, whether certificates are read, and every setting of the server and of its `http {}` (or
 * `stream {}`), by the identity of its directive and anchor, which an unchanged file keeps (the
 * parse is the same object). All settings rather than a list of the ones read: a fact that starts
 * reading another directive cannot be left out by mistake. Kept facts hold the Placed objects of
 * the analysis that made them: they are compared by samePlace, never by identity.
 */
function visitInputs(server: HttpServer, prefix: string, readCertificates: boolean, visit: (input: unknown) => boolean): boolean {
  if (!visit(server.tls) || !visit(server.protocol) || !visit(prefix) || !visit(readCertificates)) return false;
  for (const map of [server.own, server.inherited]) {
    for (const [name, placed] of map) {
      if (!visit(name)) return false;
      for (const p of placed) if (!visit(p.directive) || !visit(p.anchor)) return false;
    }
    if (!visit('')) return false;
  }
  return true;
}

function settingsInputs(server: HttpServer, prefix: string, readCertificates: boolean): unknown[] {
  const inputs: unknown[] = [];
  visitInputs(server, prefix, readCertificates, (input) => inputs.push(input) > 0);
  return inputs;
}

/** Whether `kept` are the server's inputs, compared in place: no array per server on every analysis. */
function sameInputs(kept: readonly unknown[], server: HttpServer, prefix: string, readCertificates: boolean): boolean {
  let i = 0;
  return visitInputs(server, prefix, readCertificates, (input) => kept[i++] === input) && i === kept.length;
}

/**
 * A server's certificates and stapling facts, and the findings of the per-server rules (see
 * PerServerCheck), kept between analyses of one tree while what they were computed from is the
 * very same: the server's settings (see settingsInputs) and whether it speaks TLS; the file reads
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
  /** How many facts and per-server rule results the last analysis took from an earlier one (for tests and logs). */
  reused = 0;

  /**
   * Starts an analysis of `tree` whose file reads are `generation`, with settings summed up by
   * `settingsKey`; false when nothing may be kept for it.
   */
  begin(tree: ConfigTree, generation: number, settingsKey: string, readCertificates: boolean): boolean {
    this.reused = 0;
    this.current.clear();
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
  findingsOf(rule: string, server: HttpServer, compute: () => RuleFinding[]): RuleFinding[] {
    const entry = this.entryOf(server);
    let findings = entry.findings.get(rule);
    if (findings) this.reused++;
    else entry.findings.set(rule, (findings = compute()));
    return findings;
  }

  /** The server's entry: the kept one when its inputs (see settingsInputs) are the very same, else a new one. */
  private entryOf(server: HttpServer): ServerEntry {
    let entry = this.current.get(server);
    if (entry) return entry;
    const kept = this.entries.get(server.directive);
    if (kept && sameInputs(kept.inputs, server, this.prefix, this.readCertificates)) entry = kept;
    else {
      entry = { inputs: settingsInputs(server, this.prefix, this.readCertificates), findings: new Map(), settingsEpoch: this.settingsEpoch };
      this.entries.set(server.directive, entry);
    }
    if (entry.settingsEpoch !== this.settingsEpoch) {
      entry.findings = new Map();
      entry.settingsEpoch = this.settingsEpoch;
    }
    this.current.set(server, entry);
    return entry;
  }
}
