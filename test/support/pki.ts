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

/**
 * Leaves whose OCSP URL nginx cannot use (it speaks plain http:// only): `https://` instead of
 * `http://`, or no scheme at all; kept apart from LEAF_NAMES, whose URLs all work.
 */
export const VARIANT_LEAF_NAMES = ['https-ocsp', 'no-scheme-ocsp', 'must-staple-https'] as const;

/** Name of one generated variant leaf. */
export type VariantLeafName = (typeof VARIANT_LEAF_NAMES)[number];

/** Options for createTestPki. */
export interface TestPkiOptions {
  /** OCSP responder URL put into the AIA of the leaves that have one (default http://127.0.0.1:8888/). */
  ocspUrl?: string;
  /** DNS SANs per leaf (default `NAME.test`, `www.NAME.test`); the first one is also the CN. */
  dnsNames?: Partial<Record<LeafName | VariantLeafName, string[]>>;
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
  name: LeafName | VariantLeafName;
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
  /** Certificates for the name and chain rules (see writeOddCertificates). */
  odd: OddCertificates;
  /** Leaves with an OCSP URL nginx cannot use (see VARIANT_LEAF_NAMES). */
  variants: Record<VariantLeafName, TestLeaf>;
}

/** A certificate and its key, with the chain file when it has an intermediate. */
export interface TestCertFiles {
  crt: string;
  key: string;
  /** Leaf + intermediate (absent for certificates that need no intermediate). */
  chain?: string;
}

/**
 * Certificates that are unusual in one way each, all without OCSP URLs: a subject CN without any
 * subjectAltName, IP address SANs, an IP written as a DNS SAN, a leaf issued directly by the root,
 * a self-signed leaf with CA:TRUE (what `openssl req -x509` makes), and chain files in the wrong
 * order or with a cross-signed root.
 */
