// Builds OCSP requests and parses + verifies OCSP responses (RFC 6960) against a leaf and its
// issuer, with @peculiar/asn1-ocsp for the structure and node:crypto for hashes and signatures.
import { X509Certificate, createHash, verify as verifySignature } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  BasicOCSPResponse,
  CertID,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
  id_kp_OCSPSigning,
  id_pkix_ocsp_basic,
} from '@peculiar/asn1-ocsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { readDerElement } from './der';
import type { OcspResponseCheck } from '../probe/types';

/** A certificate as DER bytes. */
export type CertificateDer = Uint8Array;

const TAG_SEQUENCE = 0x30;
const TAG_BIT_STRING = 0x03;
const TAG_EXPLICIT_0 = 0xa0;

const SHA1_OID = '1.3.14.3.2.26';
const HASH_BY_OID: Record<string, string> = {
  [SHA1_OID]: 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
// Signature algorithm OID -> digest for crypto.verify (null: the algorithm hashes itself).
const SIGNATURE_HASH_BY_OID: Record<string, string | null> = {
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

/**
 * DER OCSP request for `leaf` (no nonce, SHA-1 CertID: what nginx and `openssl ocsp` send, and
 * what responders precompute answers for).
 */
export function buildOcspRequest(leaf: CertificateDer, issuer: CertificateDer): Uint8Array {
  const issuerParts = certificateParts(issuer);
  const serial = new X509Certificate(leaf).serialNumber;
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1_OID, parameters: null }),
    issuerNameHash: new OctetString(digest('sha1', issuerParts.subject)),
    issuerKeyHash: new OctetString(digest('sha1', issuerParts.publicKeyBits)),
    serialNumber: hexToArrayBuffer(serial),
  });
  const request = new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })] }) });
  return new Uint8Array(AsnConvert.serialize(request));
}

/**
 * Parses a DER OCSP response and checks it against `leaf` and `issuer` (undefined when the issuer
 * is unknown: CertID and signature are then not checked). Never throws.
 */
export function checkOcspResponse(response: Uint8Array, leaf: CertificateDer, issuer: CertificateDer | undefined): OcspResponseCheck {
  const check: OcspResponseCheck = { sizeBytes: response.length, responseStatus: 'unparsable', signature: 'not-checked', problems: [] };
  try {
    fillCheck(check, response, leaf, issuer);
  } catch (error) {
    check.problems.push(`cannot check the response: ${describe(error)}`);
  }
  return check;
}

function fillCheck(check: OcspResponseCheck, response: Uint8Array, leaf: CertificateDer, issuer: CertificateDer | undefined): void {
  let outer: OCSPResponse;
  try {
    outer = AsnConvert.parse(response, OCSPResponse);
  } catch (error) {
    check.problems.push(`not an OCSP response: ${describe(error)}`);
    return;
  }
  check.responseStatus = (OCSPResponseStatus[outer.responseStatus] as OcspResponseCheck['responseStatus'] | undefined) ?? 'unparsable';
  if (outer.responseStatus !== OCSPResponseStatus.successful) return;
  if (!outer.responseBytes || outer.responseBytes.responseType !== id_pkix_ocsp_basic) {
    check.problems.push('the response holds no basic OCSP response');
    return;
  }
  const basicDer = new Uint8Array(outer.responseBytes.response.buffer);
  let basic: BasicOCSPResponse;
  try {
    basic = AsnConvert.parse(basicDer, BasicOCSPResponse);
  } catch (error) {
    check.problems.push(`malformed basic OCSP response: ${describe(error)}`);
    return;
  }
  const data = basic.tbsResponseData;
  check.producedAt = data.producedAt.toISOString();

  const leafCert = new X509Certificate(leaf);
  const issuerParts = issuer ? safeCertificateParts(issuer) : undefined;
  const single = issuerParts
    ? data.responses.find((candidate) => certIdMatches(candidate.certID, leafCert.serialNumber, issuerParts))
    : data.responses.find((candidate) => sameSerial(candidate.certID.serialNumber, leafCert.serialNumber));
  if (issuerParts) check.forCertificate = single !== undefined;
  const reported = single ?? data.responses[0];
  if (reported) {
    const status = reported.certStatus;
    check.certStatus = status.revoked ? 'revoked' : status.unknown !== undefined ? 'unknown' : 'good';
    if (status.revoked) {
      check.revocationTime = status.revoked.revocationTime.toISOString();
      if (status.revoked.revocationReason) check.revocationReason = status.revoked.revocationReason.toString();
    }
    check.thisUpdate = reported.thisUpdate.toISOString();
    if (reported.nextUpdate) check.nextUpdate = reported.nextUpdate.toISOString();
  } else {
    check.problems.push('the response holds no certificate status');
  }

  if (!issuer || !issuerParts) {
    check.signature = 'issuer-unknown';
    return;
  }
  Object.assign(check, verifyResponseSignature(basicDer, basic, issuer));
}

