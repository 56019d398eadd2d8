// The entry point of the CLI's V8 startup snapshot (dist/cli-snapshot.blob, built by
// scripts/cliSnapshot.mjs): the bundle is compiled and its modules initialised (the directive
// table, the code registry) when the snapshot is built, not on every run. Run as
// `node --snapshot-blob dist/cli-snapshot.blob -- ARGS` (what dist/nginx-tls does), where
// process.argv is [node, ...ARGS].
import * as v8 from 'node:v8';
import { allCodes } from '../service';
import { runCli } from './main';

allCodes();
v8.startupSnapshot.setDeserializeMainFunction(() => runCli(process.argv.slice(1)));
