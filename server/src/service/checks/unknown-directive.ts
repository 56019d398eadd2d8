import type { Fix } from '../diagnostics';
import { ownCopy } from '../textScan';
import { quoteExcerpt } from '../quote';
import type { Directive } from '../parser/ast';
import { TABLE_VERSIONS, lookupDirective, suggestDirectiveNames, type DirectiveInfo, type NameSuggestion } from '../directives/directiveTable';
import type { DirectiveCheckMeta } from './check';
import { compareVersions } from '../versions';
import { DIRECTIVE_REMOVED, DIRECTIVE_SINCE } from '../directives/versionHistory';

export const unknownDirective: DirectiveCheckMeta = {
  id: 'unknown-directive',
  defaultSeverity: 'warning',
  summary: 'A directive no module of nginx (or of the known third-party modules) defines: nginx -t fails with "unknown directive".',
};

/**
 * Names of NGINX Plus and third-party modules the table does not list: an unknown name like these
 * is reported as information (the module may well be loaded), not as a likely typo.
 */
const THIRD_PARTY_LOOKING = new RegExp(
  '^(?:lua|js|more|echo|set|srcache|memc|redis2?|drizzle|postgres|rds|geoip2|brotli|zstd|vhost_traffic_status|vts|upload|uploads|'
  + 'track_uploads|report_uploads|passenger|pagespeed|modsecurity|naxsi|opentracing|opentelemetry|otel|app_protect|f5|subs|fancyindex|'
  + 'dav_ext|auth_pam|auth_ldap|ldap|nchan|push_stream|rtmp|sticky|check|waf|testcookie|xss|array|form|iconv|encrypted_session|'
  + 'replace_filter|auth_jwt|zone_sync|keyval|keyval_zone|health_check|ntlm|status_zone|api|oidc|mgmt|license_token|session_log|hls|'
  + 'f4f|mp4_limit|upstream_conf|vod|secure_token|akamai|wallarm|ct|ssl_ct|jdomain|dyups|vts|acme|ngx)(?:_|$)|_by_lua(?:_block|_file)?$|[A-Z]',
);

/** Whether an unknown name looks like a directive of a module this table does not know. */
export function looksThirdParty(name: string): boolean {
  return THIRD_PARTY_LOOKING.test(name);
}

/** A finding without its file (the caller adds the directive's). */
export interface UnknownFinding {
  severity: 'warning' | 'information';
  message: string;
  fixes: Fix[];
}

// Bounded: every prefix of a name being typed is a new key.
const MAX_SUGGESTIONS_KEPT = 5_000;
const suggestionCache = new Map<string, NameSuggestion[]>();

/**
 * The finding for a name the table does not know: a warning with "did you mean" fixes for a near
 * miss; information for a name that looks like another module's (unless it is one letter off a
 * known name), since that module may be loaded; a warning otherwise.
 */
export function checkUnknownName(d: Directive, context: number): UnknownFinding {
  const block = !!d.block;
  const key = `${d.name}\0${context}\0${block}`;
  let suggestions = suggestionCache.get(key);
  if (!suggestions) {
    // Only names that take a block as this one has one, or not: "geoip2 FILE { ... }" is no "geoip_city" (nginx -t: not terminated by ";").
    suggestions = suggestDirectiveNames(d.name, context, 6).filter((s) => lookupDirective(s.name)?.variants.some((v) => !!v.def.block === block)).slice(0, 3);
    if (suggestionCache.size >= MAX_SUGGESTIONS_KEPT) suggestionCache.clear();
    suggestionCache.set(ownCopy(key), suggestions);
  }
  const where = `nginx ${TABLE_VERSIONS.nginxVersion}`;
  const fixes: Fix[] = suggestions.map((s) => ({
    title: `Change to "${s.name}"`,
    edits: [{ file: d.file, start: d.nameToken.start, end: d.nameToken.end, newText: s.name }],
  }));
  const thirdParty = looksThirdParty(d.name);
  if (suggestions.length > 0 && (!thirdParty || suggestions[0].distance <= 1)) {
    return { severity: 'warning', message: `unknown directive "${quoteExcerpt(d.name)}": did you mean "${suggestions[0].name}"? (nginx -t fails with unknown directive)`, fixes };
  }
  if (thirdParty) {
    return {
      severity: 'information',
      message: `unknown directive "${quoteExcerpt(d.name)}": not defined by ${where} or the third-party modules known here; if it comes from NGINX Plus or another module, that module must be loaded (load_module) or nginx -t fails`,
      fixes,
    };
  }
  return { severity: 'warning', message: `unknown directive "${quoteExcerpt(d.name)}": no module of ${where} or the known third-party modules defines it (nginx -t fails with unknown directive)`, fixes };
}

/**
 * When the user's nginx version is known: a directive only newer nginx has, used with an nginx
 * older than the version that introduced it (exactly known for some, else `from` bounds it
 * above the table's base), or one a newer nginx removed (`goneIn`), used with it. Removals with
 * a known version (`ssl`) are directive-removed's.
 */
export function checkVersion(d: Directive, info: DirectiveInfo, nginxVersion: string | undefined): string | undefined {
  if (!nginxVersion || !/^\d+(\.\d+)*$/.test(nginxVersion)) return undefined;
  const defs = info.variants.map((v) => v.def).filter((def) => !def.thirdParty);
  if (defs.length === 0) return undefined;
  if (defs.every((def) => def.from)) {
    const since = DIRECTIVE_SINCE[d.name];
    if (since !== undefined && compareVersions(nginxVersion, since) < 0) {
      return `unknown directive "${quoteExcerpt(d.name)}" in nginx ${nginxVersion}: available since nginx ${since}`;
    }
    if (since === undefined && compareVersions(nginxVersion, TABLE_VERSIONS.nginxVersion) <= 0) {
      return `unknown directive "${quoteExcerpt(d.name)}" in nginx ${nginxVersion}: it first appears in a later version (nginx ${defs[0].from} has it)`;
    }
  }
  if (DIRECTIVE_REMOVED[d.name]) return undefined;
  const gone = defs.every((def) => def.goneIn) ? defs[0].goneIn : undefined;
  if (gone && compareVersions(nginxVersion, gone) >= 0) {
    const instead = defs.find((def) => def.deprecated)?.deprecated;
    return `unknown directive "${quoteExcerpt(d.name)}" in nginx ${nginxVersion}: it was removed after ${TABLE_VERSIONS.nginxVersion}${instead ? ` (use "${instead}")` : ''}`;
  }
  return undefined;
}
