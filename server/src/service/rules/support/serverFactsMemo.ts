import type { Directive } from '../../parser/ast';
import type { ConfigTree } from '../../model/configTree';
import type { HttpServer } from '../../model/serverModel';
import type { ServerCertificate } from '../../model/serverCertificates';
import type { StaplingFacts } from './staplingFacts';

interface Kept<T> {
  inputs: unknown[];
  value: T;
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Everything a server's facts can depend on in its config: the conf prefix, whether certificates
 * are read, and every setting of the server and of its `http {}` (or `stream {}`), by Placed
 * identity, which an unchanged file keeps (see placedOf). All settings rather than a list of the
 * ones read: a fact that starts reading another directive cannot be left out by mistake.
 */
function settingsInputs(server: HttpServer, tree: ConfigTree, readCertificates: boolean): unknown[] {
  const inputs: unknown[] = [tree.prefix, readCertificates];
  for (const map of [server.own, server.inherited]) {
    for (const [name, placed] of map) inputs.push(name, ...placed);
    inputs.push('');
  }
  return inputs;
}

/**
 * A server's certificates and stapling facts, kept between analyses of one tree while what they
 * were computed from is the very same (see settingsInputs), and so are the file reads
 * (`generation`, see fileSnapshot.ts: a change on disk starts a new one). An edit in one site of
 * 200 then reads and judges the certificates of that site only.
 */
export class ServerFactsMemo {
  private generation: number | undefined;
  private certificates = new WeakMap<Directive, Kept<ServerCertificate[]>>();
  private stapling = new WeakMap<Directive, Kept<StaplingFacts>>();
  private readonly inputs = new WeakMap<HttpServer, unknown[]>();
  /** How many facts the last analysis took from an earlier one (for tests). */
  reused = 0;

  /** Starts an analysis of `tree` whose file reads are `generation`; false when nothing may be kept for it. */
  begin(tree: ConfigTree, generation: number | undefined): boolean {
    this.reused = 0;
    if (generation !== this.generation) {
      this.generation = generation;
      this.certificates = new WeakMap();
      this.stapling = new WeakMap();
    }
    // A tree read through a host with its own path mapping (an nginx -T dump) is not kept: the mapping is a new function per load.
    return generation !== undefined && !tree.localPath;
  }

  certificatesOf(server: HttpServer, tree: ConfigTree, readCertificates: boolean, compute: () => ServerCertificate[]): ServerCertificate[] {
    return this.through(this.certificates, server, this.inputsOf(server, tree, readCertificates), compute);
  }

  staplingOf(server: HttpServer, tree: ConfigTree, readCertificates: boolean, certificates: ServerCertificate[], compute: () => StaplingFacts): StaplingFacts {
    return this.through(this.stapling, server, [certificates, ...this.inputsOf(server, tree, readCertificates)], compute);
  }

  private inputsOf(server: HttpServer, tree: ConfigTree, readCertificates: boolean): unknown[] {
    let inputs = this.inputs.get(server);
    if (!inputs) this.inputs.set(server, (inputs = settingsInputs(server, tree, readCertificates)));
    return inputs;
  }

  private through<T>(store: WeakMap<Directive, Kept<T>>, server: HttpServer, inputs: unknown[], compute: () => T): T {
    const kept = store.get(server.directive);
    if (kept && sameInputs(kept.inputs, inputs)) {
      this.reused++;
      return kept.value;
    }
    const value = compute();
    store.set(server.directive, { inputs, value });
    return value;
  }
}
