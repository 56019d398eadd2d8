// Probe diagnostics in the editor: kept for files that are not open, marked stale once their line
// is edited, replaced by the next probe.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ProbeDiagnostics, STALE_SUFFIX } from '../../server/src/lsp/probeHandler';

const URI = 'file:///etc/nginx/sites-enabled/shop';
const TEXT = 'server {\n    listen 443 ssl;\n    ssl_certificate /etc/ssl/shop.crt;\n}\n';

function diagnosticOn(line: number, code: string): Diagnostic {
  return { range: { start: { line, character: 4 }, end: { line, character: 20 } }, severity: DiagnosticSeverity.Error, code, source: 'nginx-tls', message: `live probe: ${code}` };
}

function entry(line: number, code: string): { diagnostic: Diagnostic; lineText: string } {
  return { diagnostic: diagnosticOn(line, code), lineText: `${TEXT.split('\n')[line]}\n` };
}

describe('ProbeDiagnostics', () => {
  test('a file that is not open keeps its probe diagnostics as probed', () => {
    const diagnostics = new ProbeDiagnostics();
    assert.deepEqual(diagnostics.replace(new Map([[URI, [entry(2, 'probe-certificate-expired')]]])), [URI]);
    assert.deepEqual(diagnostics.current(URI, undefined).map((d) => d.code), ['probe-certificate-expired']);
  });

  test('an edited line marks its finding "(before your edit)"; untouched lines stay as they were', () => {
    const diagnostics = new ProbeDiagnostics();
    diagnostics.replace(new Map([[URI, [entry(1, 'probe-connect-failed'), entry(2, 'probe-certificate-expired')]]]));
    const doc = TextDocument.create(URI, 'nginx', 2, TEXT.replace('shop.crt', 'shop-2026.crt'));
    const [listen, certificate] = diagnostics.current(URI, doc);
    assert.equal(listen!.message, 'live probe: probe-connect-failed');
    assert.equal(listen!.severity, DiagnosticSeverity.Error);
    assert.equal(certificate!.message, `live probe: probe-certificate-expired${STALE_SUFFIX}`);
    assert.equal(certificate!.severity, DiagnosticSeverity.Hint);
  });

  test('the next probe replaces every file, open or not, and names the files to republish', () => {
    const diagnostics = new ProbeDiagnostics();
    const other = 'file:///etc/nginx/nginx.conf';
    diagnostics.replace(new Map([[URI, [entry(2, 'probe-certificate-expired')]]]));
    assert.deepEqual(diagnostics.replace(new Map([[other, [entry(1, 'probe-protocols-differ')]]])).sort(), [URI, other].sort());
    assert.deepEqual(diagnostics.current(URI, undefined), []);
    assert.equal(diagnostics.current(other, undefined).length, 1);
  });
});
