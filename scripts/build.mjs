// Bundles the entries with esbuild: the extension client, the language server, the CLI, and the
// two parts the CLI loads only when used (the X.509 parser and the probe command).
import * as path from 'node:path';
import { build } from 'esbuild';
import { buildCliSnapshot } from './cliSnapshot.mjs';

// server/src/lsp/protocol.ts imports 'vscode-languageserver-protocol' so that the client can share
// it; in the server bundle it must be the copy vscode-languageserver uses, or the bundle holds two.
const serverProtocolCopy = {
  name: 'server-protocol-copy',
  setup(b) {
    b.onResolve({ filter: /^vscode-languageserver-protocol$/ }, (args) =>
      args.resolveDir.includes('node_modules') ? undefined : b.resolve(args.path, { kind: args.kind, resolveDir: path.resolve('node_modules/vscode-languageserver') }),
    );
  },
};

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { NGINX_TLS_SPLIT: 'true' },
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js', plugins: [serverProtocolCopy] }),
  build({
    ...common,
    entryPoints: ['server/src/cli/run.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    // Parsing a smaller bundle is a visible part of the CLI's start-up time.
    minify: true,
  }),
  build({ ...common, entryPoints: ['server/src/service/certificates/parseCertificate.ts'], outfile: 'dist/x509.js', minify: true }),
  build({ ...common, entryPoints: ['server/src/cli/probeCommand.ts'], outfile: 'dist/probe-cli.js', minify: true }),
]);

// After cli.js: the launcher and the startup snapshot (see scripts/cliSnapshot.mjs).
const snapshot = await buildCliSnapshot(process.cwd(), 'dist');
if (!snapshot.ok) console.warn(`The CLI's startup snapshot was not built (dist/nginx-tls runs dist/cli.js): ${snapshot.reason}`);
