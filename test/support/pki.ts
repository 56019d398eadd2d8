// Test-only PKI: root CA -> intermediate CA -> leaves + delegated OCSP signer, written as PEM
// files nginx and `openssl ocsp` can use directly.
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** The leaf certificates every test PKI contains. */
export const LEAF_NAMES = ['must-staple', 'ocsp', 'no-ocsp', 'revoked', 'expired', 'expiring'] as const;

/** Name of one generated leaf certificate. */
export type LeafName = (typeof LEAF_NAMES)[number];

/** Options for createTestPki. */
export interface TestPkiOptions {
  /** OCSP responder URL put into the AIA of the leaves that have one (default http://127.0.0.1:8888/). */
  ocspUrl?: string;
  /** DNS SANs per leaf (default `NAME.test`, `www.NAME.test`); the first one is also the CN. */
  dnsNames?: Partial<Record<LeafName, string[]>>;
  /** IP address SANs per leaf (none by default). */
  ipAddresses?: Partial<Record<LeafName, string[]>>;
  /** Leaves issued without a subjectAltName extension: only the CN names a host. */
  withoutSan?: LeafName[];
  /** Validity per leaf, instead of the leaf's usual one (e.g. not yet valid, or issued earlier). */
  validity?: Partial<Record<LeafName, { notBefore: Date; notAfter: Date }>>;
}

/** A generated CA-side certificate and its files. */
export interface TestCaCert {
  subject: string;
  /** Lowercase hex, as CertificateInfo.serialNumber reports it. */
  serial: string;
  crt: string;
  key: string;
}

/** A generated leaf certificate and its files. */
export interface TestLeaf {
  name: LeafName;
  subject: string;
  dnsNames: string[];
  /** Lowercase hex, as CertificateInfo.serialNumber reports it (index.txt holds it upper-case). */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  mustStaple: boolean;
  ocspUrl?: string;
  revoked: boolean;
  /** Leaf only. */
  crt: string;
  /** Leaf + intermediate: what `ssl_certificate` usually points at. */
  chain: string;
  /** PKCS#8 PEM private key (for nginx in tests only). */
  key: string;
}

/** Everything createTestPki wrote, by role. */
export interface TestPki {
  dir: string;
  ocspUrl: string;
  root: Omit<TestCaCert, 'key'>;
  intermediate: TestCaCert;
  ocspSigner: TestCaCert;
  /** intermediate + root, for `ssl_trusted_certificate` and `openssl ocsp -CAfile`. */
  caChain: string;
  /** OpenSSL CA database for `openssl ocsp -index`. */
  index: string;
  leaves: Record<LeafName, TestLeaf>;
}

const DEFAULT_OCSP_URL = 'http://127.0.0.1:8888/';
const TLS_FEATURE_OID = '1.3.6.1.5.5.7.1.24';
// RFC 7633: TLSFeature ::= SEQUENCE OF INTEGER; status_request(5) = OCSP Must-Staple.
const TLS_FEATURE_STATUS_REQUEST = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);
// RFC 6960 §4.2.2.2.1 id-pkix-ocsp-nocheck (value NULL): clients need not check the signer's status.
const OCSP_NOCHECK_OID = '1.3.6.1.5.5.7.48.1.5';
const DER_NULL = new Uint8Array([0x05, 0x00]);
const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

interface EcKeyGenParams {
  name: 'ECDSA';
  namedCurve: 'P-256';
}
interface EcdsaParams {
  name: 'ECDSA';
  hash: 'SHA-256';
}
type KeyPair = webcrypto.CryptoKeyPair;
// @peculiar/x509 types keys with the DOM's CryptoKey; Node's webcrypto keys are the same objects.
type PeculiarKey = x509.X509CertificateCreateWithKeyParams['signingKey'];
type PeculiarKeyPair = x509.X509CertificateCreateSelfSignedParams['keys'];

interface Issuer {
  cert: x509.X509Certificate;
  keys: KeyPair;
}

