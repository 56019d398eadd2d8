// The standard @vscode/test-electron entry point. Offline it launches scripts/code-server-as-vscode.mjs (code-server
// in headless chromium) in place of desktop VS Code; with VSCODE_DESKTOP=1 runTests downloads and runs desktop VS Code.
// The workspace is a fresh copy of test/e2e/fixtures/workspace, so tests may edit and create files freely.
// Exit code: the extension host's test exit code.
const fs = require('node:fs');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'out', 'e2e');
const resultFile = path.join(outDir, 'result.json');

/** A temp directory inside the git-ignored .vscode-test/, holding this run's workspace and profile. */
function makeRunDir() {
  const base = path.join(root, '.vscode-test', 'tmp');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, 'e2e-run-'));
}

/** The closing line CI log readers grep for. */
function summary(code) {
  if (!fs.existsSync(resultFile)) return `e2e: no result (the test run exited with ${code} before the suite finished)`;
  const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  return `e2e: ${r.passes} passed, ${r.failures} failed${r.pending ? `, ${r.pending} skipped` : ''}`;
}

(async () => {
  const started = Date.now();
  const runDir = makeRunDir();
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(path.join(__dirname, 'fixtures', 'workspace'), workspace, { recursive: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const stale of [resultFile, path.join(outDir, 'latency.json')]) fs.rmSync(stale, { force: true });
  const desktop = process.env.VSCODE_DESKTOP === '1';
  let code;
  try {
    code = await runTests({
      ...(desktop ? {} : { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || path.join(root, 'scripts', 'code-server-as-vscode.mjs') }),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(outDir, 'suite', 'index.js'),
      launchArgs: [
        workspace,
        `--user-data-dir=${path.join(runDir, 'user-data')}`,
        `--extensions-dir=${path.join(runDir, 'extensions')}`,
        '--disable-extensions',
      ],
      extensionTestsEnv: { E2E_OUT_DIR: outDir, E2E_RESULT_FILE: resultFile, E2E_REPO_ROOT: root },
    });
  } catch (err) {
    code = typeof err?.code === 'number' ? err.code : 1;
    if (typeof err?.code !== 'number') console.error('Failed to run tests:', err?.message ?? err);
  }
  if (code === 0) fs.rmSync(runDir, { recursive: true, force: true });
  else console.log(`workspace and profile kept in ${runDir}`);
  console.log(`${summary(code)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(code);
})();
