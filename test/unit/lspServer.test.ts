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

  /** Every message received so far. */
  messages(): readonly Message[] {
    return this.received;
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

/** The server's log lines, in order. */
function logLines(client: RawClient): string[] {
  return client.messages()
    .filter((m) => m.method === 'window/logMessage' && typeof m.params?.message === 'string')
    .map((m) => m.params.message as string);
}

function publications(client: RawClient, uri: string): Message[] {
  return client.messages().filter((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri);
}

test('an edit re-analyses only the open documents that read the edited file, the tree once; unchanged diagnostics are not sent again', async () => {
  const dir = fs.mkdtempSync(path.join(work, 'tree-'));
  fs.mkdirSync(path.join(dir, 'sites'));
  const files = {
    main: path.join(dir, 'nginx.conf'),
    one: path.join(dir, 'sites', 'one.conf'),
    two: path.join(dir, 'sites', 'two.conf'),
    other: path.join(dir, 'other.conf'),
    alone: path.join(fs.mkdtempSync(path.join(work, 'alone-')), 'alone.conf'),
  };
  const texts: Record<keyof typeof files, string> = {
    main: 'events {}\nhttp {\n  include sites/*.conf;\n}\n',
    one: 'server {\n  listen 80 default_server;\n  server_name one.test;\n}\n',
    two: 'server {\n  listen 80;\n  server_name two.test;\n  bogus_one on;\n}\n',
    other: 'server {\n  listen 80 default_server;\n  server_name other.test;\n}\n',
    alone: 'server {\n  listen 82;\n  server_name alone.test;\n}\n',
  };
  const uris = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, pathToFileURL(f).toString()])) as Record<keyof typeof files, string>;
  for (const key of Object.keys(files) as (keyof typeof files)[]) fs.writeFileSync(files[key], texts[key]);
  const client = new RawClient();
  try {
    await client.start({ workspaceTrusted: false, settings: { diagnostics: { debounceMs: 0 } } });
    for (const key of Object.keys(files) as (keyof typeof files)[]) {
      client.notify('textDocument/didOpen', { textDocument: { uri: uris[key], languageId: 'nginx', version: 1, text: texts[key] } });
    }
    // Every document's first analysis is published, empty or not.
    for (const uri of Object.values(uris)) await diagnosticsFor(client, uri);

    // An unknown directive in one site: its tree is analysed once, and the three documents that read the site
    // (nginx.conf, the other site, and other.conf, which loaded nginx.conf to find its tree) take their diagnostics
    // from that analysis; the file alone elsewhere is left alone.
    client.notify('textDocument/didChange', { textDocument: { uri: uris.one, version: 2 }, contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '  bogus_two on;\n' }] });
    const published = await client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uris.one && m.params?.version === 2);
    assert.ok(published.params.diagnostics.some((d: { code: string }) => d.code === 'unknown-directive'), JSON.stringify(published.params));
    // The lines from the edit's analysis of one.conf (the only one to find a diagnostic there) to the end of the update.
    const linesSinceEdit = (): string[] => {
      const lines = logLines(client);
      const at = lines.findIndex((l) => l.startsWith(`analysed ${files.one} `) && l.includes(': 1 diagnostics'));
      return at < 0 ? [] : lines.slice(at);
    };
    await client.waitFor(() => linesSinceEdit().some((l) => l.startsWith('updated ')));
    const since = linesSinceEdit();
    assert.deepEqual(since.filter((l) => l.startsWith('analysed ')).map((l) => l.split(' ')[1]), [files.one], since.join('\n'));
    // A drain of the documents' opening may still be under way and merge with this one: the names tell.
    const updated = since.filter((l) => l.startsWith('updated ')).join('\n');
    for (const name of ['nginx.conf', 'two.conf', 'other.conf']) assert.ok(updated.includes(name), since.join('\n'));
    assert.ok(!updated.includes('alone.conf'), since.join('\n'));
    assert.equal(publications(client, uris.alone).length, 1);
    // Their diagnostics did not change: nothing more was sent for them.
    assert.equal(publications(client, uris.two).length, 1);
    assert.equal(publications(client, uris.main).length, 1);

    // An include added to nginx.conf takes other.conf into its tree: two default servers on port 80 now.
    client.notify('textDocument/didChange', { textDocument: { uri: uris.main, version: 2 }, contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '  include other.conf;\n' }] });
    const other = await client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uris.other && m.params.diagnostics.some((d: { code: string }) => d.code === 'duplicate-default-server'));
    assert.ok(other);
    assert.equal(publications(client, uris.alone).length, 1);
  } finally {
    client.stop();
  }
});