export interface OddCertificates {
  /** CN=cn-only.test, no subjectAltName; issued by the intermediate. */
  cnOnly: Required<TestCertFiles>;
  /** IP SANs 127.0.0.1 and ::1, CN=127.0.0.1; issued by the intermediate. */
  ipSan: Required<TestCertFiles>;
  /** DNS SAN "127.0.0.2" (an IP written as a DNS name), CN=127.0.0.2; issued by the intermediate. */
  ipAsDns: Required<TestCertFiles>;
  /** direct.test, issued by the root itself (no intermediate). */
  direct: TestCertFiles;
  /** self-signed.test, self-signed with basicConstraints CA:TRUE. */
  selfSigned: TestCertFiles;
  /** The ocsp leaf written after its intermediate (the chain in reverse order). */
  ocspReversed: string;
  /** The root, then the ocsp leaf, then the intermediate. */
  ocspRootFirst: string;
  /** The ocsp leaf, the intermediate, and the root cross-signed by a second ("legacy") root. */
  ocspCrossChain: string;
  /** The root cross-signed by the legacy root (same subject and key as the root). */
  crossRoot: string;
  /** The ocsp leaf, the intermediate, and an expired cross-signature of the root (Let's Encrypt's DST Root CA X3 case). */
  ocspExpiredCrossChain: string;
  /** future.test, valid from 30 days ahead; issued by the intermediate. */
  future: Required<TestCertFiles>;
  /** Leaves issued by other intermediates, each chain file holding its own: one that expired 10 days ago, one valid from 30 days ahead, one that expires in 10 days. */
  underExpired: Required<TestCertFiles>;
  underFuture: Required<TestCertFiles>;
  underExpiring: Required<TestCertFiles>;
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
  /** The OCSP URL in the AIA: none, the PKI's, or the PKI's written as https:// or without a scheme. */
  ocsp: false | 'http' | 'https' | 'bare';
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
  const urlOf = (kind: LeafPlan['ocsp']): string | undefined =>
    kind === 'http' ? ocspUrl : kind === 'https' ? ocspUrl.replace(/^http:/, 'https:') : kind === 'bare' ? ocspUrl.replace(/^http:\/\//, '') : undefined;
  const leafEntries = await Promise.all(
    [...LEAF_NAMES, ...VARIANT_LEAF_NAMES].map(async (name): Promise<[LeafName | VariantLeafName, TestLeaf]> => {
      const plan = { ...plans[name], ...(isLeafName(name) ? opts.validity?.[name] : undefined) };
      const leafOcspUrl = urlOf(plan.ocsp);
      const sans = [
        ...dnsNamesFor(name, opts).map((value) => ({ type: 'dns' as const, value })),
        ...((isLeafName(name) ? opts.ipAddresses?.[name] : undefined) ?? []).map((value) => ({ type: 'ip' as const, value })),
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
          ...(isLeafName(name) && opts.withoutSan?.includes(name) ? [] : [new x509.SubjectAlternativeNameExtension(sans)]),
          ...(leafOcspUrl ? [new x509.AuthorityInfoAccessExtension({ ocsp: leafOcspUrl })] : []),
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
        ...(leafOcspUrl ? { ocspUrl: leafOcspUrl } : {}),
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
  const all = Object.fromEntries(leafEntries) as Record<LeafName | VariantLeafName, TestLeaf>;
  const leaves = Object.fromEntries(LEAF_NAMES.map((name) => [name, all[name]])) as Record<LeafName, TestLeaf>;
  const variants = Object.fromEntries(VARIANT_LEAF_NAMES.map((name) => [name, all[name]])) as Record<VariantLeafName, TestLeaf>;

  const odd = await writeOddCertificates(file, now, root, intermediate, leaves.ocsp);

  const revokedAt = new Date(now.getTime() - 60 * 60 * 1000);
  const indexLines = [...LEAF_NAMES, ...VARIANT_LEAF_NAMES].map((name) => indexLine(all[name], revokedAt));
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
    odd,
    variants,
  };
}

async function writeOddCertificates(file: (name: string) => string, now: Date, root: Issuer, intermediate: Issuer, ocsp: TestLeaf): Promise<OddCertificates> {
  const validity = { notBefore: new Date(now.getTime() - 60 * 60 * 1000), notAfter: new Date(now.getTime() + 90 * DAY_MS) };
  const leafExtensions = (names: x509.JsonGeneralNames | undefined): x509.Extension[] => [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ...(names ? [new x509.SubjectAlternativeNameExtension(names)] : []),
  ];
  const intermediatePem = pem(intermediate.cert);
  const write = async (name: string, issued: Issuer, withChain: boolean): Promise<TestCertFiles> => {
    const files: TestCertFiles = { crt: file(`${name}.crt`), key: file(`${name}.key`) };
    fs.writeFileSync(files.crt, pem(issued.cert));
    fs.writeFileSync(files.key, await privateKeyPem(issued.keys), { mode: 0o600 });
    if (withChain) {
      files.chain = file(`${name}.chain.crt`);
      fs.writeFileSync(files.chain, pem(issued.cert) + intermediatePem);
    }
    return files;
  };
  const fromIntermediate = async (name: string, subject: string, names: x509.JsonGeneralNames | undefined): Promise<Required<TestCertFiles>> =>
    (await write(name, await issue(intermediate, subject, { ...validity, extensions: leafExtensions(names) }), true)) as Required<TestCertFiles>;

  const cnOnly = await fromIntermediate('cn-only', 'CN=cn-only.test', undefined);
  const ipSan = await fromIntermediate('ip-san', 'CN=127.0.0.1', [{ type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }]);
  const ipAsDns = await fromIntermediate('ip-as-dns', 'CN=127.0.0.2', [{ type: 'dns', value: '127.0.0.2' }]);
  const direct = await write('direct', await issue(root, 'CN=direct.test', { ...validity, extensions: leafExtensions([{ type: 'dns', value: 'direct.test' }]) }), false);

  const selfKeys = await generateKeys();
  const selfCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=self-signed.test',
    ...validity,
    keys: selfKeys as unknown as PeculiarKeyPair,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'self-signed.test' }]),
      await x509.SubjectKeyIdentifierExtension.create(selfKeys.publicKey as unknown as PeculiarKey),
    ],
  });
  const selfSigned = await write('self-signed', { cert: selfCert, keys: selfKeys }, false);

  // A cross-signature as in Let's Encrypt's ISRG Root X1 by DST Root CA X3: the root's subject and
  // key, signed by another root.
  const legacyKeys = await generateKeys();
  const legacy = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=nginx-tls Test Legacy Root CA, O=nginx-tls tests',
    notBefore: validity.notBefore,
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
    keys: legacyKeys as unknown as PeculiarKeyPair,
    signingAlgorithm: SIGNING,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const cross = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: root.cert.subject,
    issuer: legacy.subject,
    ...validity,
    publicKey: root.keys.publicKey as unknown as PeculiarKey,
    signingKey: legacyKeys.privateKey as unknown as PeculiarKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(root.keys.publicKey as unknown as PeculiarKey),
    ],
  });
  const crossRoot = file('cross-root.crt');
  fs.writeFileSync(crossRoot, pem(cross));

  const at = (days: number): Date => new Date(now.getTime() + days * DAY_MS);
  const future = (await write('future', await issue(intermediate, 'CN=future.test', { notBefore: at(30), notAfter: at(120), extensions: leafExtensions([{ type: 'dns', value: 'future.test' }]) }), true)) as Required<TestCertFiles>;
  const underOther = async (name: string, caName: string, caValidity: { notBefore: Date; notAfter: Date }): Promise<Required<TestCertFiles>> => {
    const ca = await issue(root, `CN=nginx-tls Test ${caName} Intermediate CA, O=nginx-tls tests`, {
      ...caValidity,
      extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
    });
    const files = (await write(name, await issue(ca, `CN=${name}.test`, { ...validity, extensions: leafExtensions([{ type: 'dns', value: `${name}.test` }]) }), false)) as Required<TestCertFiles>;
    files.chain = file(`${name}.chain.crt`);
    fs.writeFileSync(files.chain, fs.readFileSync(files.crt, 'utf8') + pem(ca.cert));
    return files;
  };
  const underExpired = await underOther('under-expired', 'Expired', { notBefore: at(-400), notAfter: at(-10) });
  const underFuture = await underOther('under-future', 'Future', { notBefore: at(30), notAfter: at(1000) });
  const underExpiring = await underOther('under-expiring', 'Expiring', { notBefore: at(-300), notAfter: at(10) });

  const leafPem = fs.readFileSync(ocsp.crt, 'utf8');
  const ocspReversed = file('ocsp.reversed.crt');
  fs.writeFileSync(ocspReversed, intermediatePem + leafPem);
  const ocspRootFirst = file('ocsp.root-first.crt');
  fs.writeFileSync(ocspRootFirst, pem(root.cert) + leafPem + intermediatePem);
  const ocspCrossChain = file('ocsp.cross-chain.crt');
  fs.writeFileSync(ocspCrossChain, leafPem + intermediatePem + pem(cross));
  const crossExpired = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: root.cert.subject,
    issuer: legacy.subject,
    notBefore: at(-400),
    notAfter: at(-10),
    publicKey: root.keys.publicKey as unknown as PeculiarKey,
    signingKey: legacyKeys.privateKey as unknown as PeculiarKey,
    signingAlgorithm: SIGNING,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const ocspExpiredCrossChain = file('ocsp.expired-cross-chain.crt');
  fs.writeFileSync(ocspExpiredCrossChain, leafPem + intermediatePem + pem(crossExpired));
  return { cnOnly, ipSan, ipAsDns, direct, selfSigned, ocspReversed, ocspRootFirst, ocspCrossChain, crossRoot, ocspExpiredCrossChain, future, underExpired, underFuture, underExpiring };
}

