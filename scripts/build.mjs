// Bundles the entries with esbuild: the extension client, the language server, the CLI, and the
// two parts the CLI loads only when used (the X.509 parser and the probe command).
import { build } from 'esbuild';

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
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  build({
    ...common,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    // Parsing a smaller bundle is a visible part of the CLI's start-up time.
    minify: true,
  }),
  build({ ...common, entryPoints: ['server/src/service/certificates/parseCertificate.ts'], outfile: 'dist/x509.js', minify: true }),
  build({ ...common, entryPoints: ['server/src/cli/probeCommand.ts'], outfile: 'dist/probe-cli.js', minify: true }),
]);
