// The CLI's entry point (dist/cli.js): `node dist/cli.js check ...`.
import { runCli } from './main';

runCli(process.argv.slice(2));
