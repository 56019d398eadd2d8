// Starts a real nginx for a test: its own prefix directory, `daemon off`, error log in the
// directory, listening on loopback only; stopped by PID.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isLoopbackAddress, waitForPort } from './ports';

/** Options of startNginx. */
export interface StartNginxOptions {
  /** The nginx binary (findNginx()). */
  nginx: string;
  /** Body of the `http {}` block: server blocks etc.; `PREFIX` is replaced by the prefix directory. */
  http: string;
  /** Extra files to write into the prefix first, by relative path (`PREFIX` replaced in them too). */
  files?: Record<string, string>;
  /** Ports on 127.0.0.1 (or other loopback addresses) that must accept connections before startNginx resolves. */
  ports: (number | { host: string; port: number })[];
  /** Worker processes (nginx keeps OCSP staples per worker); default 2. */
  workers?: number;
  /** Where to make the prefix directory; default the OS temp dir. */
  parentDir?: string;
}

/** A running nginx. */
export interface NginxInstance {
  prefix: string;
  confFile: string;
  pid: number;
  /** The error log so far (startup warnings, OCSP fetch errors). */
  errorLog(): string;
  /** Resolves with the log once it matches `pattern` (watching the file); rejects at the deadline. */
  waitForLog(pattern: RegExp, deadlineMs?: number): Promise<string>;
  /** Stops nginx (SIGTERM, then SIGKILL after a deadline) and removes the prefix directory. */
  stop(): Promise<void>;
}

const START_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 5_000;
const LOG_DEADLINE_MS = 10_000;
const TEMP_PATH_DIRECTIVES = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path'];

/** Starts nginx with the given `http {}` body and resolves once every port accepts connections. */
export async function startNginx(options: StartNginxOptions): Promise<NginxInstance> {
  const prefix = fs.mkdtempSync(path.join(options.parentDir ?? os.tmpdir(), 'nginx-tls-lab-'));
  const expand = (text: string): string => text.replaceAll('PREFIX', prefix);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(prefix, name)), { recursive: true });
    fs.writeFileSync(path.join(prefix, name), expand(content));
  }
  const http = expand(options.http);
  assertLoopbackListens(http);
  const errorLog = path.join(prefix, 'error.log');
  const confFile = path.join(prefix, 'nginx.conf');
  // Temp paths inside the prefix: the compiled-in ones are under /var/lib/nginx.
  const tempPaths = TEMP_PATH_DIRECTIVES.map((name) => `  ${name} ${prefix}/${name};`).join('\n');
  fs.writeFileSync(
    confFile,
    `daemon off;
master_process on;
worker_processes ${options.workers ?? 2};
pid ${prefix}/nginx.pid;
error_log ${errorLog} info;
events { worker_connections 256; }
http {
  access_log off;
${tempPaths}
${http}
}
`,
  );

  const child = spawn(options.nginx, ['-p', prefix, '-c', confFile, '-e', errorLog], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `nginx exited (${signal ?? code}) while starting: ${stderr}${readIfExists(errorLog)}`));
  child.once('error', (error) => (exited = `nginx could not start: ${error.message}`));
  const instance: NginxInstance = {
    prefix,
    confFile,
    pid: child.pid ?? -1,
    errorLog: () => readIfExists(errorLog),
    waitForLog: (pattern, deadlineMs = LOG_DEADLINE_MS) => waitForFile(errorLog, pattern, deadlineMs),
    stop: () => stopNginx(child, prefix),
  };
  try {
    for (const port of options.ports) {
      const [host, number] = typeof port === 'number' ? [undefined, port] : [port.host, port.port];
      await waitForPort(number, { ...(host ? { host } : {}), deadlineMs: START_DEADLINE_MS, failed: () => exited });
    }
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return instance;
}

async function stopNginx(child: ChildProcess, prefix: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const workers = childPids(child.pid);
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_DEADLINE_MS).unref());
    if ((await Promise.race([exit, timer])) === 'timeout') {
      child.kill('SIGKILL');
      // Workers outlive a SIGKILLed master and would keep the port: kill them by their PIDs.
      for (const pid of workers) killQuietly(pid);
      await exit;
    }
  }
  fs.rmSync(prefix, { recursive: true, force: true });
}

// nginx's own config syntax is simple enough here: every `listen` must name a loopback address.
function assertLoopbackListens(http: string): void {
  for (const match of http.matchAll(/(?:^|[;{}\s])listen\s+([^\s;]+)/g)) {
    const address = match[1]!;
    const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.split(':')[0]!;
    if (!isLoopbackAddress(host)) throw new Error(`lab nginx must listen on loopback only, got "listen ${address}"`);
  }
}

function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function waitForFile(file: string, pattern: RegExp, deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(file);
    const check = (): void => {
      const text = readIfExists(file);
      if (!pattern.test(text)) return;
      finish();
      resolve(text);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${file} did not match ${pattern} within ${deadlineMs} ms:\n${readIfExists(file)}`));
    }, deadlineMs);
    const finish = (): void => {
      clearTimeout(timer);
      watcher.close();
    };
    watcher.on('change', check);
    check();
  });
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
