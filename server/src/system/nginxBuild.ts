// The one process the language server starts on its own: `nginx -V` of the nginx on this
// machine, read once per binary, to learn the version the configs run under. Kept out of
// service/, which never starts a process.
import { execFile } from 'node:child_process';
import { parseNginxV, type NginxBuildInfo } from '../service';

/** How long `nginx -V` may take before it is given up on. */
const NGINX_V_TIMEOUT_MS = 5000;

/** Lines describing a build for the output channel. */
export function describeNginxBuild(binary: string, info: NginxBuildInfo): string[] {
  const openssl = info.opensslBuiltWith === undefined ? 'unknown'
    : info.opensslRunningWith && info.opensslRunningWith !== info.opensslBuiltWith ? `built with ${info.opensslBuiltWith}, running with ${info.opensslRunningWith}` : info.opensslBuiltWith;
  return [
    `${binary} -V: nginx ${info.nginxVersion}, OpenSSL ${openssl}`,
    `  modules: ${info.modules.length ? info.modules.join(' ') : '(none listed)'}`,
  ];
}

/** Runs `BINARY -V` (it prints to stderr) and parses it; resolves to the build or to why it could not be read. */
export function runNginxV(binary: string): Promise<{ info: NginxBuildInfo } | { error: string }> {
  return new Promise((resolve) => {
    execFile(binary, ['-V'], { timeout: NGINX_V_TIMEOUT_MS, windowsHide: true }, (err, stdout, stderr) => {
      const info = parseNginxV(`${stderr}${stdout}`);
      if (info) return resolve({ info });
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') return resolve({ error: `${binary} not found${binary.includes('/') ? '' : ' on PATH'}` });
      if (code === 'EACCES') return resolve({ error: `${binary}: permission denied` });
      resolve({ error: `${binary} -V did not print "nginx version: nginx/X.Y.Z"${err ? ` (${err.message.split('\n')[0]})` : ''}` });
    });
  });
}

/**
 * The build of the nginx named by a setting (or `nginx` on PATH), read at most once per binary;
 * `onRead` is told when a read finished, so that open documents can be analysed again.
 */
export class NginxBuildSource {
  private readonly results = new Map<string, NginxBuildInfo | undefined>();
  private readonly reads = new Map<string, Promise<void>>();
  private current: string | undefined;

  constructor(private readonly log: (line: string) => void, private readonly onRead: () => void) {}

  /** Selects the binary (empty: `nginx` on PATH), reading its `-V` the first time; resolves once that read is done. */
  select(binary: string): Promise<void> {
    const name = binary.trim() || 'nginx';
    this.current = name;
    const pending = this.reads.get(name);
    if (pending) return pending;
    this.log(`running ${name} -V once to learn the nginx and OpenSSL versions (nginxTls.nginxBinary; nginxTls.nginxVersion overrides)`);
    const read = runNginxV(name).then((result) => {
      if ('error' in result) {
        this.log(`${result.error}: the nginx version stays unknown (set nginxTls.nginxVersion or nginxTls.nginxBinary)`);
        return;
      }
      this.results.set(name, result.info);
      for (const line of describeNginxBuild(name, result.info)) this.log(line);
      this.onRead();
    });
    this.reads.set(name, read);
    return read;
  }

  /** The selected binary's build, once read. */
  build(): NginxBuildInfo | undefined {
    return this.current === undefined ? undefined : this.results.get(this.current);
  }
}
