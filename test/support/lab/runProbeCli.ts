// Runs `nginx-tls probe ARGS` in a child process for CLI tests (main.ts dispatch aside).
import { runProbeCommand } from '../../../server/src/cli/probeCommand';

void runProbeCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
