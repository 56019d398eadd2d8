import type { Directive } from '../parser/ast';
import type { DirectiveVariant } from '../directives/directiveTable';
import type { DirectiveCheckMeta } from './check';
import { quoteExcerpt } from '../quote';
import { compareVersions } from '../versions';

export const invalidArgumentValue: DirectiveCheckMeta = {
  id: 'invalid-argument-value',
  defaultSeverity: 'error',
  summary: 'A value nginx\'s handler for the directive refuses: not "on" or "off" for a flag, not one of its names, not a size: nginx -t fails with "invalid value".',
};

/** Handlers that read `on` / `off` only (ngx_conf_set_flag_slot, and ssl's, which calls it). */
const FLAG_HANDLERS = new Set(['ngx_conf_set_flag_slot', 'ngx_http_ssl_enable', 'ngx_mail_ssl_enable']);
/** Handlers that read one of a list of names, or several (ngx_conf_set_enum_slot, ngx_conf_set_bitmask_slot). */
const NAME_HANDLERS = new Set(['ngx_conf_set_enum_slot', 'ngx_conf_set_bitmask_slot']);
/** Handlers that read a size: digits with an optional k, m or g (ngx_parse_size, ngx_parse_offset). */
const SIZE_HANDLERS = new Set(['ngx_conf_set_size_slot', 'ngx_conf_set_off_slot']);
const SIZE = /^\d+[kKmMgG]?$/;
const LOCATION_MODIFIERS = new Set(['=', '^~', '~', '~*']);

/** The handler every variant allowed here shares, or undefined when they differ. */
function sharedHandler(variants: readonly DirectiveVariant[]): string | undefined {
  const handler = variants[0]?.def.handler;
  return handler !== undefined && variants.every((v) => v.def.handler === handler) ? handler : undefined;
}

/**
 * The first argument nginx's handler refuses, with nginx's words (ngx_conf_file.c: flag, enum and
 * bitmask slots compare names without case; ngx_parse.c: sizes), or undefined. Only directives
 * whose every variant allowed here has one of these handlers are judged.
 */
export function checkArgumentValue(d: Directive, variants: readonly DirectiveVariant[], nginxVersion?: string): { start: number; end: number; message: string } | undefined {
  const handler = sharedHandler(variants);
  if (handler === 'ngx_http_core_listen') return checkListenParameters(d, nginxVersion);
  // ngx_http_rewrite_if_condition: the condition is in parentheses, "(" opening the first word and
  // ")" closing the last (measured: if ($request_method = POST { ... } gives invalid condition "POST").
  if (handler === 'ngx_http_rewrite_if' && d.args.length > 0) {
    const first = d.args[0];
    const last = d.args[d.args.length - 1];
    if (first.quote === '' && !first.value.startsWith('(')) return { start: first.start, end: first.end, message: `invalid condition "${quoteExcerpt(first.value)}": an if condition is written in parentheses, if (...)` };
    if (last.quote === '' && !last.value.endsWith(')')) return { start: last.start, end: last.end, message: `invalid condition "${quoteExcerpt(last.value)}": the condition's ")" is missing` };
    // "()" and "( )": nothing between the parentheses (nginx: invalid condition ")").
    if (d.args.every((a) => a.quote === '') && d.args.map((a) => a.value).join('').replace(/^\(/, '').replace(/\)$/, '') === '') {
      return { start: last.start, end: last.end, message: 'invalid condition ")": the parentheses hold no condition' };
    }
  }
  // ngx_http_core_location: with two words the first is the modifier (measured: "invalid location modifier "=="").
  if (handler === 'ngx_http_core_location' && d.args.length === 2 && !LOCATION_MODIFIERS.has(d.args[0].value)) {
    return { start: d.args[0].start, end: d.args[0].end, message: `invalid location modifier "${quoteExcerpt(d.args[0].value)}": nginx knows =, ^~, ~ and ~*` };
  }
  if (handler === undefined) return undefined;
  if (FLAG_HANDLERS.has(handler)) {
    const arg = d.args[0];
    if (d.args.length !== 1 || !arg) return undefined;
    const value = arg.value.toLowerCase();
    if (value === 'on' || value === 'off') return undefined;
    return { start: arg.start, end: arg.end, message: `invalid value "${quoteExcerpt(arg.value)}" in "${d.name}" directive, it must be "on" or "off"` };
  }
  if (NAME_HANDLERS.has(handler)) {
    const names = variants[0].def.values;
    if (!names?.length || variants.some((v) => v.def.values?.join(' ') !== names.join(' '))) return undefined;
    const known = new Set(names.map((n) => n.toLowerCase()));
    const bad = d.args.find((a) => !known.has(a.value.toLowerCase()));
    return bad ? { start: bad.start, end: bad.end, message: `invalid value "${quoteExcerpt(bad.value)}" in "${d.name}" directive: nginx knows ${names.join(', ')}` } : undefined;
  }
  if (SIZE_HANDLERS.has(handler)) {
    const arg = d.args[0];
    if (d.args.length !== 1 || !arg || SIZE.test(arg.value)) return undefined;
    // Measured with nginx 1.22.1: sizes take k and m (ngx_parse_size), offsets g too (ngx_parse_offset); a g on a size is left alone here.
    const units = handler === 'ngx_conf_set_off_slot' ? 'k, m or g for kilo-, mega- or gigabytes' : 'k or m for kilo- or megabytes';
    return { start: arg.start, end: arg.end, message: `"${d.name}" directive invalid value "${quoteExcerpt(arg.value)}": a size is a number, with ${units} (no "b")` };
  }
  return undefined;
}

