// Just enough DER (X.690 §8.1) to find element boundaries and read the TLS Feature extension,
// which neither @peculiar/x509 nor @peculiar/asn1-x509 models.

/** One DER element: tag byte, where its content starts and where the element ends. */
export interface DerElement {
  tag: number;
  contentStart: number;
  end: number;
}

const TAG_SEQUENCE = 0x30;
const TAG_INTEGER = 0x02;

/** Reads the element at `offset`, or undefined when it is not well-formed definite-length DER. */
export function readDerElement(bytes: Uint8Array, offset = 0): DerElement | undefined {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return undefined;
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = bytes[contentStart + i];
      if (byte === undefined) return undefined;
      length = length * 256 + byte;
    }
    contentStart += count;
  }
  const end = contentStart + length;
  return end <= bytes.length ? { tag, contentStart, end } : undefined;
}

/** Decodes `SEQUENCE OF INTEGER` with small values (RFC 7633 TLSFeature); throws on anything else. */
export function readSmallIntegerSequence(bytes: Uint8Array): number[] {
  const outer = readDerElement(bytes);
  if (!outer || outer.tag !== TAG_SEQUENCE) throw new Error('malformed TLS Feature extension (not a SEQUENCE)');
  const values: number[] = [];
  let offset = outer.contentStart;
  while (offset < outer.end) {
    const item = readDerElement(bytes, offset);
    if (!item || item.tag !== TAG_INTEGER || item.end > outer.end || item.end - item.contentStart > 4) {
      throw new Error('malformed TLS Feature extension (not a list of small INTEGERs)');
    }
    let value = 0;
    for (let i = item.contentStart; i < item.end; i++) value = value * 256 + bytes[i]!;
    values.push(value);
    offset = item.end;
  }
  return values;
}
