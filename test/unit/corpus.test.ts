import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../server/src/service/parser/parseConfig';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { analyzeTree } from '../../server/src/service/analyzeTree';
import { checkPaths } from '../../server/src/service/checkPaths';
import { LineIndex } from '../../server/src/service/lineIndex';
import { corpusSkip, CORPUS_DIR, corpusFiles, nginxResults } from '../support/corpus';
import { fixTwice } from '../support/convergence';

const skip = corpusSkip();

test('every corpus file parses without throwing', { skip }, () => {
  const files = corpusFiles();
  assert.ok(files.length >= 700, `expected the 775-file corpus, found ${files.length}`);
  for (const rel of files) {
    const text = fs.readFileSync(path.join(CORPUS_DIR, rel)).toString('utf8');
    const parsed = parseConfig(text, rel);
    assert.ok(Array.isArray(parsed.directives));
  }
});

test('the whole corpus directory checks without throwing', { skip }, () => {
  const result = checkPaths([CORPUS_DIR], createNodeHost(), {});
  assert.ok(result.trees.length > 100);
});

test('files nginx -t accepts have no syntax error', { skip }, () => {
  const ok = [...nginxResults()].filter(([, r]) => r.cls === 'OK').map(([p]) => p);
  assert.ok(ok.length >= 40);
  for (const rel of ok) {
    const tree = loadConfig(path.join(CORPUS_DIR, rel), { host: createNodeHost() });
    const errors = analyzeTree(tree, {}).filter((d) => d.code === 'syntax-error');
    assert.deepEqual(errors.map((e) => `${e.file}: ${e.message}`), [], rel);
  }
});

/**
 * The corpus's deliberately broken files and the line of nginx -t's first error, measured with
 * nginx 1.22.1 on copies whose load_module/f5_metrics/include lines were commented out (so that
 * the syntax error, not a missing module, is what nginx reports first).
 */
const BROKEN: [string, number, string][] = [
  ['nginxinc__nginx-go-crossplane/testdata/configs/braces/extra-brace.conf', 11, 'unexpected "}"'],
  ['nginxinc__nginx-go-crossplane/testdata/configs/braces/missing-brace.conf', 23, 'unexpected end of file, expecting "}"'],
  ['nginxinc__nginx-go-crossplane/testdata/configs/missing-semicolon/broken-above.conf', 5, 'unexpected "}"'],
  ['nginxinc__nginx-go-crossplane/testdata/configs/missing-semicolon/broken-below.conf', 8, 'unexpected "}"'],
  ['nginxinc__crossplane/tests/configs/missing-semicolon/broken-above.conf', 5, 'unexpected "}"'],
  ['nginxinc__crossplane/tests/configs/missing-semicolon/broken-below.conf', 8, 'unexpected "}"'],
  ['nginxinc__nginx-go-crossplane/testdata/configs/missing-semicolon-above/nginx.conf', 5, 'unexpected "}"'],
  ['nginxinc__nginx-go-crossplane/testdata/configs/missing-semicolon-below/nginx.conf', 8, 'unexpected "}"'],
  ['nginxinc__nginx-go-crossplane/testdata/configs/premature-eof/nginx.conf', 3, 'unexpected end of file, expecting ";" or "}"'],
  ['certbot__certbot/certbot/src/certbot/_internal/tests/plugins/nginx/testdata/etc_nginx/broken.conf', 13, 'unexpected end of file, expecting ";" or "}"'],
  ['nginxinc__nginx-go-crossplane/testdata/configs/invalid-map/nginx.conf', 7, 'unexpected "{"'],
];

test('deliberately broken corpus files report the error on the line nginx -t reports', { skip }, () => {
  for (const [rel, line, message] of BROKEN) {
    const file = path.join(CORPUS_DIR, rel);
    const text = fs.readFileSync(file, 'utf8');
    const tree = loadConfig(file, { host: createNodeHost() });
    const errors = analyzeTree(tree, {}).filter((d) => d.code === 'syntax-error' && d.file === file);
    assert.ok(errors.length > 0, `${rel}: no syntax error`);
    const first = errors.sort((a, b) => a.start - b.start)[0];
    assert.equal(new LineIndex(text).positionAt(first.start).line + 1, line, `${rel}: ${first.message}`);
    assert.ok(first.message.startsWith(message), `${rel}: "${first.message}" should start with "${message}"`);
  }
});

test('"fix all" converges and adds no finding on every corpus file', { skip }, () => {
  const problems: string[] = [];
  let fixedFiles = 0;
  for (const rel of corpusFiles()) {
    const result = fixTwice(path.join(CORPUS_DIR, rel));
    if (result.changed.length) fixedFiles++;
    if (result.changedAgain.length) problems.push(`${rel}: a second "fix all" changes ${result.changedAgain.join(', ')}`);
    if (result.added.length) problems.push(`${rel}: the fixes add ${result.added.join('; ')}`);
    if (result.unsettled) problems.push(`${rel}: ${result.unsettled}`);
  }
  assert.deepEqual(problems, []);
  assert.ok(fixedFiles > 0, 'no corpus file had anything to fix: the property was not exercised');
});
