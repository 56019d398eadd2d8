import * as assert from 'node:assert/strict';
import { foundation, openAnalyzed, resetEditors, summarize, workspaceRoot } from './helpers';

describe('includes', () => {
  afterEach(resetEditors);

  it('reports include-not-found on the argument of an include of a missing file', async () => {
    const { diagnostics } = await openAnalyzed('missing-include/nginx.conf');
    const missing = `${workspaceRoot()}/missing-include/conf.d/absent.conf`;
    assert.deepEqual(summarize(foundation(diagnostics)), [{
      code: 'include-not-found',
      range: '5:13-5:31',
      severity: 'Error',
      message: `included file "${missing}" does not exist: nginx fails with open() "${missing}" failed (2: No such file or directory)`,
    }]);
  });
});