interface LeafPlan {
  ocsp: boolean;
  mustStaple: boolean;
  revoked: boolean;
  notBefore: Date;
  notAfter: Date;
}

/** Generates the test PKI into `dir` (which must exist) and returns every path, name and serial. */
export async function createTestPki(dir: string, opts: TestPkiOptions = {}): Promise<TestPki> {
  const ocspUrl = opts.ocspUrl ?? DEFAULT_OCSP_URL;
  const now = wholeSeconds(new Date());
  const file = (name: string): string => path.join(dir, name);

  const rootKeys = await generateKeys();
  const rootSubject = 'CN=nginx-tls Test Root CA, O=nginx-tls tests';
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: rootSubject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
    keys: rootKeys as unknown as PeculiarKeyPair,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey as unknown as PeculiarKey),
    ],
  });
  const root: Issuer = { cert: rootCert, keys: rootKeys };

  const intermediateSubject = 'CN=nginx-tls Test Intermediate CA, O=nginx-tls tests';
  const intermediate = await issue(root, intermediateSubject, {
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 1825 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
    ],
  });

  const ocspSignerSubject = 'CN=nginx-tls Test OCSP Signer, O=nginx-tls tests';
  const ocspSigner = await issue(intermediate, ocspSignerSubject, {
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.ocspSigning]),
      new x509.Extension(OCSP_NOCHECK_OID, false, DER_NULL),
    ],
  });

  const intermediatePem = pem(intermediate.cert);
  const rootPem = pem(root.cert);
  fs.writeFileSync(file('root.crt'), rootPem);
  fs.writeFileSync(file('intermediate.crt'), intermediatePem);
  fs.writeFileSync(file('intermediate.key'), await privateKeyPem(intermediate.keys), { mode: 0o600 });
  fs.writeFileSync(file('ca-chain.crt'), intermediatePem + rootPem);
  fs.writeFileSync(file('ocsp-signer.crt'), pem(ocspSigner.cert));
  fs.writeFileSync(file('ocsp-signer.key'), await privateKeyPem(ocspSigner.keys), { mode: 0o600 });

  const plans = leafPlans(now);
  const leafEntries = await Promise.all(
    LEAF_NAMES.map(async (name): Promise<[LeafName, TestLeaf]> => {
      const plan = { ...plans[name], ...opts.validity?.[name] };
      const sans = [
        ...dnsNamesFor(name, opts).map((value) => ({ type: 'dns' as const, value })),
        ...(opts.ipAddresses?.[name] ?? []).map((value) => ({ type: 'ip' as const, value })),
      ];
      const dnsNames = dnsNamesFor(name, opts);
      const subject = `CN=${dnsNames[0] ?? name}`;
      const issued = await issue(intermediate, subject, {
        notBefore: plan.notBefore,
        notAfter: plan.notAfter,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          ...(opts.withoutSan?.includes(name) ? [] : [new x509.SubjectAlternativeNameExtension(sans)]),
          ...(plan.ocsp ? [new x509.AuthorityInfoAccessExtension({ ocsp: ocspUrl })] : []),
          ...(plan.mustStaple ? [new x509.Extension(TLS_FEATURE_OID, false, TLS_FEATURE_STATUS_REQUEST)] : []),
        ],
      });
      const leafPem = pem(issued.cert);
      const leaf: TestLeaf = {
        name,
        subject,
        dnsNames,
        serial: issued.cert.serialNumber.toLowerCase(),
        notBefore: plan.notBefore,
        notAfter: plan.notAfter,
        mustStaple: plan.mustStaple,
        ...(plan.ocsp ? { ocspUrl } : {}),
        revoked: plan.revoked,
        crt: file(`${name}.crt`),
        chain: file(`${name}.chain.crt`),
        key: file(`${name}.key`),
      };
      fs.writeFileSync(leaf.crt, leafPem);
      fs.writeFileSync(leaf.chain, leafPem + intermediatePem);
      fs.writeFileSync(leaf.key, await privateKeyPem(issued.keys), { mode: 0o600 });
      return [name, leaf];
    }),
  );
  const leaves = Object.fromEntries(leafEntries) as Record<LeafName, TestLeaf>;

  const revokedAt = new Date(now.getTime() - 60 * 60 * 1000);
  const indexLines = LEAF_NAMES.map((name) => indexLine(leaves[name], revokedAt));
  fs.writeFileSync(file('index.txt'), indexLines.join(''));

  return {
    dir,
    ocspUrl,
    root: { subject: rootSubject, serial: root.cert.serialNumber.toLowerCase(), crt: file('root.crt') },
    intermediate: {
      subject: intermediateSubject,
      serial: intermediate.cert.serialNumber.toLowerCase(),
      crt: file('intermediate.crt'),
      key: file('intermediate.key'),
    },
    ocspSigner: {
      subject: ocspSignerSubject,
      serial: ocspSigner.cert.serialNumber.toLowerCase(),
      crt: file('ocsp-signer.crt'),
      key: file('ocsp-signer.key'),
    },
    caChain: file('ca-chain.crt'),
    index: file('index.txt'),
    leaves,
  };
}

