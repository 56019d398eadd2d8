// A minimal LSP client over stdio for the benchmarks: JSON-RPC framing written here, independent of
// the vscode-languageserver library the server uses, so that what is timed is what an editor sees.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';

/** A publishDiagnostics notification as received, with its arrival time. */
export interface Publication {
  uri: string;
  version?: number;
  count: number;
  at: number;
}

/** A language server process driven over stdio. */
export class LspClient {
  private readonly child: ChildProcess;
  private chunks: Buffer[] = [];
  private received = 0;
  /** Where the body of the message being received starts and ends, once its header is in. */
  private expected: { bodyStart: number; end: number } | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private waiters: { test: (p: Publication) => boolean; resolve: (p: Publication) => void }[] = [];
  /** The latest publication of each uri. */
  readonly latest = new Map<string, Publication>();
  lastMessageAt = performance.now();
  publications = 0;

  constructor(serverModule: string, args: string[] = []) {
    this.child = spawn(process.execPath, [...args, serverModule, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Joins the chunks received so far (once per message: joining at every chunk made a 3 MB publication cost the client tens of ms). */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.received)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.received += chunk.length;
    for (;;) {
      if (this.expected === undefined) {
        const buffer = this.joined();
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
        this.expected = { bodyStart: headerEnd + 4, end: headerEnd + 4 + length };
      }
      if (this.received < this.expected.end) return;
      const buffer = this.joined();
      const body = buffer.subarray(this.expected.bodyStart, this.expected.end).toString('utf8');
      const rest = buffer.subarray(this.expected.end);
      this.chunks = rest.length ? [rest] : [];
      this.received = rest.length;
      this.expected = undefined;
      this.lastMessageAt = performance.now();
      this.dispatch(JSON.parse(body) as { id?: number; method?: string; params?: unknown; result?: unknown });
    }
  }

  private dispatch(msg: { id?: number; method?: string; params?: unknown; result?: unknown }): void {
    if (msg.method === 'textDocument/publishDiagnostics') {
      const p = msg.params as { uri: string; version?: number; diagnostics: unknown[] };
      const pub: Publication = { uri: p.uri, version: p.version, count: p.diagnostics.length, at: performance.now() };
      this.publications++;
      this.latest.set(p.uri, pub);
      const ready = this.waiters.filter((w) => w.test(pub));
      this.waiters = this.waiters.filter((w) => !w.test(pub));
      for (const w of ready) w.resolve(pub);
    } else if (msg.method !== undefined && msg.id !== undefined) {
      // A request from the server (configuration, codeLens refresh...): answer with null.
      this.write({ jsonrpc: '2.0', id: msg.id, result: null });
    } else if (msg.id !== undefined) {
      this.pending.get(msg.id)?.(msg.result);
      this.pending.delete(msg.id);
    }
  }

  private write(msg: unknown): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.child.stdin?.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** The next publication for `uri` with at least `version` (or any version when undefined). */
  published(uri: string, version?: number, timeoutMs = 120_000): Promise<Publication | undefined> {
    const test = (p: Publication): boolean => p.uri === uri && (version === undefined || (p.version ?? 0) >= version);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        resolve(undefined);
      }, timeoutMs);
      const done = (p: Publication): void => {
        clearTimeout(timer);
        resolve(p);
      };
      this.waiters.push({ test, resolve: done });
    });
  }

  /** Resolves once no message has arrived for `quietMs`. */
  async quiet(quietMs: number): Promise<void> {
    for (;;) {
      const idle = performance.now() - this.lastMessageAt;
      if (idle >= quietMs) return;
      await new Promise((r) => setTimeout(r, quietMs - idle));
    }
  }

  async initialize(settings: unknown): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: { workspaceTrusted: true, settings },
    });
    this.notify('initialized', {});
  }

  async stop(): Promise<void> {
    await this.request('shutdown', null);
    this.notify('exit', null);
    await new Promise((r) => this.child.once('exit', r));
  }

  /** The server's CPU time so far (user + system, ms), from /proc. */
  cpuMs(): number {
    const fields = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // utime and stime are fields 14 and 15 of stat, counted from pid; after "comm)" they are 12 and 13 (0-based 11, 12).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }

  /** The server's resident set size (MB), from /proc. */
  rssMb(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0) / 1024;
  }
}
