import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface TestResult {
  title: string;
  state: string;
  durationMs: number | undefined;
  error?: string;
}

/** Writes the run's outcome where runTest.js reads it for its closing line. */
function writeResult(stats: Mocha.Stats | undefined, failures: number, tests: TestResult[]): void {
  const file = process.env.E2E_RESULT_FILE;
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const result = { passes: stats?.passes ?? 0, failures, pending: stats?.pending ?? 0, tests };
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

/** The @vscode/test-electron entry point: runs every *.test.js beside this file; rejects when a test fails. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 60000, slow: 5000 });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  const tests: TestResult[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      writeResult(runner.stats, failures, tests);
      if (failures > 0) reject(new Error(`${failures} e2e tests failed`));
      else resolve();
    });
    runner.on('test end', (t) => {
      tests.push({ title: t.fullTitle(), state: t.state ?? 'pending', durationMs: t.duration, ...(t.err ? { error: t.err.message } : {}) });
    });
  });
}
