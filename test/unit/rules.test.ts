// Every TLS rule against its fixture (test/fixtures/rules/<rule-id>.conf, syntax in
// test/support/fixtureExpectations.ts): the expected diagnostics, the exact text after the fixes
// (<rule-id>.fixed.conf), and a real `nginx -t` on both. Plus parity: every rule has a fixture,
// a docs page and a setting.
// UPDATE_FIXTURES=1 writes the .fixed.conf files from the current fixes (review the diff!).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPaths } from '../../server/src/service/checkPaths';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { planFixes } from '../../server/src/service/fixes/applyFixes';
import { parseConfig } from '../../server/src/service/parser/parseConfig';
import { LineIndex } from '../../server/src/service/lineIndex';
import { RULES } from '../../server/src/service/rules';
import { DIRECTIVE_CHECKS } from '../../server/src/service/checks';
import { clearCertificateCache } from '../../server/src/service/certificates';
import type { ConfigDiagnostic } from '../../server/src/service/diagnostics';
import { createTestPki, type TestPki } from '../support/pki';
import { fixTwice } from '../support/convergence';
import { writeOcspResponse } from '../support/lab';
import { findNginx, nginxTest } from '../support/nginxBinary';
import { describePlace, parseExpectations, type FixtureExpectations, type NginxExpectation } from '../support/fixtureExpectations';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/rules');
/** A host name, not an IP, so that stapling needs a resolver; it resolves offline (/etc/hosts). */
const OCSP_URL = 'http://localhost:8888/';
const UPDATE = process.env.UPDATE_FIXTURES === '1';
const FOUNDATION_CODES = new Set(['syntax-error', 'include-not-found', 'include-cycle', 'file-unreadable', 'file-too-large', 'binary-file', 'invalid-argument-count', 'invalid-argument-value']);
const nginx = findNginx();
const NO_NGINX = 'nginx is not installed (apt-get install nginx-light): the nginx -t part is skipped; CI installs it';

let pkiDir: string;
const tempDirs: string[] = [];

before(async () => {
  pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-rules-pki-'));
  tempDirs.push(pkiDir);
  const pki = await createTestPki(pkiDir, { ocspUrl: OCSP_URL });
  writeStapleFiles(pki);
});

const MINUTES_PER_DAY = 24 * 60;

/**
 * Real `openssl ocsp` responses beside the certificates, for the ssl_stapling_file rules: the
 * Must-Staple leaf's in `<chain>.ocsp.der` (where must-staple-cold-start's fix looks), and
 * responses that are fresh, short-lived, revoked, for another certificate or no response at all.
 */
function writeStapleFiles(pki: TestPki): void {
  const at = (name: string): string => path.join(pkiDir, name);
  writeOcspResponse(pki, pki.leaves['must-staple'], `${pki.leaves['must-staple'].chain}.ocsp.der`, { validityMinutes: 7 * MINUTES_PER_DAY });
  writeOcspResponse(pki, pki.leaves.ocsp, at('ocsp.week.der'), { validityMinutes: 7 * MINUTES_PER_DAY });
  writeOcspResponse(pki, pki.variants['must-staple-https'], at('must-staple-https.week.der'), { validityMinutes: 7 * MINUTES_PER_DAY });
  writeOcspResponse(pki, pki.leaves.ocsp, at('ocsp.hour.der'), { validityMinutes: 60 });
  writeOcspResponse(pki, pki.leaves.ocsp, at('ocsp.2days.der'), { validityMinutes: 2 * MINUTES_PER_DAY });
  writeOcspResponse(pki, pki.leaves.revoked, at('revoked.week.der'), { validityMinutes: 7 * MINUTES_PER_DAY });
  fs.writeFileSync(at('not-ocsp.der'), fs.readFileSync(pki.leaves.ocsp.crt));
}

