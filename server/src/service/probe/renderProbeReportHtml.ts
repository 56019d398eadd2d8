import type { ProbeExpectation, ProbeFinding, ProbeReport, SessionCheck } from './types';
import { TLS_PROTOCOL_NAMES } from './types';

/** What the editor's report view needs besides the report: the config's side and a nonce for its script. */
export interface ReportViewContext {
  expectation: ProbeExpectation | undefined;
  /** Where each finding's config line is: a label (e.g. `sites-enabled/shop:12`), the file and 0-based line. */
  locate: (finding: ProbeFinding) => { label: string; file: string; line: number } | undefined;
  nonce: string;
  cspSource: string;
}

function esc(s: string | number | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Verdict = 'ok' | 'bad' | 'warn' | 'na';

// Findings about the certificate served: its row must never read "as expected" beside them.
const CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'probe-certificate-differs',
  'probe-certificate-expired',
  'probe-certificate-not-yet-valid',
  'probe-certificate-name-mismatch',
  'probe-certificate-untrusted',
  'probe-chain-incomplete',
]);

/** The opening lines of the view: one per browser family, works or refuses and why. */
export function browserLines(report: ProbeReport): string {
  if (!report.browsers) return '';
  const items = report.browsers.map((verdict) => `<li>${badge(verdict.works ? 'ok' : 'bad', verdict.works ? 'works' : 'refuses')} <b>${esc(verdict.browser)}</b>${verdict.why ? ` — ${esc(verdict.why)}` : ''}</li>`);
  return `<ul class="browsers">${items.join('')}</ul>`;
}

function badge(v: Verdict, text: string): string {
  return `<span class="badge ${v}">${esc(text)}</span>`;
}

function row(check: string, expected: string, observed: string, verdict: Verdict, note = ''): string {
  return `<tr class="${verdict}"><td>${esc(check)}</td><td>${esc(expected)}</td><td>${esc(observed)}${note ? `<div class="note">${esc(note)}</div>` : ''}</td><td>${badge(verdict, verdict === 'ok' ? 'as expected' : verdict === 'bad' ? 'differs' : verdict === 'warn' ? 'check' : 'n/a')}</td></tr>`;
}

