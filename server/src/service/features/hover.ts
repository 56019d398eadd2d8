import * as path from 'node:path';
import type { Directive } from '../parser/ast';
import { treePositions, type ConfigTree } from '../model/configTree';
import { ContextKind, TABLE_VERSIONS, contextLabels, docUrl, lookupDirective, signature, variantsIn, type DirectiveVariant } from '../directives/directiveTable';
import { DESCRIPTIONS, isTlsDirective } from '../directives/descriptions';
import { buildServerModel, effective, type HttpServer, type Placed } from '../model/serverModel';
import { contextKindOf, locateDirective } from './locate';

/** Hover content for a range of a file, as Markdown. */
export interface HoverResult {
  start: number;
  end: number;
  markdown: string;
}

/** `conf/ssl.conf:12`: a directive's file relative to the conf prefix, and its line. */
export function describePlace(tree: ConfigTree, d: Directive): string {
  const line = treePositions(tree).positionAt(d.file, d.start).line + 1;
  const rel = path.relative(tree.prefix, d.file) || path.basename(d.file);
  return `${rel.startsWith('..') ? d.file : rel}:${line}`;
}

function valueOf(d: Directive): string {
  return d.args.map((a) => a.raw).join(' ');
}

function describeEffective(tree: ConfigTree, server: HttpServer, name: string): string | undefined {
  const e = effective(server, name);
  if (!e) return `**In effect for this server:** not set (nginx's default applies)`;
  const values = e.placed.map((p: Placed) => `\`${valueOf(p.directive)}\` (${describePlace(tree, p.directive)})`);
  const origin = e.inherited ? 'inherited from `http`' : 'set in this server';
  const shadowed = !e.inherited ? server.inherited.get(name) : undefined;
  const overrides = shadowed?.length ? `; it overrides \`${valueOf(shadowed[shadowed.length - 1].directive)}\` from \`http\` (${describePlace(tree, shadowed[shadowed.length - 1].directive)})` : '';
  return `**In effect for this server** (${origin}): ${values.join(', ')}${overrides}`;
}

/** The TLS settings a server summary lists on hover of its `server` keyword. */
const SUMMARY_DIRECTIVES = ['ssl_certificate', 'ssl_protocols', 'ssl_stapling', 'ssl_stapling_verify', 'ssl_trusted_certificate', 'ssl_session_cache', 'ssl_session_tickets', 'resolver', 'resolver_timeout'];

/** What an http server uses for its main TLS settings: own, inherited from http (with file:line), or default. */
function serverSummary(tree: ConfigTree, server: HttpServer): string {
  const lines = ['**TLS settings in effect for this server**', ''];
  for (const name of SUMMARY_DIRECTIVES) {
    const e = effective(server, name);
    if (!e) { lines.push(`- \`${name}\`: not set (default)`); continue; }
    const values = e.placed.map((p) => `\`${valueOf(p.directive)}\``).join(', ');
    const last = e.placed[e.placed.length - 1].directive;
    lines.push(`- \`${name}\`: ${values} — ${e.inherited ? 'inherited from `http`' : 'own'} (${describePlace(tree, last)})`);
  }
  lines.push('', `Speaks TLS: ${server.tls ? 'yes' : 'no'} · listens on ${server.listens.map((l) => l.socket).join(', ')}`);
  return lines.join('\n');
}

