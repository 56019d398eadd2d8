// Splits a PEM file into blocks the way OpenSSL's PEM reader sees them: text outside blocks is
// ignored, blocks of other types are skipped. Bodies of private key blocks are never decoded.

/** One `-----BEGIN X-----` ... `-----END X-----` block; `body` is only kept for certificates. */
export interface PemBlock {
  label: string;
  /** Base64 body of a certificate block; undefined for other blocks. */
  body?: string;
  /** The block has no matching END line. */
  unterminated: boolean;
  /** A certificate block with a blank line inside its base64: OpenSSL refuses it (no `body` then). */
  blankLine?: true;
}

// Labels OpenSSL accepts for an X509 (PEM_STRING_X509, _OLD and _TRUSTED in pem.h).
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
/** The label nginx reads only as the first certificate of a file (PEM_read_bio_X509_AUX), never in the chain after it. */
export const TRUSTED_CERTIFICATE_LABEL = 'TRUSTED CERTIFICATE';
// A whole marker line; bounded label length keeps this linear on hostile input.
const MARKER = /^-----(BEGIN|END) ([^\r\n-]{1,64})-----$/;

/** True for the PEM labels nginx reads as a certificate. */
export function isCertificateLabel(label: string): boolean {
  return CERTIFICATE_LABELS.has(label);
}

/** True for PEM labels that hold a private key (PKCS#8, traditional, encrypted). */
export function isPrivateKeyLabel(label: string): boolean {
  return label.endsWith('PRIVATE KEY');
}

/** `line` without what OpenSSL strips at its end: every byte up to the space (a loop: a regex would be quadratic on hostile runs). */
function trimEnd(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) <= 0x20) end--;
  return line.slice(0, end);
}

/** Whether text[start, end) holds nothing above the space (what OpenSSL strips from a line). */
function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > 0x20) return false;
  return true;
}

/** A UTF-8 byte order mark at the start of the file, as read (latin1) or decoded: OpenSSL passes over it. */
function bomLength(text: string): number {
  if (text.startsWith('\u00ef\u00bb\u00bf')) return 3;
  return text.startsWith('\ufeff') ? 1 : 0;
}

/**
 * Lists the PEM blocks of `text` in order, as OpenSSL's reader finds them: a marker is a line of
 * its own, from its first character (lines end at "\n"; a "\r" before it and blanks after the
 * marker do not count). An indented marker, a marker with text after it on the line (base64
 * started on the BEGIN line) and files whose lines end with "\r" alone hold no marker for OpenSSL
 * ("no start line"), so none here either.
 */
export function splitPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: { label: string; bodyStart: number; data: boolean; blankAfterData: boolean } | undefined;
  for (let lineStart = bomLength(text); lineStart < text.length; ) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const next = newline < 0 ? text.length : newline + 1;
    const match = text.startsWith('-----', lineStart) ? MARKER.exec(trimEnd(text.slice(lineStart, lineEnd))) : null;
    if (!match && open && isCertificateLabel(open.label)) {
      // OpenSSL takes a blank line as the end of the headers: after base64 has begun, one is an
      // error (measured: PEM_read_bio_X509_AUX() failed); right after the BEGIN line, it is not.
      const blank = isBlank(text, lineStart, lineEnd);
      if (!blank) open.data = true;
      else if (open.data) open.blankAfterData = true;
    }
    if (match) {
      const [, kind, label] = match as unknown as [string, 'BEGIN' | 'END', string];
      if (open) {
        const closes = kind === 'END' && label === open.label;
        const body = isCertificateLabel(open.label) && closes && !open.blankAfterData ? text.slice(open.bodyStart, lineStart) : undefined;
        blocks.push({ label: open.label, ...(body === undefined ? {} : { body }), unterminated: !closes, ...(open.blankAfterData ? { blankLine: true } : {}) });
        open = undefined;
        if (closes) {
          lineStart = next;
          continue;
        }
      }
      if (kind === 'BEGIN') open = { label, bodyStart: next, data: false, blankAfterData: false };
    }
    lineStart = next;
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
