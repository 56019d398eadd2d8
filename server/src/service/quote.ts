/** The most characters of file content a message quotes. */
export const MAX_QUOTE_LENGTH = 80;

/** The most characters a whole message has (rule messages explain at length; none needs more). */
export const MAX_MESSAGE_LENGTH = 2000;

/** Whether the UTF-16 unit at `i` is the low half of a surrogate pair (cutting before it would split a character). */
function splitsPair(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  const p = s.charCodeAt(i - 1);
  return i > 0 && i < s.length && c >= 0xdc00 && c <= 0xdfff && p >= 0xd800 && p <= 0xdbff;
}

/** Cuts `s` to at most `max` UTF-16 units plus "…", never inside a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  if (splitsPair(s, cut)) cut--;
  return `${s.slice(0, cut)}…`;
}

/**
 * File content as a message quotes it: `text` (or its [start, end) part) with runs of white space
 * shown as one space, capped at MAX_QUOTE_LENGTH characters; only the excerpt is copied, so a
 * 5 MB statement costs as little as a short one.
 */
export function quoteExcerpt(text: string, start = 0, end = text.length, max = MAX_QUOTE_LENGTH): string {
  const clipped = end - start > max * 4;
  let stop = clipped ? start + max * 4 : end;
  if (splitsPair(text, stop)) stop--;
  const shown = text.slice(start, stop).replace(/\s+/g, ' ');
  return clipped && shown.length <= max ? `${shown}…` : truncate(shown, max);
}

/** A message with every part capped: at most MAX_MESSAGE_LENGTH characters, never half a character. */
export function capMessage(message: string): string {
  return truncate(message, MAX_MESSAGE_LENGTH).replace(LONE_SURROGATE, '\ufffd');
}

/** Half of a UTF-16 surrogate pair without its other half (file content can hold them; a message shows U+FFFD). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with its first letter in upper case (a message that starts with a name such as "the certificate ..."). */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
