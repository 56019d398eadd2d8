import type { ConfigDiagnostic, Severity } from './diagnostics';
import type { ConfigTree } from './model/configTree';
import { RULES } from './rules';
import { capMessage } from './quote';
import { DEFAULT_RULE_SETTINGS, type RuleContext, type RuleSettings } from './rules/rule';
import { checkBlockStructure } from './checks/checkBlockStructure';
import { DIRECTIVE_CHECKS, runDirectiveChecks } from './checks';
import { buildServerModel, type HttpServer } from './model/serverModel';
import { serverCertificates, type ServerCertificate } from './model/serverCertificates';

/** Settings the analysis honours (the `nginxTls.*` settings, minus the editor-only ones). */
export interface AnalysisSettings {
  maxFileSize?: number;
  rules?: Partial<RuleSettings>;
}

/** Where each rule's documentation page lives in the repository (the directive checks share one). */
export function ruleDocsPath(id: string): string {
  return DIRECTIVE_CHECKS.some((c) => c.id === id) ? 'docs/directives.md' : `docs/rules/${id}.md`;
}

/** Whether a server block is broken by a syntax error: rules skip it rather than pile onto it. */
function isBroken(tree: ConfigTree, server: HttpServer): boolean {
  const block = server.directive.block;
  if (!block || block.close === undefined) return true;
  const parsed = tree.files.get(server.directive.file);
  return !!parsed?.problems.some((p) => p.start >= server.directive.start && p.start <= server.directive.end);
}

/** Runs every TLS rule on a tree, applying severity overrides (`off` drops a rule). */
export function runRules(tree: ConfigTree, settings: RuleSettings): ConfigDiagnostic[] {
  const model = buildServerModel(tree, (s) => isBroken(tree, s));
  if (model.servers.length === 0) return [];
  const certificateCache = new Map<HttpServer, ServerCertificate[]>();
  const context: RuleContext = {
    model,
    settings,
    certificates(server) {
      let certs = certificateCache.get(server);
      if (!certs) {
        certs = serverCertificates(server, tree, settings.readCertificates);
        certificateCache.set(server, certs);
      }
      return certs;
    },
  };
  const out: ConfigDiagnostic[] = [];
  for (const rule of RULES) {
    const override = settings.severities[rule.id];
    if (override === 'off') continue;
    for (const f of rule.check(context)) {
      const severity: Severity = override ?? f.severity ?? rule.defaultSeverity;
      out.push({ file: f.file, start: f.start, end: f.end, severity, code: rule.id, message: f.message, fixes: f.fixes ?? [], related: f.related ?? [] });
    }
  }
  return out;
}

/** All diagnostics of a loaded tree: syntax, include and file problems first, then the rules. */
export function analyzeTree(tree: ConfigTree, settings: AnalysisSettings): ConfigDiagnostic[] {
  const ruleSettings: RuleSettings = { ...DEFAULT_RULE_SETTINGS, now: new Date(), ...settings.rules };
  const all = [...tree.diagnostics, ...checkBlockStructure(tree), ...runDirectiveChecks(tree, ruleSettings), ...runRules(tree, ruleSettings)];
  for (const d of all) d.message = capMessage(d.message);
  return all;
}