after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A prefix directory holding the fixture as nginx.conf and the test PKI as certs/. */
function stage(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-rules-'));
  tempDirs.push(dir);
  fs.cpSync(pkiDir, path.join(dir, 'certs'), { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, text);
  return conf;
}

const HOUR_MS = 60 * 60 * 1000;

function check(conf: string, hoursLater = 0): ConfigDiagnostic[] {
  clearCertificateCache();
  return checkPaths([conf], createNodeHost(), { now: new Date(Date.now() + hoursLater * HOUR_MS) }).diagnostics;
}

interface Place {
  line: number;
  start: number;
  end: number;
  code: string;
  severity: string;
}

function placeOf(d: ConfigDiagnostic, index: LineIndex): Place {
  const s = index.positionAt(d.start);
  const e = index.positionAt(d.end);
  // Every rule underlines within one line; a range running on is reported up to the line end.
  return { line: s.line, start: s.character, end: e.line === s.line ? e.character : Number.MAX_SAFE_INTEGER, code: d.code, severity: d.severity };
}

/** The expected/actual comparison, as a printable list of false negatives and false positives. */
function compare(expected: FixtureExpectations['diagnostics'], actual: Place[], lines: string[]): string[] {
  const key = (p: { line: number; start: number; end: number; code: string }): string => describePlace(p);
  const remaining = [...actual];
  const problems: string[] = [];
  for (const e of expected) {
    const i = remaining.findIndex((a) => key(a) === key(e));
    if (i < 0) {
      problems.push(`false negative ${key(e)}    | ${lines[e.line]?.trim()}`);
      continue;
    }
    const [a] = remaining.splice(i, 1);
    if (e.severity && e.severity !== a.severity) problems.push(`wrong severity ${key(e)}: expected ${e.severity}, got ${a.severity}`);
  }
  for (const a of remaining) problems.push(`false positive ${key(a)}    | ${lines[a.line]?.trim()}`);
  return problems;
}

function assertNginx(expectations: NginxExpectation[], config: NginxExpectation['config'], prefix: string, conf: string): void {
  const verdict = nginxTest(nginx as string, prefix, conf);
  const mine = expectations.filter((e) => e.config === config);
  const mustFail = mine.filter((e) => e.kind === 'fails');
  if (mustFail.length === 0 && config === 'fixed') assert.ok(verdict.ok, `nginx -t rejects the fixed config:\n${verdict.output}`);
  if (mustFail.length > 0) assert.ok(!verdict.ok, `nginx -t should fail on the ${config} config:\n${verdict.output}`);
  for (const e of mine) {
    if (e.kind === 'warns') assert.ok(verdict.ok, `nginx -t should accept the ${config} config:\n${verdict.output}`);
    if (e.kind === 'lacks') assert.ok(!verdict.output.includes(e.text), `nginx -t on the ${config} config should not say "${e.text}":\n${verdict.output}`);
    else assert.ok(verdict.output.includes(e.text), `nginx -t on the ${config} config should say "${e.text}":\n${verdict.output}`);
  }
}

describe('rule fixtures', () => {
  for (const rule of RULES) {
    const fixture = path.join(FIXTURES, `${rule.id}.conf`);
    const fixedFixture = path.join(FIXTURES, `${rule.id}.fixed.conf`);
    test(rule.id, { skip: fs.existsSync(fixture) ? false : `no fixture ${path.relative(ROOT, fixture)} (the parity test fails for it)` }, (t) => {
      const text = fs.readFileSync(fixture, 'utf8');
      const expectations = parseExpectations(text);
      assert.deepEqual(expectations.malformed, [], 'malformed expectations');
      assert.ok(expectations.diagnostics.some((e) => e.code === rule.id), `the fixture expects no ${rule.id} diagnostic`);
      const codes = new Set([rule.id, ...expectations.diagnostics.map((e) => e.code)]);
      for (const code of codes) assert.ok(RULES.some((r) => r.id === code), `unknown rule id "${code}" in an expectation`);

      const conf = stage(text);
      const prefix = path.dirname(conf);
      const diagnostics = check(conf, expectations.analyzedAtHours);
      const foundation = diagnostics.filter((d) => FOUNDATION_CODES.has(d.code));
      assert.deepEqual(foundation.map((d) => `${d.code}: ${d.message}`), [], 'a fixture must be a valid config');

      const index = new LineIndex(text);
      const lines = text.split(/\r?\n/);
      const compared = diagnostics.filter((d) => codes.has(d.code));
      const elsewhere = compared.filter((d) => d.file !== conf);
      assert.deepEqual(elsewhere.map((d) => d.file), [], 'diagnostics outside the fixture');
      const problems = compare(expectations.diagnostics, compared.map((d) => placeOf(d, index)), lines);
      assert.ok(problems.length === 0, `${rule.id}.conf:\n  ${problems.join('\n  ')}`);

      const plan = planFixes(diagnostics, (file) => (file === conf ? text : undefined));
      const fixed = plan.files.get(conf) ?? text;
      if (UPDATE) fs.writeFileSync(fixedFixture, fixed);
      assert.ok(fs.existsSync(fixedFixture), `missing ${path.relative(ROOT, fixedFixture)} (UPDATE_FIXTURES=1 writes it)`);
      assert.equal(fixed, fs.readFileSync(fixedFixture, 'utf8'), `the text after the fixes differs from ${rule.id}.fixed.conf`);
      assert.equal(parseConfig(fixed, conf).problems.length, 0, 'the fixed text must parse');

      // Fixed: only the findings that offered no fix may remain (another rule's fix may resolve
      // them too, e.g. a full-chain file also gives stapling its issuer).
      const unfixable = diagnostics.filter((d) => d.code === rule.id && d.fixes.length === 0).length;
      fs.writeFileSync(conf, fixed);
      const again = check(conf, expectations.analyzedAtHours);
      assert.deepEqual(again.filter((d) => FOUNDATION_CODES.has(d.code)).map((d) => d.message), [], 'the fixed config has syntax problems');
      const left = again.filter((d) => d.code === rule.id);
      assert.ok(left.length <= unfixable, `after the fixes ${left.length} ${rule.id} finding(s) remain, at most ${unfixable} expected (those without a fix):\n${left.map((d) => d.message).join('\n')}`);
      const converged = fixTwice(conf, { now: new Date() });
      assert.equal(converged.unsettled, undefined, 'the rounds of "fix all" do not settle');
      assert.deepEqual(converged.changedAgain, [], 'a second "fix all" changes the fixed config again');
      assert.deepEqual(converged.added, [], 'the fixes add findings');

      if (!nginx) {
        t.diagnostic(NO_NGINX);
        return;
      }
      fs.writeFileSync(conf, text);
      assertNginx(expectations.nginx, 'input', prefix, conf);
      fs.writeFileSync(conf, fixed);
      assertNginx(expectations.nginx, 'fixed', prefix, conf);
    });
  }
  test('nginx -t is available for the fixtures', { skip: nginx ? false : NO_NGINX }, () => {
    assert.ok(nginx);
  });
});

/** The parts of a package.json setting the parity test reads. */
interface SettingSchema {
  enum?: string[];
  default?: unknown;
  markdownDescription?: string;
}

/** package.json's settings, read as data (the lead owns the file). */
function settingsProperties(): Record<string, SettingSchema> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes?: { configuration?: { properties?: Record<string, SettingSchema> } };
  };
  return pkg.contributes?.configuration?.properties ?? {};
}