function verifyResponseSignature(
  basicDer: Uint8Array,
  basic: BasicOCSPResponse,
  issuer: CertificateDer,
): Pick<OcspResponseCheck, 'signature' | 'signer' | 'signerSubject'> {
  const algorithm = basic.signatureAlgorithm.algorithm;
  if (!(algorithm in SIGNATURE_HASH_BY_OID)) return { signature: 'unsupported-algorithm' };
  const hash = SIGNATURE_HASH_BY_OID[algorithm] ?? null;
  const tbs = firstElementBytes(basicDer);
  if (!tbs) return { signature: 'invalid' };
  const signature = new Uint8Array(basic.signature);
  const signedBy = (cert: X509Certificate): boolean => {
    try {
      return verifySignature(hash, tbs, cert.publicKey, signature);
    } catch {
      return false;
    }
  };
  const issuerCert = new X509Certificate(issuer);
  if (signedBy(issuerCert)) return { signature: 'valid', signer: 'issuer', signerSubject: oneLineName(issuerCert.subject) };
  // RFC 6960 §4.2.2.2: a delegated responder's certificate is issued directly by the CA that
  // issued the certificate in question and carries id-kp-OCSPSigning.
  let untrusted = false;
  for (const included of basic.certs ?? []) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(new Uint8Array(AsnConvert.serialize(included)));
    } catch {
      continue;
    }
    if (!signedBy(cert)) continue;
    if (isDelegatedResponder(cert, issuerCert)) return { signature: 'valid', signer: 'delegated', signerSubject: oneLineName(cert.subject) };
    untrusted = true;
  }
  return { signature: untrusted ? 'untrusted-signer' : 'invalid' };
}

function isDelegatedResponder(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    const extendedKeyUsage = cert.keyUsage ?? [];
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey) && extendedKeyUsage.includes(id_kp_OCSPSigning);
  } catch {
    return false;
  }
}

interface CertificateParts {
  subject: Uint8Array;
  publicKeyBits: Uint8Array;
}

function certIdMatches(certId: CertID, serialHex: string, issuer: CertificateParts): boolean {
  const hash = HASH_BY_OID[certId.hashAlgorithm.algorithm];
  if (!hash || !sameSerial(certId.serialNumber, serialHex)) return false;
  return (
    Buffer.from(certId.issuerNameHash.buffer).equals(digest(hash, issuer.subject)) &&
    Buffer.from(certId.issuerKeyHash.buffer).equals(digest(hash, issuer.publicKeyBits))
  );
}

function sameSerial(serial: ArrayBuffer, hex: string): boolean {
  const strip = (value: string): string => value.toLowerCase().replace(/^0+/, '');
  return strip(Buffer.from(serial).toString('hex')) === strip(hex);
}

function safeCertificateParts(der: CertificateDer): CertificateParts | undefined {
  try {
    return certificateParts(der);
  } catch {
    return undefined;
  }
}

// RFC 6960 §4.1.1: issuerNameHash is over the DER of the issuer's subject, issuerKeyHash over the
// value of its subjectPublicKey BIT STRING (without tag, length and unused-bits byte).
function certificateParts(der: CertificateDer): CertificateParts {
  const certificate = expect(readDerElement(der, 0), TAG_SEQUENCE);
  const tbs = expect(readDerElement(der, certificate.contentStart), TAG_SEQUENCE);
  const fields: { tag: number; start: number; contentStart: number; end: number }[] = [];
  for (let offset = tbs.contentStart; offset < tbs.end; ) {
    const element = readDerElement(der, offset);
    if (!element || element.end > tbs.end) throw new Error('malformed certificate');
    fields.push({ ...element, start: offset });
    offset = element.end;
  }
  const body = fields[0]?.tag === TAG_EXPLICIT_0 ? fields.slice(1) : fields;
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const subject = body[4];
  const spki = body[5];
  if (!subject || !spki || subject.tag !== TAG_SEQUENCE || spki.tag !== TAG_SEQUENCE) throw new Error('malformed certificate');
  const algorithm = expect(readDerElement(der, spki.contentStart), TAG_SEQUENCE);
  const bits = expect(readDerElement(der, algorithm.end), TAG_BIT_STRING);
  return { subject: der.slice(subject.start, subject.end), publicKeyBits: der.slice(bits.contentStart + 1, bits.end) };
}

function firstElementBytes(der: Uint8Array): Uint8Array | undefined {
  const outer = readDerElement(der, 0);
  if (!outer || outer.tag !== TAG_SEQUENCE) return undefined;
  const first = readDerElement(der, outer.contentStart);
  return first && first.end <= outer.end ? der.slice(outer.contentStart, first.end) : undefined;
}

function expect<T extends { tag: number }>(element: T | undefined, tag: number): T {
  if (!element || element.tag !== tag) throw new Error('malformed certificate');
  return element;
}

function digest(algorithm: string, data: Uint8Array): Buffer {
  return createHash(algorithm).update(data).digest();
}

function hexToArrayBuffer(hex: string): ArrayBuffer {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  // A leading 0x80 bit would make the INTEGER negative: DER then needs a zero byte first.
  const bytes = Buffer.from(/^[89a-f]/i.test(even) ? `00${even}` : even, 'hex');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// node:crypto prints distinguished names one attribute per line.
function oneLineName(name: string): string {
  return name.split('\n').join(', ');
}
