// Inline expectations of the rule fixtures (test/fixtures/rules/<rule-id>.conf).
//
// EXPECTED DIAGNOSTIC — a comment line under the offending line:
//
//         ssl_certificate certs/must-staple.chain.crt;
//         #               ^^^^^^^^^^^^^^^^^^^^^^^^^^^ must-staple-without-stapling
//
//   - `#`, then only spaces or tabs, then one or more `^`, a space and a rule id (kebab-case),
//     optionally followed by a severity in brackets: `^^^ stapling-missing [information]`.
//   - The carets cover exactly the columns [start, end) of the diagnostic, on the nearest line
//     above that is not itself an expectation line; so several expectations for one line are
//     several comment lines in a row. The `#` must stand left of the first caret, hence a range
//     can never start in column 1 (nothing in a valid nginx.conf is flagged there).
//   - A comment that starts like an expectation (`#` + spaces + `^`) but does not match the
//     syntax is reported as a malformed expectation instead of being ignored.
//
// EXPECTED nginx -t OUTCOME — a comment line anywhere (usually at the top):
//
//   # nginx-t input warns: "ssl_stapling" ignored, no OCSP responder URL
//   # nginx-t fixed lacks: "ssl_stapling" ignored
//   # nginx-t fixed fails: cannot load certificate
//
//   - `input` is the fixture as written, `fixed` the text after every fix (the .fixed.conf).
//   - `warns: TEXT`: nginx -t succeeds and its output contains TEXT.
//   - `lacks: TEXT`: nginx -t's output does not contain TEXT.
//   - `fails: TEXT`: nginx -t fails and its output contains TEXT. Without a `fixed fails`
//     line, nginx -t must accept the fixed config.
//
// ANALYSIS TIME — optional, one comment line: `# analyzed-at: now+2h` judges the fixture (and its
// fixed text) that many hours after the test PKI and staple files were made, e.g. so that an
// OCSP response made with a 60-minute validity (`openssl ocsp` cannot backdate) is past its
// nextUpdate. nginx -t is not affected.

/** Severities an expectation may pin. */
export const EXPECTATION_SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;

/** One expected diagnostic, 0-based line and characters [start, end). */
export interface Expectation {
  line: number;
  start: number;
  end: number;
  code: string;
  severity?: (typeof EXPECTATION_SEVERITIES)[number];
}

/** One expected outcome of `nginx -t` on the input or the fixed config. */
export interface NginxExpectation {
  config: 'input' | 'fixed';
  kind: 'warns' | 'lacks' | 'fails';
  text: string;
}

/** Everything a fixture expects, and the lines that look like expectations but are malformed. */
export interface FixtureExpectations {
  diagnostics: Expectation[];
  nginx: NginxExpectation[];
  malformed: string[];
  /** Hours after now at which the fixture is analysed (0 unless `# analyzed-at: now+Nh`). */
  analyzedAtHours: number;
}

const EXPECTATION_LINE = /^([ \t]*#[ \t]*)(\^+)[ \t]+([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:[ \t]+\[([a-z]+)\])?[ \t]*$/;
const LOOKS_LIKE_EXPECTATION = /^[ \t]*#[ \t]*\^/;
const NGINX_LINE = /^[ \t]*#[ \t]*nginx-t[ \t]+(input|fixed)[ \t]+(warns|lacks|fails):[ \t]*(.*?)[ \t]*$/;
const LOOKS_LIKE_NGINX = /^[ \t]*#[ \t]*nginx-t\b/;
const ANALYZED_AT_LINE = /^[ \t]*#[ \t]*analyzed-at:[ \t]*now\+(\d+)h[ \t]*$/;

/** Reads the inline expectations of a fixture's text. */
export function parseExpectations(text: string): FixtureExpectations {
  const lines = text.split(/\r?\n/);
  const out: FixtureExpectations = { diagnostics: [], nginx: [], malformed: [], analyzedAtHours: 0 };
  let target = -1;
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    const m = EXPECTATION_LINE.exec(line);
    if (m) {
      const severity = m[4] as Expectation['severity'] | undefined;
      if (severity !== undefined && !EXPECTATION_SEVERITIES.includes(severity)) {
        out.malformed.push(`${where}: unknown severity [${m[4]}]`);
      } else if (target < 0) {
        out.malformed.push(`${where}: an expectation needs a line above it`);
      } else {
        const start = m[1].length;
        out.diagnostics.push({ line: target, start, end: start + m[2].length, code: m[3], ...(severity ? { severity } : {}) });
      }
      return;
    }
    if (LOOKS_LIKE_EXPECTATION.test(line)) {
      out.malformed.push(`${where}: "${line.trim()}" is not "# ^^^ rule-id [severity]"`);
      return;
    }
    const at = ANALYZED_AT_LINE.exec(line);
    if (at) out.analyzedAtHours = Number(at[1]);
    const n = NGINX_LINE.exec(line);
    if (n && n[3] !== '') {
      out.nginx.push({ config: n[1] as NginxExpectation['config'], kind: n[2] as NginxExpectation['kind'], text: n[3] });
    } else if (LOOKS_LIKE_NGINX.test(line)) {
      out.malformed.push(`${where}: "${line.trim()}" is not "# nginx-t input|fixed warns|lacks|fails: TEXT"`);
    }
    target = index;
  });
  return out;
}

/** A diagnostic's place as the runner prints it: `line:col-col code` (1-based, end exclusive). */
export function describePlace(e: Pick<Expectation, 'line' | 'start' | 'end' | 'code'>): string {
  return `${e.line + 1}:${e.start + 1}-${e.end + 1} ${e.code}`;
}
