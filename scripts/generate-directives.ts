/**
 * Generates server/src/service/directives/directives.json from Debian's nginx source packages.
 * See docs/directives.md. Usage:
 *
 *   node --import tsx scripts/generate-directives.ts [--fetch] [--check] [--cache DIR] [--out FILE]
 *
 * --fetch runs `apt-get source PACKAGE=VERSION` for each package missing from the cache (needs a
 * deb-src entry for bookworm and trixie); --check regenerates and fails when the committed file differs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTable, debianVersionOf, nginxVersionOf, type SourceTree } from './directives/buildTable';
import type { DirectiveTableFile } from '../server/src/service/directives/tableFormat';

/** A Debian source package at an exact version. */
export interface PackageRef {
  package: string;
  version: string;
}

/** The nginx the table describes: Debian 12's, the version the corpus results were measured with. */
export const BASE_SOURCE: PackageRef = { package: 'nginx', version: '1.22.1-9+deb12u9' };
/** A newer nginx (Debian 13's) whose additional directives are known too, marked `from`. */
export const NEWER_SOURCES: PackageRef[] = [{ package: 'nginx', version: '1.26.3-3+deb13u7' }];
/**
 * Debian 12's packages of third-party modules (separate source packages, not inside nginx's) that
 * its mirror serves; njs and stream-lua are hand-listed instead (server/src/service/directives/handListed.ts).
 */
export const THIRD_PARTY_SOURCES: PackageRef[] = [
  { package: 'libnginx-mod-http-echo', version: '1:0.63-4' },
  { package: 'libnginx-mod-http-headers-more-filter', version: '1:0.34-3' },
  { package: 'libnginx-mod-http-lua', version: '1:0.10.23-1+deb12u1' },
  { package: 'libnginx-mod-http-modsecurity', version: '1.0.3-1' },
  { package: 'libnginx-mod-http-ndk', version: '1:0.3.2-3' },
  { package: 'libnginx-mod-http-set-misc', version: '0.33-3' },
];

export const DEFAULT_OUT = path.resolve(__dirname, '../server/src/service/directives/directives.json');

/** Where unpacked sources are kept: $NGINX_SOURCE_CACHE or ~/.cache/nginx-tls/nginx-source. */
export function defaultCacheDir(): string {
  return process.env.NGINX_SOURCE_CACHE || path.join(os.homedir(), '.cache', 'nginx-tls', 'nginx-source');
}

/** The cache folder of one package version (apt-get source runs inside it). */
export function packageDir(cache: string, ref: PackageRef): string {
  return path.join(cache, `${ref.package}_${ref.version.replace(/[^\w.+~-]/g, '_')}`);
}

/** The unpacked tree inside a package folder, or undefined when it has not been fetched. */
export function unpackedTree(cache: string, ref: PackageRef): string | undefined {
  const dir = packageDir(cache, ref);
  if (!fs.existsSync(dir)) return undefined;
  const sub = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return sub.length === 1 ? path.join(dir, sub[0].name) : undefined;
}

function fetchPackage(cache: string, ref: PackageRef): void {
  const dir = packageDir(cache, ref);
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('apt-get', ['source', `${ref.package}=${ref.version}`], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`apt-get source ${ref.package}=${ref.version} failed: add deb-src entries for bookworm and trixie and run apt-get update (docs/directives.md)`);
  }
}

/** Folders of a source package that hold no module of the package itself (tests, examples, packaging). */
const SKIPPED_DIRECTORIES = new Set(['debian', 't', 'test', 'tests', 'examples', 'contrib']);

function listCFiles(root: string, dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRECTORIES.has(e.name) || e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) listCFiles(root, full, out);
    else if (e.name.endsWith('.c')) out.push(path.relative(root, full));
  }
}

/** Reads an unpacked source package: the C files that define modules, and the version files. */
export function readSourceTree(root: string, pkg: string): SourceTree {
  const read = (rel: string): string | undefined => {
    const file = path.join(root, rel);
    return fs.existsSync(file) ? fs.readFileSync(file, 'latin1') : undefined;
  };
  const rels: string[] = [];
  const isNginx = fs.existsSync(path.join(root, 'src', 'core', 'nginx.h'));
  listCFiles(root, isNginx ? path.join(root, 'src') : root, rels);
  const files = rels
    .map((rel) => rel.split(path.sep).join('/'))
    .sort()
    .map((rel) => ({ path: rel, text: read(rel) ?? '' }))
    .filter((f) => f.text.includes('ngx_module_t'));
  const debianVersion = debianVersionOf(read('debian/changelog') ?? '');
  if (!debianVersion) throw new Error(`${root}: no debian/changelog`);
  const nginxH = read('src/core/nginx.h');
  return {
    package: pkg,
    debianVersion,
    nginxVersion: nginxH ? nginxVersionOf(nginxH) : undefined,
    files,
    debianRules: read('debian/rules'),
    autoOptions: read('auto/options'),
  };
}

/** The JSON text of a table: one module and one directive per line, so diffs stay readable. */
export function serializeTable(table: DirectiveTableFile): string {
  const lines: string[] = ['{'];
  const { modules, directives, ...head } = table;
  for (const [k, v] of Object.entries(head)) lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  lines.push('  "modules": {');
  const names = Object.keys(modules);
  names.forEach((n, i) => lines.push(`    ${JSON.stringify(n)}: ${JSON.stringify(modules[n])}${i < names.length - 1 ? ',' : ''}`));
  lines.push('  },');
  lines.push('  "directives": [');
  directives.forEach((d, i) => lines.push(`    ${JSON.stringify(d)}${i < directives.length - 1 ? ',' : ''}`));
  lines.push('  ]');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Builds the table from the cached (or, with `fetch`, downloaded) source packages. */
export function generate(cache: string, fetch: boolean): { text: string; warnings: string[]; table: DirectiveTableFile } {
  const tree = (ref: PackageRef): SourceTree => {
    let root = unpackedTree(cache, ref);
    if (!root && fetch) {
      fetchPackage(cache, ref);
      root = unpackedTree(cache, ref);
    }
    if (!root) throw new Error(`${ref.package}=${ref.version} is not in ${cache}: run with --fetch`);
    return readSourceTree(root, ref.package);
  };
  const { table, warnings } = buildTable(tree(BASE_SOURCE), NEWER_SOURCES.map(tree), THIRD_PARTY_SOURCES.map(tree), 'scripts/generate-directives.ts');
  return { text: serializeTable(table), warnings, table };
}

function main(argv: string[]): number {
  let cache = defaultCacheDir();
  let out = DEFAULT_OUT;
  let fetch = false;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fetch') fetch = true;
    else if (a === '--check') check = true;
    else if (a === '--cache') cache = path.resolve(argv[++i]);
    else if (a === '--out') out = path.resolve(argv[++i]);
    else { console.error(`unknown option ${a}`); return 2; }
  }
  const { text, warnings, table } = generate(cache, fetch);
  for (const w of warnings) console.error(`warning: ${w}`);
  if (check) {
    const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
    if (current !== text) { console.error(`${out} is out of date: run scripts/generate-directives.ts`); return 1; }
    console.log(`${out} is up to date (${table.directives.length} directive definitions)`);
    return 0;
  }
  fs.writeFileSync(out, text);
  console.log(`wrote ${out}: ${table.directives.length} directive definitions from nginx ${table.nginxVersion} (${table.debianVersion})`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