function sessionText(c: SessionCheck | undefined): string {
  if (!c) return 'not reached';
  if (c.status !== 'tested') return `${c.status}${c.detail ? `: ${c.detail}` : ''}`;
  if (!c.issued) return 'nothing issued';
  return c.resumed ? 'issued, resumed' : 'issued, NOT resumed';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function findingCards(findings: ProbeFinding[], locate: ReportViewContext['locate']): string {
  if (findings.length === 0) return '<p class="allgood">No differences: the server does what the config says.</p>';
  return findings.map((f) => {
    const where = locate(f);
    const link = where ? `<a href="#" class="reveal" data-file="${esc(where.file)}" data-line="${where.line}">${esc(where.label)}</a>` : '';
    const v: Verdict = f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : 'na';
    return `<div class="card ${v}"><div class="head">${badge(v, f.severity)} <code>${esc(f.code)}</code> ${link}</div>
<div class="msg">${esc(f.message)}</div>
<div class="kv"><span>Config expects</span><div>${esc(f.expected)}</div><span>Server does</span><div>${esc(f.observed)}</div></div></div>`;
  }).join('');
}

function checksTable(report: ProbeReport, e: ProbeExpectation | undefined): string {
  const rows: string[] = [];
  const leaf = report.certificate?.chain[0];
  if (report.connectFailure) {
    rows.push(row('Connection', 'a TLS handshake', `${report.connectFailure.step} failed: ${report.connectFailure.reason}`, 'bad'));
  }
  if (leaf) {
    rows.push(row('Certificate served', e?.certificateFiles.length ? e.certificateFiles.join(', ') : 'the configured certificate',
      `${leaf.subject}, SHA-256 ${leaf.sha256Fingerprint.slice(0, 16)}…`, report.findings.some((f) => CERTIFICATE_CODES.has(f.code)) ? 'bad' : 'ok',
      `valid ${leaf.notBefore.slice(0, 10)} → ${leaf.notAfter.slice(0, 10)}; names ${[...leaf.dnsNames, ...leaf.ipAddresses].join(', ') || '(none)'}`));
    rows.push(row('Name', report.target.serverName, report.certificate?.coversServerName ? 'covered by the certificate' : 'NOT covered by the certificate', report.certificate?.coversServerName ? 'ok' : 'bad'));
    const staplingSetting = e ? (e.staplingOn ? 'ssl_stapling on' : 'ssl_stapling not on') : 'not compared with a config';
    rows.push(row('Must-Staple', leaf.mustStaple ? `certificate requires a staple; ${staplingSetting}` : 'certificate does not require a staple', leaf.mustStaple ? (report.stapling?.stapled ? 'stapled' : 'NO staple') : 'no requirement',
      report.findings.some((f) => f.code === 'probe-must-staple-violated') ? 'bad' : leaf.mustStaple ? 'ok' : 'na'));
  }
  const s = report.stapling;
  if (s) {
    const expectStaple = e?.staplingOn === true || !!leaf?.mustStaple;
    const observed = s.stapled
      ? `stapled (handshake ${s.firstStapleAt} of ${s.handshakes}, ${Math.round(s.elapsedMs)} ms)${s.response ? `: ${s.response.certStatus ?? s.response.responseStatus}, next update ${s.response.nextUpdate?.slice(0, 16) ?? '?'}, signature ${s.response.signature}` : ''}`
      : `no staple in ${s.handshakes} handshakes over ${Math.round(s.elapsedMs)} ms`;
    const bad = report.findings.some((f) => f.code === 'probe-stapled-response-bad' || f.code === 'probe-stapling-expected-missing' || f.code === 'probe-must-staple-violated');
    rows.push(row('OCSP stapling', e ? (e.staplingOn === undefined ? 'ssl_stapling not set (off)' : e.staplingOn ? 'ssl_stapling on' : 'ssl_stapling off') : expectStaple ? 'a staple' : 'no requirement', observed, bad ? 'bad' : expectStaple || s.stapled ? 'ok' : 'na'));
  }
  const sessions = report.sessions;
  if (sessions) {
    const ticketsExpected = e?.sessionTickets !== false;
    const bad = report.findings.some((f) => f.code === 'probe-session-tickets-differ' || f.code === 'probe-resumption-broken');
    rows.push(row('Session tickets', e ? `ssl_session_tickets ${ticketsExpected ? 'on' : 'off'}` : 'nginx default (on)',
      `TLS 1.3: ${sessionText(sessions.tls13)}; TLS 1.2: ${sessionText(sessions.tls12Ticket)}`, bad ? 'bad' : 'ok'));
    rows.push(row('Session ID cache', e?.sessionCache ? 'ssl_session_cache set' : 'no ssl_session_cache', `TLS 1.2: ${sessionText(sessions.tls12SessionId)}`, 'ok'));
  }
  const protocols = report.protocols;
  if (protocols) {
    const observed = TLS_PROTOCOL_NAMES.map((p) => `${p} ${protocols[p].result}`).join(', ');
    const bad = report.findings.some((f) => f.code === 'probe-protocols-differ');
    rows.push(row('Protocols', e?.protocols ? e.protocols.join(' ') : 'nginx default', observed, bad ? 'bad' : 'ok'));
  }
  const r = report.ocspResponder;
  if (r) {
    const dns = r.dns ? (r.dns.skipped === 'ip-literal' ? '; IP address, no DNS' : `; DNS ${Math.round(r.dns.ms)} ms`) : '';
    const observed = r.status === 'skipped' ? `skipped: ${r.skipReason ?? ''}` : `${r.status}${dns}`;
    const bad = report.findings.some((f) => f.code === 'probe-ocsp-responder-unreachable');
    rows.push(row('OCSP responder', r.url ?? 'the certificate\'s responder', observed, bad ? 'bad' : r.status === 'ok' ? 'ok' : 'na'));
  }
  return `<table><thead><tr><th>check</th><th>config says</th><th>server does</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The probe report as an HTML page for the editor's report view: findings first, then each
 * check with the config's expectation beside the observation, then the raw JSON.
 */
export function renderProbeReportHtml(report: ProbeReport, view: ReportViewContext): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const verdict: Verdict = errors ? 'bad' : warnings ? 'warn' : 'ok';
  const summary = errors || warnings ? [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ') : 'healthy';
  const t = report.target;
  return page(view, `
<h1>${esc(t.serverName)}:${esc(t.port)} ${badge(verdict, summary)}</h1>
<div class="sub">connected to ${esc(t.connectHost)}${t.address && t.address !== t.connectHost ? ` (${esc(t.address)})` : ''}:${esc(t.connectPort)} · ${t.sni ? `SNI ${esc(t.serverName)}` : 'no SNI'} · ${Math.round(report.durationMs)} ms · ${esc(report.startedAt)}${report.incomplete ? ` · <b>incomplete: ${esc(report.incomplete)}</b>` : ''}</div>
${browserLines(report)}
<h2>Findings</h2>
${findingCards(report.findings, view.locate)}
<h2>Config vs server</h2>
${checksTable(report, view.expectation)}
<h2>Raw result</h2>
<button id="json">Open as JSON</button>
<details><summary>show</summary><pre>${esc(JSON.stringify(report, null, 2))}</pre></details>
`);
}

/** The editor's view of "Probe All Servers": one row per server name, then each server's findings. */
export function renderProbeAllHtml(
  entries: readonly { report: ProbeReport }[],
  skipped: readonly { name: string; reason: string }[],
  view: Omit<ReportViewContext, 'expectation'>,
): string {
  const rows = entries.map(({ report }, index) => {
    const errors = report.findings.filter((f) => f.severity === 'error').length;
    const warnings = report.findings.filter((f) => f.severity === 'warning').length;
    const verdict: Verdict = errors ? 'bad' : warnings ? 'warn' : 'ok';
    const refusing = (report.browsers ?? []).filter((b) => !b.works).map((b) => b.browser).join(', ');
    const summary = errors || warnings ? [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ') : 'healthy';
    return `<tr class="${verdict}"><td><a href="#server-${index}">${esc(report.target.serverName)}:${esc(report.target.port)}</a></td><td>${esc(report.target.address ?? report.target.connectHost)}</td><td>${badge(verdict, summary)}</td><td>${esc(refusing || 'none')}</td></tr>`;
  });
  const sections = entries.map(({ report }, index) => `<h2 id="server-${index}">${esc(report.target.serverName)}:${esc(report.target.port)}</h2>${browserLines(report)}${findingCards(report.findings, view.locate)}`);
  const notes = skipped.map((entry) => `<li><code>${esc(entry.name)}</code>: ${esc(entry.reason)}</li>`).join('');
  const errors = entries.filter(({ report }) => report.findings.some((f) => f.severity === 'error')).length;
  return page(view, `<h1>All servers ${badge(errors ? 'bad' : 'ok', errors ? `${plural(errors, 'server')} with errors` : 'no errors')}</h1>
<div class="sub">${plural(entries.length, 'server name')} probed${skipped.length ? `, ${skipped.length} skipped` : ''}</div>
<table><thead><tr><th>server</th><th>address</th><th>result</th><th>browsers refusing</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${notes ? `<h2>Skipped</h2><ul>${notes}</ul>` : ''}
${sections.join('\n')}
<h2>Raw result</h2>
<button id="json">Open as JSON</button>
`);
}

function page(view: Pick<ReportViewContext, 'nonce' | 'cspSource'>, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline' ${view.cspSource}; script-src 'nonce-${view.nonce}';">
<style>
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 16px 24px}
h1{font-size:1.4em;margin:16px 0 4px}h2{font-size:1.1em;margin:20px 0 6px}
.sub{opacity:.8;margin-bottom:12px}
table{border-collapse:collapse;width:100%;margin:4px 0}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--vscode-panel-border,#8884)}
th{font-weight:600;opacity:.85}
.note{opacity:.75;font-size:.9em;margin-top:2px}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:.85em;font-weight:600;white-space:nowrap}
.badge.ok{background:#2e7d3233;color:var(--vscode-testing-iconPassed,#2e7d32)}
.badge.bad{background:#c6282833;color:var(--vscode-errorForeground,#c62828)}
.badge.warn{background:#ef6c0033;color:var(--vscode-editorWarning-foreground,#ef6c00)}
.badge.na{background:#8883}
.allgood{font-size:1.05em}
.browsers{list-style:none;padding:0;margin:8px 0}.browsers li{margin:3px 0}
.card{border-left:4px solid #8886;padding:6px 10px;margin:8px 0;background:var(--vscode-editorWidget-background,#8881)}
.card.bad{border-left-color:var(--vscode-errorForeground,#c62828)}.card.warn{border-left-color:var(--vscode-editorWarning-foreground,#ef6c00)}
.card .head{display:flex;gap:8px;align-items:center;flex-wrap:wrap}.card .msg{margin:4px 0}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}.kv span{opacity:.75}
a.reveal{color:var(--vscode-textLink-foreground)}
@media (max-width:700px){table,thead,tbody,tr,td,th{display:block}thead{display:none}tr{border-bottom:1px solid #8884;padding:4px 0}td{border:0;padding:2px 4px}.kv{grid-template-columns:1fr}}
button{background:var(--vscode-button-background);color:var(--vscode-button-foreground);border:0;padding:5px 12px;cursor:pointer}
pre{background:var(--vscode-textCodeBlock-background,#8881);padding:8px;overflow:auto;max-height:400px}
</style></head><body>
${body}
<script nonce="${view.nonce}">const vscode=acquireVsCodeApi();document.getElementById('json').addEventListener('click',()=>vscode.postMessage({type:'openJson'}));
for(const a of document.querySelectorAll('a.reveal'))a.addEventListener('click',(e)=>{e.preventDefault();vscode.postMessage({type:'reveal',file:a.dataset.file,line:Number(a.dataset.line)});});</script>
</body></html>`;
}
