import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTree } from '../../server/src/service/analyzeTree';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { loadConfig } from '../../server/src/service/model/loadConfig';

/** Findings of one rule on a config whose certificates do not exist (as when editing away from the server). */
function findings(conf: string, code: string): { line: number; severity: string; fixes: number }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-unknown-'));
  try {
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, conf);
    const tree = loadConfig(file, { host: createNodeHost() });
    return analyzeTree(tree, {}).filter((d) => d.code === code).map((d) => ({
      line: conf.slice(0, d.start).split('\n').length,
      severity: d.severity,
      fixes: d.fixes.length,
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const site = (body: string): string => `events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name a.example;\n    ssl_certificate /nonexistent/fullchain.pem;\n    ssl_certificate_key /nonexistent/privkey.pem;\n${body}  }\n}\n`;

test('stapling-missing: information, without a fix, when the certificate could not be read', () => {
  assert.deepEqual(findings(site(''), 'stapling-missing'), [{ line: 6, severity: 'information', fixes: 0 }]);
  assert.deepEqual(findings(site('    ssl_stapling on;\n'), 'stapling-missing'), []);
});

test('stapling-verify-without-trust: information when the chain cannot be known, silent with ssl_trusted_certificate', () => {
  assert.deepEqual(findings(site('    ssl_stapling on;\n    ssl_stapling_verify on;\n'), 'stapling-verify-without-trust'), [{ line: 9, severity: 'information', fixes: 0 }]);
  assert.deepEqual(findings(site('    ssl_stapling on;\n    ssl_stapling_verify on;\n    ssl_trusted_certificate /nonexistent/chain.pem;\n'), 'stapling-verify-without-trust'), []);
});
