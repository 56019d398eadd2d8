import * as assert from 'node:assert/strict';
import { foundation, openAnalyzed, resetEditors, summarize, type DiagnosticSummary } from './helpers';

/** A broken fixture and the exact diagnostics nginx-tls must publish for it. */
interface SyntaxCase {
  name: string;
  file: string;
  expected: DiagnosticSummary[];
}

/** A syntax error as summarize() reports it. */
function syntaxError(range: string, message: string): DiagnosticSummary {
  return { code: 'syntax-error', range, severity: 'Error', message };
}

const CASES: SyntaxCase[] = [
  {
    name: 'reports a missing ";" at the "}" that follows, like nginx',
    file: 'broken/nginx/missing-semicolon.conf',
    expected: [syntaxError('5:1-5:2', 'unexpected "}": expected ";" after "ssl_protocols TLSv1.2 TLSv1.3"')],
  },
  {
    name: 'reports an extra "}"',
    file: 'broken/nginx/extra-brace.conf',
    expected: [syntaxError('8:1-8:2', 'unexpected "}"')],
  },
  {
    name: 'recovers and reports several errors at once',
    file: 'broken/nginx/several-errors.conf',
    expected: [
      syntaxError('2:15-2:16', 'unexpected ";"'),
      syntaxError('7:5-7:6', 'unexpected "}": expected ";" after "root /var/www/html"'),
      syntaxError('13:1-13:2', 'unexpected "}"'),
      syntaxError('17:16-17:30', 'unterminated string: the double quote opened here is never closed'),
    ],
  },
];

describe('syntax errors', () => {
  afterEach(resetEditors);

  for (const c of CASES) {
    it(c.name, async () => {
      const { doc, diagnostics } = await openAnalyzed(c.file);
      assert.equal(doc.languageId, 'nginx');
      assert.deepEqual(summarize(foundation(diagnostics)), c.expected);
    });
  }
});
