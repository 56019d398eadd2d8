// The language server as a raw stdio client sees it: malformed params never make it exit, and
// without the trust flag it reads no certificate (fails closed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
/** A bound for hangs, far above the expected answer time. */
const BOUND_MS = 30_000;
let work = '';
let serverJs = '';

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-lsp-'));
  serverJs = path.join(work, 'server.js');
  await build({ entryPoints: [path.join(ROOT, 'server/src/lsp/main.ts')], outfile: serverJs, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Message { id?: number; method?: string; params?: any; result?: unknown; error?: { code: number; message: string } }

/** A raw JSON-RPC client over the server's stdio. */
class RawClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private readonly received: Message[] = [];
  private waiters: (() => void)[] = [];
  private nextId = 1;
  exited: number | null | undefined;

  constructor() {
    this.child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: 'pipe' });
    this.child.on('exit', (code) => { this.exited = code; this.wake(); });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const headerEnd = this.buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) break;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
        if (this.buffer.length < headerEnd + 4 + length) break;
        this.received.push(JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString()));
        this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      }
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  sendRaw(message: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request(method: string, params: unknown): Promise<Message> {
    const id = this.nextId++;
    this.sendRaw({ id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined);
  }

  notify(method: string, params: unknown): void {
    this.sendRaw({ method, params });
  }

  /** Resolves with the first message (received or to come) that matches; rejects at the bound or when the server exits. */
  waitFor(match: (m: Message) => boolean): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within the bound')), BOUND_MS);
      const check = (): void => {
        const found = this.received.find(match);
        if (found) { clearTimeout(timer); resolve(found); return; }
        if (this.exited !== undefined) { clearTimeout(timer); reject(new Error(`server exited with ${this.exited}`)); return; }
        this.waiters.push(check);
      };
      check();
    });
  }

  async start(initializationOptions: unknown): Promise<void> {
    await this.request('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions });
    this.notify('initialized', {});
  }

  stop(): void {
    this.child.kill();
  }
}

function diagnosticsFor(client: RawClient, uri: string): Promise<Message> {
  return client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri);
}

test('malformed params are answered with errors and the server keeps running', async () => {
  const client = new RawClient();
  try {
    await client.start({ workspaceTrusted: false });
    client.notify('textDocument/didOpen', { textDocument: { uri: 42, languageId: 'nginx', version: 1, text: 'x' } });
    client.notify('textDocument/didOpen', { textDocument: { uri: 'file:///a.conf', languageId: 'nginx', version: 'one', text: null } });
    client.notify('textDocument/didOpen', null);
    client.notify('textDocument/didChange', { textDocument: { uri: {}, version: 2 }, contentChanges: 'no' });
    client.notify('nginxTls/workspaceTrust', 'yes');
    const hover = await client.request('textDocument/hover', { textDocument: { uri: ['x'] }, position: { line: -1, character: 'a' } });
    assert.equal(hover.error?.code, -32602, JSON.stringify(hover));
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri: 'file:///nope.conf' }, range: 'everything', context: {} });
    assert.equal(actions.error?.code, -32602, JSON.stringify(actions));
    // Still alive and working: a well-formed document gets its diagnostics.
    const file = path.join(work, 'ok.conf');
    const uri = pathToFileURL(file).toString();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: 'server {\n  listen 80\n}\n' } });
    const published = await diagnosticsFor(client, uri);
    assert.ok(published.params.diagnostics.some((d: { code: string }) => d.code === 'syntax-error'));
    assert.equal(client.exited, undefined);
  } finally {
    client.stop();
  }
});

for (const [label, options, expectRead] of [
  ['no initializationOptions', undefined, false],
  ['no trust flag', { settings: {} }, false],
  ['a non-boolean trust flag', { workspaceTrusted: 'true' }, false],
  ['workspaceTrusted: true', { workspaceTrusted: true }, true],
] as const) {
  test(`certificates are read only when trusted: ${label}`, async () => {
    const client = new RawClient();
    try {
      await client.start(options);
      const file = path.join(work, `trust-${label.replace(/\W+/g, '-')}.conf`);
      const uri = pathToFileURL(file).toString();
      const text = `server {\n  listen 443 ssl;\n  server_name a.test;\n  ssl_certificate ${path.join(work, 'missing.crt')};\n  ssl_certificate_key ${path.join(work, 'missing.key')};\n}\n`;
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text } });
      const published = await diagnosticsFor(client, uri);
      const read = published.params.diagnostics.some((d: { code: string }) => d.code === 'certificate-unreadable');
      assert.equal(read, expectRead, JSON.stringify(published.params.diagnostics));
    } finally {
      client.stop();
    }
  });
}