function dnsNamesFor(name: LeafName | VariantLeafName, opts: TestPkiOptions): string[] {
  return opts.dnsNames?.[name] ?? [`${name}.test`, `www.${name}.test`];
}

function isLeafName(name: string): name is LeafName {
  return (LEAF_NAMES as readonly string[]).includes(name);
}

function leafPlans(now: Date): Record<LeafName | VariantLeafName, LeafPlan> {
  const at = (days: number): Date => new Date(now.getTime() + days * DAY_MS);
  // Issued an hour ago so small clock differences never make a fresh leaf "not yet valid".
  const issued = new Date(now.getTime() - 60 * 60 * 1000);
  const current = { notBefore: issued, notAfter: at(90), revoked: false };
  return {
    'must-staple': { ...current, ocsp: 'http', mustStaple: true },
    ocsp: { ...current, ocsp: 'http', mustStaple: false },
    'no-ocsp': { ...current, ocsp: false, mustStaple: false },
    revoked: { ...current, ocsp: 'http', mustStaple: false, revoked: true },
    expired: { notBefore: at(-100), notAfter: at(-10), ocsp: 'http', mustStaple: false, revoked: false },
    expiring: { notBefore: at(-80), notAfter: at(10), ocsp: 'http', mustStaple: false, revoked: false },
    'https-ocsp': { ...current, ocsp: 'https', mustStaple: false },
    'no-scheme-ocsp': { ...current, ocsp: 'bare', mustStaple: false },
    'must-staple-https': { ...current, ocsp: 'https', mustStaple: true },
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
