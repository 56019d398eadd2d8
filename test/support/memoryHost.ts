import type { ConfigHost } from '../../server/src/service/model/configHost';

/** A ConfigHost over in-memory files (absolute paths); `onRead` sees every file the service opens. */
export function createMemoryHost(files: Record<string, string>, onRead: (file: string) => void = () => undefined): ConfigHost {
  return {
    readFile: (f) => {
      onRead(f);
      return f in files ? { kind: 'text', text: files[f], version: '1' } : { kind: 'error', reason: 'not-found', message: `no ${f}` };
    },
    listDirectory: (dir) => {
      const names = [...new Set(Object.keys(files).filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0]))];
      return names.length ? names.map((n) => ({ name: n, isDirectory: !(`${dir}/${n}` in files) })) : undefined;
    },
    exists: (f) => f in files,
    realpath: (f) => f,
  };
}