/** For a TLS directive: what applies in the server it sits in, or which servers override an http-level one. */
function effectiveSection(tree: ConfigTree, d: Directive, ancestors: readonly Directive[]): string | undefined {
  const serverBlock = ancestors.find((a) => a.name === 'server');
  const atHttp = !serverBlock && ancestors.length > 0 && ancestors[ancestors.length - 1].name === 'http';
  if (!serverBlock && !atHttp) return undefined;
  const model = buildServerModel(tree);
  if (serverBlock) {
    const server = model.servers.find((s) => s.directive === serverBlock);
    return server ? describeEffective(tree, server, d.name) : undefined;
  }
  const overriding = model.servers.filter((s) => s.own.get(d.name)?.length);
  if (overriding.length === 0) return `**In effect:** for all ${model.servers.length} server(s) of this \`http\` block (none sets its own)`;
  const names = overriding.slice(0, 5).map((s) => `\`${s.names[0]?.value || 'server'}\` (${describePlace(tree, s.directive)})`);
  return `**Overridden by** ${overriding.length} server(s): ${names.join(', ')}${overriding.length > 5 ? ', ...' : ''}`;
}

function variantLines(variants: readonly DirectiveVariant[]): string[] {
  const lines: string[] = [];
  const signatures = [...new Set(variants.map((v) => signature(v.def)))];
  lines.push('```nginx', ...signatures, '```');
  return lines;
}

/** Markdown describing a directive name (used by hover and completion). */
export function describeDirective(name: string, context: number): string | undefined {
  const info = lookupDirective(name);
  if (!info) return undefined;
  const here = context !== ContextKind.Unchecked ? variantsIn(info, context) : [];
  const variants = here.length ? here : info.variants;
  const lines = variantLines(variants);
  const description = DESCRIPTIONS[name];
  if (description) lines.push('', description);
  lines.push('');
  const modules = [...new Set(variants.map((v) => v.def.module))].join(', ');
  lines.push(`**Context:** ${contextLabels(variants.reduce((m, v) => m | v.contexts, 0)).join(', ')} · **Module:** ${modules}`);
  for (const v of variants) {
    if (v.def.deprecated) lines.push('', `Deprecated: nginx suggests \`${v.def.deprecated}\` instead.`);
    if (v.def.from) lines.push('', `Not in nginx ${TABLE_VERSIONS.nginxVersion}; present in nginx ${v.def.from}.`);
    if (v.def.goneIn) lines.push('', `Removed: nginx ${v.def.goneIn} no longer has it.`);
    if (v.def.thirdParty) lines.push('', `Third-party module (${v.module.package}): it must be installed and loaded.`);
    else if (v.module.build === 'dynamic') lines.push('', `Debian builds ${v.def.module} as a dynamic module: it needs \`load_module\`.`);
    else if (v.module.build === 'no') lines.push('', `Debian's nginx does not include ${v.def.module}.`);
  }
  const links = [...new Set(variants.map(docUrl).filter((u): u is string => !!u))];
  if (links.length) lines.push('', links.map((u) => `[Documentation](${u})`).join(' · '));
  return lines.join('\n');
}

/**
 * Hover on a directive name: its signature, contexts, module, our description and the link to
 * nginx's documentation; on a TLS directive (ssl_*, resolver*) inside a server, also the value in
 * effect there (and the http-level value it overrides, with files and lines); on an http-level
 * one, the servers that override it; on the `server` keyword, the server's main TLS settings,
 * each own or inherited from http.
 */
export function hoverAt(tree: ConfigTree, file: string, offset: number): HoverResult | undefined {
  const at = locateDirective(tree, file, offset);
  if (!at || at.tokenIndex !== -1) return undefined;
  const d = at.directive;
  if (d.name === 'server' && d.block && at.ancestors[at.ancestors.length - 1]?.name === 'http') {
    const server = buildServerModel(tree).servers.find((s) => s.directive === d);
    if (server) return { start: d.nameToken.start, end: d.nameToken.end, markdown: serverSummary(tree, server) };
  }
  const context = contextKindOf(tree, at.ancestors);
  const described = describeDirective(d.name, context);
  if (!described) return undefined;
  const parts = [described];
  if (isTlsDirective(d.name)) {
    const section = effectiveSection(tree, d, at.ancestors);
    if (section) parts.push('', section);
  }
  return { start: d.nameToken.start, end: d.nameToken.end, markdown: parts.join('\n') };
}
