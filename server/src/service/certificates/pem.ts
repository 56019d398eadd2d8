// Splits a PEM file into blocks the way OpenSSL's PEM reader sees them: text outside blocks is
// ignored, blocks of other types are skipped. Bodies of private key blocks are never decoded.

/** One `-----BEGIN X-----` ... `-----END X-----` block; `body` is only kept for certificates. */
export interface PemBlock {
  label: string;
  /** Base64 body of a certificate block; undefined for other blocks. */
  body?: string;
  /** The block has no matching END line. */
  unterminated: boolean;
}

// Labels OpenSSL accepts for an X509 (PEM_STRING_X509, _OLD and _TRUSTED in pem.h).
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
// Bounded label length keeps this linear on hostile input.
const MARKER = /-----(BEGIN|END) ([^\r\n-]{1,64})-----/g;

/** True for the PEM labels nginx reads as a certificate. */
export function isCertificateLabel(label: string): boolean {
  return CERTIFICATE_LABELS.has(label);
}

/** True for PEM labels that hold a private key (PKCS#8, traditional, encrypted). */
export function isPrivateKeyLabel(label: string): boolean {
  return label.endsWith('PRIVATE KEY');
}

/** Lists the PEM blocks of `text` in order. */
export function splitPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: { label: string; bodyStart: number } | undefined;
  for (const match of text.matchAll(MARKER)) {
    const [marker, kind, label] = match as unknown as [string, 'BEGIN' | 'END', string];
    const index = match.index ?? 0;
    if (open) {
      const closes = kind === 'END' && label === open.label;
      const body = isCertificateLabel(open.label) && closes ? text.slice(open.bodyStart, index) : undefined;
      blocks.push({ label: open.label, ...(body === undefined ? {} : { body }), unterminated: !closes });
      open = undefined;
      if (closes) continue;
    }
    if (kind === 'BEGIN') open = { label, bodyStart: index + marker.length };
  }
  if (open) blocks.push({ label: open.label, unterminated: true });
  return blocks;
}

/** Decodes a PEM body strictly (OpenSSL rejects characters outside base64), or undefined. */
export function decodePemBody(body: string): Uint8Array | undefined {
  const compact = body.replace(/[ \t\r\n]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return undefined;
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
