// What `nginx -t` says, read as diagnostics: the lines nginx prints on stderr for levels up to
// `warn` (ngx_log_error_core writes "nginx: [LEVEL] MESSAGE" to the console besides the error
// log), located by the " in FILE:LINE" that ngx_conf_log_error appends. Running nginx is not the
// service's business (server/src/system/nginxTest.ts does it); this module only reads the text.
import * as path from 'node:path';
import type { ConfigDiagnostic, Severity } from './diagnostics';
import type { ConfigTree } from './model/configTree';
import { walkConfig } from './model/configTree';

/** The code of every finding that nginx -t reports. */
export const NGINX_TEST_CODE = 'nginx-t';

/** One message of nginx -t: its level, its text, and the file and 1-based line it names, if any. */
export interface NginxTestMessage {
  level: 'emerg' | 'alert' | 'crit' | 'error' | 'warn';
  message: string;
  file?: string;
  line?: number;
}

/** What one run of nginx -t gave: diagnostics (none when the config is fine), or why the run says nothing about the config. */
export type NginxTestOutcome =
  | { kind: 'findings'; diagnostics: ConfigDiagnostic[]; passed: boolean }
  | { kind: 'unusable'; message: string };

// "nginx: [emerg] ..." on the console; "2024/05/01 10:00:00 [emerg] 123#123: ..." when the error log is stderr (a build with --error-log-path=stderr run without -e).
const CONSOLE_LINE = /^nginx: \[(emerg|alert|crit|error|warn)\] (.*)$/;
const LOG_LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(emerg|alert|crit|error|warn)\] \d+#\d+: (?:\*\d+ )?(.*)$/;
const LOCATION = / in (.+):(\d+)$/;
/** errno texts that mean the user running nginx -t lacks rights, not that the config is wrong (ngx_log_errno appends " (N: TEXT)"). */
const LACKS_RIGHTS = /\((?:13: Permission denied|1: Operation not permitted)\)/;

const SEVERITY: Record<NginxTestMessage['level'], Severity> = { emerg: 'error', alert: 'error', crit: 'error', error: 'error', warn: 'warning' };

/**
 * Splits "MESSAGE in FILE:LINE" at the " in " that leaves an absolute FILE nginx can have read:
 * messages contain " in " themselves (`host not found in upstream "x" in /etc/nginx/a.conf:3`), and
 * so may a path. Of the candidates, the leftmost whose file is known (`isKnown`) wins, else the
 * rightmost with an absolute path.
 */
function splitLocation(text: string, isKnown: (file: string) => boolean): Pick<NginxTestMessage, 'message' | 'file' | 'line'> {
  const candidates: { message: string; file: string; line: number }[] = [];
  for (let at = text.indexOf(' in '); at >= 0; at = text.indexOf(' in ', at + 1)) {
    const m = LOCATION.exec(text.slice(at));
    if (m && m.index === 0 && path.isAbsolute(m[1])) candidates.push({ message: text.slice(0, at), file: m[1], line: Number(m[2]) });
  }
  return candidates.find((c) => isKnown(c.file)) ?? candidates[candidates.length - 1] ?? { message: text };
}

/** The level lines of nginx -t's output, in order, located where they name a file and line. */
export function parseNginxTestOutput(output: string, isKnown: (file: string) => boolean = () => false): NginxTestMessage[] {
  const out: NginxTestMessage[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = CONSOLE_LINE.exec(line) ?? LOG_LINE.exec(line);
    if (m) out.push({ level: m[1] as NginxTestMessage['level'], ...splitLocation(m[2], isKnown) });
  }
  return out;
}

/** [start, end) of a 1-based line's content, from its first non-blank character; undefined past the end. */
function lineSpan(text: string, line: number): { start: number; end: number } | undefined {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return undefined;
    start = next + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (end > start && text[end - 1] === '\r') end--;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  return { start, end };
}

/**
 * Reads a finished run of nginx -t on `mainFile`: each level line becomes a diagnostic on the
 * line it names (the main config's first line when it names none, or a line that is not in the
 * file as read now). A run that printed no level line and failed, or whose error is a lack of
 * rights (EACCES, EPERM: a pid file, a log, a key nginx cannot open as this user), says nothing
 * about the config: it is `unusable`, with one message, and no diagnostic is made up.
 */
export function readNginxTestOutput(run: { output: string; exitCode: number | null }, mainFile: string, textOf: (file: string) => string | undefined): NginxTestOutcome {
  const passed = run.exitCode === 0;
  const all = parseNginxTestOutput(run.output, (f) => textOf(f) !== undefined);
  const lacksRights = (m: NginxTestMessage): boolean => m.level !== 'warn' && LACKS_RIGHTS.test(m.message);
  const denied = all.find(lacksRights);
  if (denied && !passed) {
    return { kind: 'unusable', message: `nginx -t could not test the config as this user: ${describe(denied)} (run nginx -t with the rights nginx has: nginxTls.nginxTestCommand or check --nginx-t-command, e.g. sudo -n nginx)` };
  }
  // A run that passed despite a file it could not open (an error log without -e) judged the config all the same.
  const messages = all.filter((m) => !lacksRights(m));
  if (!passed && !messages.some((m) => m.level !== 'warn')) {
    const said = run.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^nginx: configuration file .* test failed$/.test(l));
    return { kind: 'unusable', message: `nginx -t failed without saying why in a form this product reads${said.length ? `: ${said.slice(0, 3).join(' / ')}` : ` (exit status ${run.exitCode ?? 'none'})`}` };
  }
  const diagnostics: ConfigDiagnostic[] = [];
  for (const m of messages) {
    const text = m.file === undefined ? undefined : textOf(m.file);
    const span = text === undefined || m.line === undefined ? undefined : lineSpan(text, m.line);
    const placed = span !== undefined && m.file !== undefined;
    const mainText = textOf(mainFile) ?? '';
    const at = placed ? span : lineSpan(mainText, 1) ?? { start: 0, end: 0 };
    diagnostics.push({
      file: placed ? m.file! : mainFile,
      start: at.start,
      end: at.end,
      severity: SEVERITY[m.level],
      code: NGINX_TEST_CODE,
      message: placed ? m.message : describe(m),
      fixes: [],
      related: [],
    });
  }
  return { kind: 'findings', diagnostics, passed };
}

function describe(m: NginxTestMessage): string {
  return m.file === undefined ? m.message : `${m.message} in ${m.file}:${m.line}`;
}

/**
 * Whether the main context sets `pid` (nginx then rejects a second one from `-g "pid ...;"` as
 * "is duplicate"), so that a test run may point the pid file at /dev/null only when it does not.
 */
export function setsPidFile(tree: ConfigTree): boolean {
  if (tree.rootContext.length > 0) return false;
  let found = false;
  walkConfig(tree, (d, ancestors) => {
    if (ancestors.length === 0 && d.name === 'pid') found = true;
    return d.name === 'include';
  });
  return found;
}
