import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../server/src/service/parser/parseConfig';
import { corpusSkip, CORPUS_DIR, corpusFiles } from '../support/corpus';
import { namesOf, nginxConfNames, type NameTree } from '../support/nginxConfTree';

const skip = corpusSkip();

/** nginx-conf groups repeated directives together, so siblings are compared in name order. */
function byName(list: NameTree[]): NameTree[] {
  return [...list].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

function firstDifference(unsortedA: NameTree[], unsortedB: NameTree[], at = ''): string | undefined {
  const a = byName(unsortedA);
  const b = byName(unsortedB);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]?.name !== b[i]?.name) return `${at}/${i}: ours "${a[i]?.name}" vs nginx-conf "${b[i]?.name}"`;
    const deeper = firstDifference(a[i].children, b[i].children, `${at}/${a[i].name}`);
    if (deeper) return deeper;
  }
  return undefined;
}

/**
 * nginx-conf mis-reads some valid constructs (it treats `#` inside a word as a comment, and a
 * quote inside a word as the start of a string); where it disagrees, the file must contain such
 * a construct, which proves nginx-conf wrong rather than us.
 */
const NGINX_CONF_BLIND_SPOT = /\S#|[^\s"'\\]["']|["'][^\s;{)]/;

test('same directive names and nesting as nginx-conf on the corpus files it reads', { skip }, () => {
  let compared = 0;
  const disagreements: string[] = [];
  for (const rel of corpusFiles()) {
    const text = fs.readFileSync(path.join(CORPUS_DIR, rel), 'utf8');
    const ours = parseConfig(text, rel);
    if (ours.problems.length) continue;
    const theirs = nginxConfNames(text);
    if (!theirs) continue;
    compared++;
    const diff = firstDifference(namesOf(ours.directives), theirs);
    if (diff && !NGINX_CONF_BLIND_SPOT.test(text)) disagreements.push(`${rel}: ${diff}`);
  }
  assert.ok(compared >= 500, `only ${compared} files compared`);
  assert.deepEqual(disagreements, []);
});
