// nginxTls.nginxTest "onSave": after a save, in a trusted workspace, the real nginx -t on the
// saved file's main config; its findings replace the previous run's, on every file they name.
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { createNodeHost, FilePositions, type ConfigTree } from '../service';
import { nginxTestCommand, testConfigWithNginx } from '../system/nginxTest';
import { toLspDiagnosticsAt, type DocsLink } from './toLspDiagnostic';

/** What the runs need from the server. */
export interface NginxTestHost {
  /** The command (nginxTls.nginxTestCommand, else nginxTls.nginxBinary), or undefined when the setting is off or the workspace untrusted. */
  command(): string[] | undefined;
  docsLink: DocsLink;
  /** Sends the merged diagnostics of these URIs again. */
  republish(uris: string[]): void;
  log(line: string): void;
  /** A window message, shown once per distinct text. */
  notify(message: string): void;
}

/** The command of the settings: the argv template, else the binary. */
export function nginxTestCommandOf(settings: { nginxTest: string; nginxTestCommand: readonly string[]; nginxBinary: string }, trusted: boolean): string[] | undefined {
  return trusted && settings.nginxTest === 'onSave' ? nginxTestCommand(settings.nginxTestCommand, settings.nginxBinary) : undefined;
}

/**
 * The nginx -t findings by URI. Runs go one at a time; a save during a run asks for one more run
 * after it (of the last saved tree), so the findings shown are those of the latest save.
 */
export class NginxTestRunner {
  private byUri = new Map<string, Diagnostic[]>();
  private running = false;
  private next: ConfigTree | undefined;
  private readonly notified = new Set<string>();

  constructor(private readonly host: NginxTestHost) {}

  /** The findings on a URI from the last run. */
  current(uri: string): Diagnostic[] {
    return this.byUri.get(uri) ?? [];
  }

  /** Every URI with findings (published also when no editor has them open). */
  uris(): string[] {
    return [...this.byUri.keys()];
  }

  /** Tests the main config of a saved file's tree; files analysed alone in an implied context are not main configs. */
  saved(tree: ConfigTree | undefined): Promise<void> {
    if (!tree || tree.rootContext.length > 0 || !tree.files.has(tree.mainFile) || !this.host.command()) return Promise.resolve();
    this.next = tree;
    return this.drain();
  }

  /** Drops every finding (the setting was turned off). */
  clear(): void {
    this.replace(new Map());
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.next) {
        const tree = this.next;
        this.next = undefined;
        await this.runOnce(tree);
      }
    } finally {
      this.running = false;
    }
  }

  private async runOnce(tree: ConfigTree): Promise<void> {
    const command = this.host.command();
    if (!command) return this.clear();
    const disk = createNodeHost();
    const textOf = (file: string): string | undefined => {
      const read = disk.readFile(file);
      return read.kind === 'text' ? read.text : undefined;
    };
    const run = await testConfigWithNginx(command, tree, textOf);
    if (run.outcome.kind === 'unusable') {
      this.host.log(`${run.commandLine}: ${run.outcome.message}`);
      if (!this.notified.has(run.outcome.message)) {
        this.notified.add(run.outcome.message);
        this.host.notify(run.outcome.message);
      }
      return this.clear();
    }
    const { diagnostics, passed } = run.outcome;
    this.host.log(`${run.commandLine}: ${passed ? 'passed' : 'failed'}${diagnostics.length ? `, ${diagnostics.length} message${diagnostics.length === 1 ? '' : 's'}` : ''}`);
    const positions = new FilePositions(textOf);
    const next = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      const uri = pathToFileURL(d.file).toString();
      next.set(uri, [...(next.get(uri) ?? []), ...toLspDiagnosticsAt([d], positions, undefined, this.host.docsLink)]);
    }
    this.replace(next);
  }

  private replace(next: Map<string, Diagnostic[]>): void {
    const changed = new Set([...this.byUri.keys(), ...next.keys()]);
    this.byUri = next;
    if (changed.size) this.host.republish([...changed]);
  }
}
