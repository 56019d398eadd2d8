/** What `nginx -V` says about a build: its version, OpenSSL and modules. */
export interface NginxBuildInfo {
  /** e.g. "1.22.1" (from `nginx version: nginx/1.22.1`). */
  nginxVersion: string;
  /** e.g. "3.0.11" (from `built with OpenSSL 3.0.11 19 Sep 2023`). */
  opensslBuiltWith?: string;
  /** The library found at run time when it differs (`(running with OpenSSL 3.0.13 ...)`), else the built-with one. */
  opensslRunningWith?: string;
  /** Modules switched on in `configure arguments`: `http_v2_module`, `stream` (also when `=dynamic`), and added module paths. */
  modules: string[];
  /** The whole `configure arguments:` line, split on spaces (empty when absent). */
  configureArguments: string[];
}

const VERSION_LINE = /^nginx version: [^/\s]+\/(\d+\.\d+\.\d+)/m;
const OPENSSL_LINE = /^built with (?:OpenSSL|BoringSSL|LibreSSL) ([0-9][^\s)]*)[^\n]*?(?:\(running with (?:OpenSSL|BoringSSL|LibreSSL) ([0-9][^\s)]*)[^)]*\))?\s*$/m;
const CONFIGURE_LINE = /^configure arguments:(.*)$/m;

/** Whether a line is one that `nginx -V` prints (so a dump may start with it). */
export function isNginxVLine(line: string): boolean {
  return /^(nginx version: |built (by|with) |TLS SNI support |configure arguments:)/.test(line);
}

/**
 * Reads the output of `nginx -V` (anywhere in `text`, e.g. before an `nginx -T` dump);
 * undefined when there is no `nginx version:` line.
 */
export function parseNginxV(text: string): NginxBuildInfo | undefined {
  const normalized = text.replace(/\r\n/g, '\n');
  const version = VERSION_LINE.exec(normalized);
  if (!version) return undefined;
  const openssl = OPENSSL_LINE.exec(normalized);
  const configureArguments = (CONFIGURE_LINE.exec(normalized)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const modules = configureArguments.flatMap((a) => {
    const added = /^--add-(?:dynamic-)?module=(.+)$/.exec(a);
    if (added) return [added[1]];
    const m = /^--with-([a-z0-9_]+)(?:=dynamic)?$/.exec(a);
    return m && (m[1].endsWith('_module') || m[1] === 'stream' || m[1] === 'mail') ? [m[1]] : [];
  });
  return {
    nginxVersion: version[1],
    opensslBuiltWith: openssl?.[1],
    opensslRunningWith: openssl ? openssl[2] ?? openssl[1] : undefined,
    modules,
    configureArguments,
  };
}

/** Whether a build has a module: `stream`, `http_v2_module`, or an added module's directory name. */
export function hasModule(info: NginxBuildInfo, name: string): boolean {
  return info.modules.some((m) => m === name || m.endsWith(`/${name}`));
}