test('sites opened where they live (sites-available) are analysed in the tree that includes them through links, and follow each other\'s edits', async () => {
  const dir = fs.mkdtempSync(path.join(work, 'debian-'));
  for (const sub of ['sites-available', 'sites-enabled']) fs.mkdirSync(path.join(dir, sub));
  const site = (name: string, tickets: string): string => `server {\n  listen 443 ssl${name === 'a' ? ' default_server' : ''};\n  server_name ${name}.test;\n  ssl_certificate /nonexistent/${name}.crt;\n  ssl_certificate_key /nonexistent/${name}.key;\n  ssl_session_tickets ${tickets};\n}\n`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n  include sites-enabled/*;\n}\n');
  const files = { a: path.join(dir, 'sites-available/a'), b: path.join(dir, 'sites-available/b') };
  const texts = { a: site('a', 'on'), b: site('b', 'off') };
  for (const name of ['a', 'b'] as const) {
    fs.writeFileSync(files[name], texts[name]);
    fs.symlinkSync(`../sites-available/${name}`, path.join(dir, 'sites-enabled', name));
  }
  const uris = { a: pathToFileURL(files.a).toString(), b: pathToFileURL(files.b).toString() };
  const codes = (m: Message): string[] => m.params.diagnostics.map((d: { code: string }) => d.code);
  const client = new RawClient();
  try {
    await client.start({ workspaceTrusted: false, settings: { diagnostics: { debounceMs: 0 } } });
    for (const name of ['a', 'b'] as const) client.notify('textDocument/didOpen', { textDocument: { uri: uris[name], languageId: 'nginx', version: 1, text: texts[name] } });
    const first = await diagnosticsFor(client, uris.b);
    assert.ok(codes(first).includes('session-tickets-mismatch'), JSON.stringify(first.params));

    // Tickets off in the default server too, unsaved: b, which reads a through its link, is analysed again.
    client.notify('textDocument/didChange', { textDocument: { uri: uris.a, version: 2 }, contentChanges: [{ text: site('a', 'off') }] });
    const after = await client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uris.b && !codes(m).includes('session-tickets-mismatch'));
    assert.ok(after);
  } finally {
    client.stop();
  }
});

test('a file with more findings than nginxTls.diagnostics.maxPerFile gets the most severe and a note of how many more', async () => {
  const text = 'events {}\nhttp {\n  server {\n    listen 80 default_server;\n    server_name a.test;\n    bogus_1 on;\n    bogus_2 on;\n    bogus_3 on;\n    bogus_4 on;\n  }\n  server {\n    listen 80 default_server;\n    server_name b.test;\n    bogus_5 on;\n  }\n}\n';
  const file = path.join(fs.mkdtempSync(path.join(work, 'limit-')), 'nginx.conf');
  const uri = pathToFileURL(file).toString();
  const published = async (settings: object): Promise<{ code?: string; message: string; severity: number }[]> => {
    const client = new RawClient();
    try {
      await client.start({ workspaceTrusted: false, settings });
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text } });
      return (await diagnosticsFor(client, uri)).params.diagnostics;
    } finally {
      client.stop();
    }
  };
  // Within the default limit: all six, five unknown directives (warnings) and the second default server (an error).
  const all = await published({});
  assert.deepEqual(all.map((d) => d.code), ['unknown-directive', 'unknown-directive', 'unknown-directive', 'unknown-directive', 'duplicate-default-server', 'unknown-directive']);
  // Exactly at the limit: unchanged.
  assert.deepEqual(await published({ diagnostics: { maxPerFile: 6 } }), all);
  // Over it: the error first, then the warnings in order, one slot for the note.
  const limited = await published({ diagnostics: { maxPerFile: 3 } });
  assert.deepEqual(limited.slice(0, 2).map((d) => [d.code, d.message.slice(0, 29)]), [['unknown-directive', 'unknown directive "bogus_1": '], ['duplicate-default-server', '"b.test" (nginx.conf) is a se']]);
  assert.equal(limited.length, 3);
  assert.match(limited[2].message, /^4 more findings in this file are not shown: the editor gets the 2 most severe/);
  assert.equal(limited[2].code, undefined);
});

/** The text after applying LSP edits (ranges in the text as it was) to it. */
function applyLspEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }): number => starts[p.line] + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

test('"fix all" gives the text of every round: fixes that become possible only after others are in it, and a second one offers nothing', async () => {
  const dir = fs.mkdtempSync(path.join(work, 'rounds-'));
  const file = path.join(dir, 'nginx.conf');
  // "c.test" can only adopt the default server's session settings, and the default server has no
  // ssl_session_ticket_key to adopt until "b.test"'s fix gives it one: a second round.
  const text = fs.readFileSync(path.join(ROOT, 'test/e2e/fixtures/workspace/tls/fix-rounds/nginx.conf'), 'utf8');
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).toString();
  const client = new RawClient();
  try {
    await client.start({ workspaceTrusted: false, settings: { diagnostics: { debounceMs: 0 } } });
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text } });
    await diagnosticsFor(client, uri);
    const everything = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
    const fixAll = async (version: number): Promise<{ title: string; edit: { changes: Record<string, Parameters<typeof applyLspEdits>[1]> } }[]> => {
      const answer = await client.request('textDocument/codeAction', { textDocument: { uri, version }, range: everything, context: { diagnostics: [], only: ['source.fixAll.nginxTls'] } });
      return answer.result as { title: string; edit: { changes: Record<string, Parameters<typeof applyLspEdits>[1]> } }[];
    };
    const [action, ...more] = await fixAll(1);
    assert.equal(more.length, 0);
    assert.equal(action.title, 'Fix all nginx TLS problems (2)');
    assert.deepEqual(Object.keys(action.edit.changes), [uri]);
    const fixed = applyLspEdits(text, action.edit.changes[uri]);
    const c = fixed.slice(fixed.indexOf('server_name c.test'));
    assert.match(c, /ssl_session_cache none;/);
    assert.match(c, /ssl_session_timeout 1h;/);
    assert.match(fixed.slice(0, fixed.indexOf('server_name b.test')), /ssl_session_ticket_key certs\/ticket\.key;/);

    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const published = await client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri && m.params?.version === 2);
    assert.deepEqual(published.params.diagnostics.filter((d: { code: string }) => d.code === 'session-settings-from-default-server'), []);
    assert.deepEqual(await fixAll(2), []);
  } finally {
    client.stop();
  }
});
