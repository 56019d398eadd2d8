// "nginx TLS: Open nginx -T Dump": the files of a dump as read-only virtual documents
// (`nginx-dump:/ID/etc/nginx/nginx.conf`), analysed as the tree the dump describes, through
// the dump's own host (service/model/dumpHost.ts): includes resolve to the dumped files, and
// diagnostics, hover, links and the outline work between them as on the server it came from.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { analyzeFile, createDumpHost, loadConfigFor, parseNginxDump, treePositions, type AnalysisSettings, type ConfigHost, type NginxDump, ParseCache } from '../service';
import type { CurrentTree } from './editorFeatures';
import { toLspDiagnosticsAt, type DocsLink } from './toLspDiagnostic';
import { DUMP_SCHEME, type OpenDumpParams, type OpenDumpResult } from './protocol';


interface OpenDump {
  dump: NginxDump;
  host: ConfigHost;
  /** Its own: a dumped /etc/nginx/nginx.conf is not this machine's, nor another dump's. */
  cache: ParseCache;
}

/** The dumps opened in this session, by id (a hash of the text: the same dump opened twice is one). */
export class DumpDocuments {
  private readonly dumps = new Map<string, OpenDump>();

  constructor(private readonly maxFileSize: () => number) {}

  /** Parses and registers a dump. */
  open(params: OpenDumpParams): OpenDumpResult {
    const parsed = parseNginxDump(typeof params?.text === 'string' ? params.text : '');
    if (parsed.kind === 'error') return { error: parsed.message };
    const id = createHash('sha256').update(params.text).digest('hex').slice(0, 12);
    this.dumps.set(id, { dump: parsed.dump, host: createDumpHost(parsed.dump, { maxFileSize: this.maxFileSize() }), cache: new ParseCache() });
    return {
      mainUri: dumpUri(id, parsed.dump.mainFile),
      files: parsed.dump.files.map((f) => ({ uri: dumpUri(id, f.path), path: f.path, text: f.text })),
    };
  }

  /** The dump and original path behind a `nginx-dump:` URI of a registered dump. */
  private locate(uri: string): { id: string; file: string; open: OpenDump } | undefined {
    const m = /^nginx-dump:(?:\/\/[^/]*)?\/([0-9a-f]{12})(\/.*)$/.exec(uri);
    if (!m) return undefined;
    const open = this.dumps.get(m[1]);
    let file: string;
    try {
      file = decodeURIComponent(m[2]);
    } catch {
      return undefined;
    }
    return open && open.dump.files.some((f) => f.path === file) ? { id: m[1], file, open } : undefined;
  }

  /** Where a path of a dump's tree opens: its dumped file, else (a certificate) the file on this machine. */
  private uriOf(id: string, open: OpenDump): (file: string) => string {
    return (file) => (open.dump.files.some((f) => f.path === file) ? dumpUri(id, file) : pathToFileURL(open.host.localPath?.(file) ?? file).toString());
  }

  /**
   * The diagnostics of a dumped file in the dump's tree (without fixes: the documents are read-only),
   * or undefined for a URI that is not one. The version is the dump's (nginx -V at its head) unless set.
   */
  diagnostics(uri: string, settings: Partial<AnalysisSettings>, docsLink: DocsLink): Diagnostic[] | undefined {
    const at = this.locate(uri);
    if (!at) return undefined;
    const { dump, host, cache } = at.open;
    const result = analyzeFile(at.file, { host, cache, mainConfig: dump.mainFile, settings: { ...settings, nginxVersion: settings.nginxVersion ?? dump.build?.nginxVersion } });
    return toLspDiagnosticsAt(result.diagnostics.map((d) => ({ ...d, fixes: [] })), treePositions(result.tree), undefined, docsLink, this.uriOf(at.id, at.open));
  }

  /** A dumped file's tree for hover, links, definitions and the outline. */
  currentTree(uri: string): CurrentTree | undefined {
    const at = this.locate(uri);
    if (!at) return undefined;
    const tree = loadConfigFor(at.file, { host: at.open.host, cache: at.open.cache, mainConfig: at.open.dump.mainFile });
    return { tree, file: at.file, positions: treePositions(tree), host: at.open.host, uriOf: this.uriOf(at.id, at.open) };
  }
}

/** `nginx-dump:/ID/PATH`, each path segment percent-encoded. */
function dumpUri(id: string, file: string): string {
  return `${DUMP_SCHEME}:/${id}${file.split('/').map(encodeURIComponent).join('/')}`;
}
