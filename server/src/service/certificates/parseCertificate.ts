import 'reflect-metadata';
import { X509Certificate as OpenSslCertificate, createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  type Extension,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  id_ad_caIssuers,
  id_ad_ocsp,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_pe_authorityInfoAccess,
} from '@peculiar/asn1-x509';
import { X509Certificate } from '@peculiar/x509';
import { readDerElement, readSmallIntegerSequence } from './der';
import type { CertificateInfo } from './types';

/** A parsed certificate plus OpenSSL's view of it (for issuer checks). */
export interface ParsedCertificate {
  info: CertificateInfo;
  openssl: OpenSslCertificate;
}

// RFC 7633 id-pe-tlsfeature; status_request(5) (RFC 6066) means OCSP Must-Staple.
const ID_PE_TLS_FEATURE = '1.3.6.1.5.5.7.1.24';
const TLS_FEATURE_STATUS_REQUEST = 5;

const EXTENSION_NAMES: Record<string, string> = {
  [id_ce_subjectAltName]: 'subjectAltName',
  [id_pe_authorityInfoAccess]: 'authorityInfoAccess',
  [id_ce_subjectKeyIdentifier]: 'subjectKeyIdentifier',
  [id_ce_authorityKeyIdentifier]: 'authorityKeyIdentifier',
  [id_ce_basicConstraints]: 'basicConstraints',
};

/**
 * Parses one DER certificate (trailing bytes, e.g. TRUSTED CERTIFICATE aux data, are ignored).
 * Throws an Error whose message says what is wrong.
 */
export function parseCertificateDer(bytes: Uint8Array): ParsedCertificate {
  const outer = readDerElement(bytes);
  if (!outer || outer.tag !== 0x30) throw new Error('not a DER-encoded certificate');
  const der = bytes.slice(0, outer.end);
  // OpenSSL (what nginx uses) must accept it too, not just the JS parser.
  const openssl = parseWithOpenSsl(der);
  const asn = AsnConvert.parse(der, Certificate);
  const cert = new X509Certificate(asn);
  const extensions = asn.tbsCertificate.extensions ?? [];
  // Spread: the ASN.1 collections are Array subclasses whose map/flatMap keep the subclass.
  const subjectAltNames = [...(decodeExtension(extensions, id_ce_subjectAltName, SubjectAlternativeName) ?? [])];
  const access = [...(decodeExtension(extensions, id_pe_authorityInfoAccess, AuthorityInfoAccessSyntax) ?? [])];
  const accessUrls = (method: string): string[] =>
    access.flatMap((item) =>
      item.accessMethod === method && item.accessLocation.uniformResourceIdentifier !== undefined
        ? [item.accessLocation.uniformResourceIdentifier]
        : [],
    );
  const subjectKeyId = decodeExtension(extensions, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier);
  const authorityKeyId = decodeExtension(extensions, id_ce_authorityKeyIdentifier, AuthorityKeyIdentifier)?.keyIdentifier;
  const commonNames = cert.subjectName.getField('CN');
  const commonName = commonNames[commonNames.length - 1];

  const info: CertificateInfo = {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    dnsNames: subjectAltNames.flatMap((name) => (name.dNSName === undefined ? [] : [name.dNSName])),
    ipAddresses: subjectAltNames.flatMap((name) => (name.iPAddress === undefined ? [] : [name.iPAddress])),
    ...(commonName === undefined ? {} : { commonName }),
    mustStaple: hasMustStaple(extensions),
    ocspUrls: accessUrls(id_ad_ocsp),
    caIssuersUrls: accessUrls(id_ad_caIssuers),
    isCA: decodeExtension(extensions, id_ce_basicConstraints, BasicConstraints)?.cA ?? false,
    sha256Fingerprint: createHash('sha256').update(der).digest('hex'),
    ...(subjectKeyId === undefined ? {} : { subjectKeyId: toHex(subjectKeyId.buffer) }),
    ...(authorityKeyId === undefined ? {} : { authorityKeyId: toHex(authorityKeyId.buffer) }),
    der,
  };
  Object.freeze(info.dnsNames);
  Object.freeze(info.ipAddresses);
  Object.freeze(info.ocspUrls);
  Object.freeze(info.caIssuersUrls);
  return { info: Object.freeze(info), openssl };
}

function parseWithOpenSsl(der: Uint8Array): OpenSslCertificate {
  try {
    return new OpenSslCertificate(der);
  } catch {
    // Node reports the error of its PEM attempt ("no start line"), which would only mislead.
    throw new Error('OpenSSL cannot decode it as an X.509 certificate');
  }
}

function findExtension(extensions: readonly Extension[], oid: string): Extension | undefined {
  return extensions.find((extension) => extension.extnID === oid);
}

function decodeExtension<T>(extensions: readonly Extension[], oid: string, type: new () => T): T | undefined {
  const extension = findExtension(extensions, oid);
  if (!extension) return undefined;
  try {
    return AsnConvert.parse(extension.extnValue, type);
  } catch (error) {
    const name = EXTENSION_NAMES[oid] ?? oid;
    throw new Error(`malformed ${name} extension (${error instanceof Error ? error.message : String(error)})`);
  }
}

function hasMustStaple(extensions: readonly Extension[]): boolean {
  const extension = findExtension(extensions, ID_PE_TLS_FEATURE);
  if (!extension) return false;
  return readSmallIntegerSequence(new Uint8Array(extension.extnValue.buffer)).includes(TLS_FEATURE_STATUS_REQUEST);
}

function toHex(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString('hex');
}

// The OCSP response parser rides in the same lazily loaded bundle (dist/x509.js).
export { checkOcspResponse } from './ocsp';
