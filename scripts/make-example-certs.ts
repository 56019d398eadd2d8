// Writes the certificates the examples/ tree refers to (examples/certs/, git-ignored): a small
// private CA and leaves with and without OCSP Must-Staple and OCSP URLs, as real CAs issue them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestPki } from '../test/support/pki';

const dir = path.resolve(__dirname, '../examples/certs');

async function main(): Promise<void> {
  if (fs.existsSync(path.join(dir, 'must-staple.chain.crt'))) return;
  fs.mkdirSync(dir, { recursive: true });
  await createTestPki(dir, {
    ocspUrl: 'http://ocsp.example-ca.test/',
    dnsNames: {
      'must-staple': ['shop.example.com', 'www.shop.example.com'],
      ocsp: ['blog.example.com'],
      'no-ocsp': ['example.com', 'www.example.com'],
    },
  });
}

void main();