/**
 * The parameters of an http `listen` (ngx_http_core_listen, nginx 1.22.1): `setfib=` and
 * `accept_filter=` are other platforms' (nginx -t on Linux: invalid parameter, or ignored with a
 * warning), so they pass; `quic` exists from nginx 1.25.0.
 */
const LISTEN_FLAGS = new Set(['default_server', 'default', 'bind', 'ssl', 'http2', 'quic', 'proxy_protocol', 'deferred', 'reuseport']);
const LISTEN_SETTINGS = ['so_keepalive=', 'backlog=', 'rcvbuf=', 'sndbuf=', 'fastopen=', 'ipv6only=', 'setfib=', 'accept_filter='];
const QUIC_SINCE = '1.25.0';

/** A parameter nginx's http `listen` does not know (measured: invalid parameter "spdy", "http3", "bogus"). */
function checkListenParameters(d: Directive, nginxVersion: string | undefined): { start: number; end: number; message: string } | undefined {
  for (const param of d.args.slice(1)) {
    if (param.quote !== '' || param.value.includes('$')) continue;
    // ngx_http_core_listen compares with ngx_strcmp: "SSL" is no "ssl" (measured: invalid parameter "SSL").
    const name = param.value;
    const known = LISTEN_FLAGS.has(name) || LISTEN_SETTINGS.some((s) => name.startsWith(s));
    const quicTooOld = name === 'quic' && nginxVersion !== undefined && compareVersions(nginxVersion, QUIC_SINCE) < 0;
    if (known && !quicTooOld) continue;
    const why = name === 'spdy'
      ? ': SPDY was replaced by HTTP/2 in nginx 1.9.5 (use http2)'
      : name === 'http3'
        ? ': HTTP/3 is "listen ... quic" with "http3 on;" (nginx 1.25.0 and later)'
        : quicTooOld
          ? `: QUIC listens exist from nginx ${QUIC_SINCE} (this is ${nginxVersion})`
          : '';
    return { start: param.start, end: param.end, message: `invalid parameter "${quoteExcerpt(param.value)}" of "listen"${why}` };
  }
  return undefined;
}