describe('rule parity', () => {
  test('the registry is sorted by id, ids are kebab-case and unique', () => {
    const ids = RULES.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z]+)*$/);
  });

  test('every rule has a fixture, a .fixed.conf and a docs page', () => {
    const missing: string[] = [];
    for (const { id } of RULES) {
      for (const file of [`test/fixtures/rules/${id}.conf`, `test/fixtures/rules/${id}.fixed.conf`, `docs/rules/${id}.md`]) {
        if (!fs.existsSync(path.join(ROOT, file))) missing.push(file);
      }
    }
    assert.deepEqual(missing, []);
  });

  test('every fixture and docs page belongs to a registered rule', () => {
    const ids = new Set(RULES.map((r) => r.id));
    const stray = [
      ...fs.readdirSync(FIXTURES).map((f) => f.replace(/(\.fixed)?\.conf$/, '')),
      ...fs.readdirSync(path.join(ROOT, 'docs/rules')).map((f) => f.replace(/\.md$/, '')),
    ].filter((id) => !ids.has(id));
    assert.deepEqual(stray, []);
  });

  test('every docs page has the sections a reader needs', () => {
    for (const { id } of RULES) {
      const file = path.join(ROOT, `docs/rules/${id}.md`);
      if (!fs.existsSync(file)) continue;
      const doc = fs.readFileSync(file, 'utf8');
      assert.ok(doc.startsWith(`# ${id}\n`), `${id}.md must start with "# ${id}"`);
      for (const heading of ['## What it flags', '## Why it matters', '## Example', '## Fix']) {
        assert.ok(doc.includes(`\n${heading}\n`), `${id}.md lacks "${heading}"`);
      }
    }
  });

  const properties = settingsProperties();
  const hasRuleSettings = Object.keys(properties).some((k) => k.startsWith('nginxTls.rules.'));
  test('every rule has a nginxTls.rules.<id> setting in package.json', {
    todo: hasRuleSettings ? false : 'package.json has no nginxTls.rules.* settings yet (the lead adds them)',
  }, () => {
    const missing = RULES.map((r) => `nginxTls.rules.${r.id}`).filter((k) => !(k in properties));
    assert.deepEqual(missing, []);
    for (const rule of RULES) {
      const setting = properties[`nginxTls.rules.${rule.id}`];
      assert.ok(setting.enum?.includes('off') && setting.enum.includes('default'), `nginxTls.rules.${rule.id} must offer "default" and "off"`);
      assert.equal(setting.default, 'default', `nginxTls.rules.${rule.id} must default to "default" (the rule's own severity, ${rule.defaultSeverity})`);
      assert.ok(setting.markdownDescription?.includes(`default: ${rule.defaultSeverity}`), `nginxTls.rules.${rule.id}'s description must name its default severity (${rule.defaultSeverity})`);
    }
    const known = [...RULES, ...DIRECTIVE_CHECKS];
    const stray = Object.keys(properties).filter((k) => k.startsWith('nginxTls.rules.') && !known.some((r) => k === `nginxTls.rules.${r.id}`));
    assert.deepEqual(stray, []);
  });
});
