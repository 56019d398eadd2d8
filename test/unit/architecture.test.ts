// The layers, as the README's Architecture section draws them: the service is pure, and the
// fronts reach it through its one door (server/src/service/index.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', '..', 'server', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Modules that carry the editor, the protocol or the network: none of them belongs in the service. */
const TRANSPORTS = /^(vscode|vscode-languageserver|vscode-languageserver-protocol|vscode-languageserver-textdocument|vscode-jsonrpc|vscode-languageclient)(\/|$)|^node:(tls|http|https|http2|dgram|dns|child_process)$|^(tls|http|https|dgram|dns|child_process)$/;

test('the language service imports no transport, editor or network module, and nothing above it', () => {
  const offending: string[] = [];
  const service = path.join(SRC, 'service');
  for (const file of sources(service)) {
    for (const spec of importsOf(file)) {
      const above = spec.startsWith('.') && !path.resolve(path.dirname(file), spec).startsWith(service) && !path.resolve(path.dirname(file), spec).endsWith('splitBundles');
      if (TRANSPORTS.test(spec) || above) offending.push(`${path.relative(SRC, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(offending, []);
});

test('the fronts (lsp/, cli/) reach the service only through its door', () => {
  const door = path.join(SRC, 'service');
  const offending: string[] = [];
  for (const front of ['lsp', 'cli']) {
    for (const file of sources(path.join(SRC, front))) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (target.startsWith(door + path.sep) && target !== path.join(door, 'index')) offending.push(`${path.relative(SRC, file)} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(offending, []);
});
