import * as assert from 'node:assert/strict';
import {
  codeOf, deleteAt, diskText, foundation, insertAt, lastOffsetOf, openAnalyzed, resetEditors, summarize, waitForDiagnostics, workspaceRoot,
} from './helpers';

describe('editing', () => {
  afterEach(resetEditors);

  it('clears the syntax error once the missing ";" is inserted', async () => {
    const { doc, diagnostics } = await openAnalyzed('broken/nginx/missing-semicolon.conf');
    assert.deepEqual(foundation(diagnostics).map(codeOf), ['syntax-error']);
    await insertAt(doc, lastOffsetOf(doc, 'TLSv1.3') + 'TLSv1.3'.length, ';');
    assert.deepEqual(summarize(foundation(await waitForDiagnostics(doc.uri, (d) => foundation(d).length === 0))), []);
    assert.equal(doc.isDirty, true);
  });

  it('analyses the unsaved contents of an included file, not the disk', async () => {
    const { doc, diagnostics } = await openAnalyzed('etc/nginx/sites-enabled/example.conf');
    assert.deepEqual(summarize(foundation(diagnostics)), []);
    const onDisk = diskText(doc.uri);
    await deleteAt(doc, lastOffsetOf(doc, '=404;') + '=404'.length, 1);
    await insertAt(doc, lastOffsetOf(doc, '    include snippets/ssl-example.conf;'), '    include snippets/absent.conf;\n');
    const absent = `${workspaceRoot()}/etc/nginx/snippets/absent.conf`;
    const expected = [
      {
        code: 'include-not-found',
        range: '12:13-12:33',
        severity: 'Error',
        message: `included file "${absent}" does not exist: nginx fails with open() "${absent}" failed (2: No such file or directory)`,
      },
      { code: 'syntax-error', range: '20:5-20:6', severity: 'Error', message: 'unexpected "}": expected ";" after "try_files $uri $uri/ =404"' },
    ];
    const seen = foundation(await waitForDiagnostics(doc.uri, (d) => foundation(d).length === expected.length));
    assert.deepEqual(summarize(seen), expected);
    assert.equal(doc.isDirty, true);
    assert.equal(diskText(doc.uri), onDisk);
  });
});
