/** Compares dotted versions ("1.22.1") numerically: negative when a < b, 0 when equal. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** nginx enables TLS 1.3 by default from this version (nginx CHANGES, 1.23.4). */
export const TLS13_DEFAULT_SINCE = '1.23.4';

/** The leading "X.Y[.Z]" of a version text ("1.22.1", "1.22.1 (Debian)"), or undefined. */
export function versionOf(text: string | undefined): string | undefined {
  return text === undefined ? undefined : /^(\d+\.\d+(?:\.\d+)?)/.exec(text.trim())?.[1];
}
