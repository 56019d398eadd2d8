// How many findings each TLS rule makes over the shared corpus of real configs, to review them.
// Run: node --import tsx bench/rules-corpus.ts [--list] [--rule ID]
//   --list      also print every finding (file:line:col severity code message)
//   --rule ID   only list the findings of one rule
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkPaths } from '../server/src/service/checkPaths';
import { createNodeHost } from '../server/src/service/model/configHost';
import { LineIndex } from '../server/src/service/lineIndex';
import { RULES } from '../server/src/service/rules';

const CORPUS = path.resolve(__dirname, '../../shared/corpus');

function main(): void {
  if (!fs.existsSync(CORPUS)) {
    process.stderr.write(`corpus not found at ${CORPUS}\n`);
    process.exitCode = 2;
    return;
  }
  const args = process.argv.slice(2);
  const only = args.includes('--rule') ? args[args.indexOf('--rule') + 1] : undefined;
  const list = args.includes('--list') || only !== undefined;
  const started = performance.now();
  const result = checkPaths([CORPUS], createNodeHost(), {});
  const elapsed = performance.now() - started;
  const ruleIds = new Set(RULES.map((r) => r.id));
  const findings = result.diagnostics.filter((d) => ruleIds.has(d.code));
  const texts = new Map<string, LineIndex>();
  const lineOf = (file: string, offset: number): string => {
    let index = texts.get(file);
    if (!index) {
      index = new LineIndex(result.trees.map((t) => t.files.get(file)?.text).find((t) => t !== undefined) ?? '');
      texts.set(file, index);
    }
    const p = index.positionAt(offset);
    return `${p.line + 1}:${p.character + 1}`;
  };
  const width = Math.max(...RULES.map((r) => r.id.length));
  process.stdout.write(`${result.trees.length} trees, ${new Set(result.trees.flatMap((t) => [...t.files.keys()])).size} files, ${elapsed.toFixed(0)} ms\n\n`);
  process.stdout.write(`${'rule'.padEnd(width)}  findings  files\n`);
  for (const rule of RULES) {
    const mine = findings.filter((d) => d.code === rule.id);
    process.stdout.write(`${rule.id.padEnd(width)}  ${String(mine.length).padStart(8)}  ${String(new Set(mine.map((d) => d.file)).size).padStart(5)}\n`);
  }
  process.stdout.write(`${'total'.padEnd(width)}  ${String(findings.length).padStart(8)}\n`);
  if (!list) return;
  process.stdout.write('\n');
  for (const d of findings) {
    if (only && d.code !== only) continue;
    process.stdout.write(`${path.relative(CORPUS, d.file)}:${lineOf(d.file, d.start)}: ${d.severity} ${d.code} ${d.message}\n`);
  }
}

main();
