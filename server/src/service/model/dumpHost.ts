import * as path from 'node:path';
import { checkConfigText, DEFAULT_MAX_FILE_SIZE, type ConfigHost } from './configHost';
import type { NginxDump } from './parseNginxDump';

/**
 * A host whose files are those of an `nginx -T` dump, at the paths nginx read them from, so
 * that the tree loads and reports exactly as on the machine it came from. Directories are the
 * ones the dumped paths imply (glob includes expand to the dumped files). Certificates are read
 * from disk at their own path, or under `root` (a copy of that machine's file system) when given.
 */
export function createDumpHost(dump: NginxDump, options: { root?: string; maxFileSize?: number } = {}): ConfigHost {
  const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const texts = new Map(dump.files.map((f) => [f.path, f.text]));
  const children = new Map<string, Map<string, boolean>>();
  for (const file of texts.keys()) {
    let child = file;
    let dir = path.dirname(file);
    let isDirectory = false;
    while (child !== dir) {
      let entries = children.get(dir);
      if (!entries) children.set(dir, (entries = new Map()));
      entries.set(path.basename(child), isDirectory || entries.get(path.basename(child)) === true);
      child = dir;
      dir = path.dirname(dir);
      isDirectory = true;
    }
  }
  const root = options.root === undefined ? undefined : path.resolve(options.root);
  return {
    readFile(file) {
      const text = texts.get(path.normalize(file));
      if (text !== undefined) return checkConfigText(text, file, maxSize, 'dump');
      if (children.has(path.normalize(file))) return { kind: 'error', reason: 'is-directory', message: `cannot read "${file}": it is a directory` };
      return { kind: 'error', reason: 'not-found', message: `"${file}" is not in the nginx -T dump` };
    },
    listDirectory(dir) {
      const entries = children.get(path.normalize(dir));
      return entries ? [...entries].map(([name, isDirectory]) => ({ name, isDirectory })) : undefined;
    },
    exists(file) {
      const p = path.normalize(file);
      return texts.has(p) || children.has(p);
    },
    realpath(file) {
      return path.normalize(file);
    },
    localPath(file) {
      return root === undefined || !path.isAbsolute(file) ? file : path.join(root, file);
    },
  };
}
