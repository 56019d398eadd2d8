import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTree } from '../../server/src/service/analyzeTree';
import { LineIndex } from '../../server/src/service/lineIndex';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { findNginx, nginxTest } from '../support/nginxBinary';

/** The cases the fixture cannot hold (no fix, so nginx -t keeps failing): ours against a real nginx -t. */
const CASES: Record<string, { conf: string; line: number; nginxSays: string }> = {
  'a server without a certificate where the default server rejects handshakes': {
    conf: 'events {}\nhttp {\n  server {\n    listen 8443 ssl default_server;\n    ssl_reject_handshake on;\n  }\n  server {\n    listen 8443 ssl;\n    server_name a.test;\n  }\n}\n',
    line: 7,
    nginxSays: 'no "ssl_certificate" is defined for the "listen ... ssl" directive',
  },
  'a certificate without its key': {
    conf: 'events {}\nhttp {\n  server {\n    listen 8443 ssl;\n    ssl_certificate /nonexistent/a.pem;\n  }\n}\n',
    line: 5,
    nginxSays: 'no "ssl_certificate_key" is defined for certificate',
  },
};

const nginx = findNginx();

test('certificate-missing matches what nginx -t refuses', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-certmissing-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, c] of Object.entries(CASES)) {
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, c.conf);
    const found = analyzeTree(loadConfig(file, { host: createNodeHost() }), {}).filter((d) => d.code === 'certificate-missing');
    assert.deepEqual(found.map((d) => new LineIndex(c.conf).positionAt(d.start).line + 1), [c.line], name);
    assert.ok(found[0].message.includes(c.nginxSays), `${name}: ${found[0].message}`);
    if (!nginx) {
      t.diagnostic(`nginx is not installed: "${name}" is compared with our expectation only`);
      continue;
    }
    const verdict = nginxTest(nginx, dir, file);
    assert.equal(verdict.ok, false, `${name}: nginx accepted it`);
    assert.ok(verdict.output.includes(c.nginxSays), `${name}: nginx said ${verdict.output}`);
    if (verdict.line !== undefined && verdict.file === file) assert.equal(verdict.line, c.line, name);
  }
});
