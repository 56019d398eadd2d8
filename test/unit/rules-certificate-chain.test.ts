// How the certificate rules treat a file in the wrong order: certificate-chain-order reports it,
// and no other rule takes its first (CA) certificate for the server's or removes ssl_stapling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPaths } from '../../server/src/service/checkPaths';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { clearCertificateCache } from '../../server/src/service/certificates';
import { createTestPki, type TestPki } from '../support/pki';

let dir: string;
let pki: TestPki;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-chain-rules-'));
  pki = await createTestPki(dir);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(conf: string): ReturnType<typeof checkPaths>['diagnostics'] {
  clearCertificateCache();
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, conf);
  return checkPaths([file], createNodeHost(), { now: new Date() }).diagnostics;
}

describe('a certificate file in the wrong order', () => {
  test('a reversed Must-Staple chain with stapling on: only certificate-chain-order, and no fix touches ssl_stapling', () => {
    const reversed = path.join(dir, 'must-staple.reversed.crt');
    fs.writeFileSync(reversed, fs.readFileSync(pki.intermediate.crt, 'utf8') + fs.readFileSync(pki.leaves['must-staple'].crt, 'utf8'));
    const diagnostics = check(`events {}
http {
    server {
        listen 443 ssl;
        server_name elsewhere.example;
        ssl_certificate ${reversed};
        ssl_certificate_key ${pki.leaves['must-staple'].key};
        ssl_stapling on;
        resolver 127.0.0.1 valid=300s;
        resolver_timeout 5s;
    }
}
`);
    const certificateCodes = diagnostics.map((d) => d.code).filter((code) => code.startsWith('certificate-') || code.startsWith('must-staple') || code.startsWith('stapling-'));
    assert.deepEqual(certificateCodes, ['certificate-chain-order']);
    const edits = diagnostics.flatMap((d) => d.fixes.flatMap((f) => f.edits));
    assert.ok(!edits.some((e) => /ssl_stapling/.test(e.newText) || e.newText === ''), JSON.stringify(edits));
  });

  test('a leaf-only file and the same certificate with its chain beside it: the fix names the chain file', () => {
    const diagnostics = check(`events {}
http {
    server {
        listen 443 ssl;
        server_name ocsp.test;
        ssl_certificate ${pki.leaves.ocsp.crt};
        ssl_certificate_key ${pki.leaves.ocsp.key};
    }
}
`);
    const found = diagnostics.filter((d) => d.code === 'certificate-chain-incomplete');
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]?.fixes.flatMap((f) => f.edits.map((e) => e.newText)), [pki.leaves.ocsp.chain]);
    assert.match(found[0]?.message ?? '', /unable to get local issuer certificate/);
  });
});