function dnsNamesFor(name: LeafName, opts: TestPkiOptions): string[] {
  return opts.dnsNames?.[name] ?? [`${name}.test`, `www.${name}.test`];
}

function leafPlans(now: Date): Record<LeafName, LeafPlan> {
  const at = (days: number): Date => new Date(now.getTime() + days * DAY_MS);
  // Issued an hour ago so small clock differences never make a fresh leaf "not yet valid".
  const issued = new Date(now.getTime() - 60 * 60 * 1000);
  const current = { notBefore: issued, notAfter: at(90), revoked: false };
  return {
    'must-staple': { ...current, ocsp: true, mustStaple: true },
    ocsp: { ...current, ocsp: true, mustStaple: false },
    'no-ocsp': { ...current, ocsp: false, mustStaple: false },
    revoked: { ...current, ocsp: true, mustStaple: false, revoked: true },
    expired: { notBefore: at(-100), notAfter: at(-10), ocsp: true, mustStaple: false, revoked: false },
    expiring: { notBefore: at(-80), notAfter: at(10), ocsp: true, mustStaple: false, revoked: false },
  };
}

async function issue(
  issuer: Issuer,
  subject: string,
  params: { notBefore: Date; notAfter: Date; extensions: x509.Extension[] },
): Promise<Issuer> {
  const keys = await generateKeys();
  const publicKey = keys.publicKey as unknown as PeculiarKey;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: issuer.cert.subject,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    publicKey,
    signingKey: issuer.keys.privateKey as unknown as PeculiarKey,
    signingAlgorithm: SIGNING,
    extensions: [
      ...params.extensions,
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert),
    ],
  });
  return { cert, keys };
}

async function generateKeys(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as KeyPair;
}

// 16 random bytes, first byte 0x01..0x7f: positive without a sign byte and without a leading zero,
// so the hex equals OpenSSL's BN_bn2hex() that `openssl ocsp` looks up in index.txt.
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return bytes.toString('hex');
}

function indexLine(leaf: TestLeaf, revokedAt: Date): string {
  const serial = leaf.serial.toUpperCase();
  const subject = `/${leaf.subject.replace(/, /g, '/')}`;
  const revocation = leaf.revoked ? opensslTime(revokedAt) : '';
  return `${leaf.revoked ? 'R' : 'V'}\t${opensslTime(leaf.notAfter)}\t${revocation}\t${serial}\tunknown\t${subject}\n`;
}

// YYMMDDHHMMSSZ (ASN.1 UTCTime), the format of OpenSSL's CA database.
function opensslTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function pem(cert: x509.X509Certificate): string {
  return cert.toString('pem') + '\n';
}

async function privateKeyPem(keys: KeyPair): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n';
}
