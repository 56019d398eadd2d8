import type { ConfigTree } from './model/configTree';
import { RULES } from './rules';
import { serversOf, type Rule, type RuleContext, type RuleFinding } from './rules/rule';
import { capMessage } from './quote';
import { checkBlockStructure } from './checks/checkBlockStructure';
import { runDirectiveChecks } from './checks';
import { buildServerModel, type HttpServer } from './model/serverModel';
import { serverCertificates, type ServerCertificate } from './model/serverCertificates';
import { staplingFacts, type StaplingFacts } from './rules/support/staplingFacts';
import { completeSettings, type AnalysisSettings } from './settings';
import { createReporter, type Reporter } from './report';
import type { ConfigDiagnostic } from './diagnostics';
import type { BlockCheckMemo } from './checks/blockCheckMemo';
import type { ServerFactsMemo } from './rules/support/serverFactsMemo';

/** What an analysis may take from earlier analyses of the same tree (the editor keeps one per tree, see AnalysisCache). */
export interface KeptAnalysis {
  /** Directive-check findings of unchanged block bodies. */
  blocks: BlockCheckMemo;
  /** Certificates, stapling facts and per-server rule findings of servers whose inputs did not change. */
  facts: ServerFactsMemo;
  /** The file reads' generation (fileSnapshot.ts): facts read from disk are kept within one only. */
  generation: number;
  /** The analysis settings summed up (AnalysisCache's key): rule results are kept under one only. */
  settingsKey: string;
}

/** Whether a server block is broken by a syntax error: rules skip it rather than pile onto it. */
function isBroken(tree: ConfigTree, server: HttpServer): boolean {
  const block = server.directive.block;
  if (!block || block.close === undefined) return true;
  const parsed = tree.files.get(server.directive.file);
  return !!parsed?.problems.some((p) => p.start >= server.directive.start && p.start <= server.directive.end);
}

/** The context the rules share: the server model, and per-server facts computed once (or taken from `memo`, already begun for this analysis). */
export function createRuleContext(tree: ConfigTree, partial: Partial<AnalysisSettings> = {}, memo?: ServerFactsMemo): RuleContext {
  const settings = completeSettings(partial);
  const model = buildServerModel(tree, (s) => isBroken(tree, s));
  const certificateCache = new Map<HttpServer, ServerCertificate[]>();
  const staplingCache = new Map<HttpServer, StaplingFacts>();
  const context: RuleContext = {
    model,
    settings,
    certificates(server) {
      let certs = certificateCache.get(server);
      if (!certs) {
        const compute = (): ServerCertificate[] => serverCertificates(server, tree, settings.readCertificates);
        certs = memo ? memo.certificatesOf(server, compute) : compute();
        certificateCache.set(server, certs);
      }
      return certs;
    },
    stapling(server) {
      let facts = staplingCache.get(server);
      if (!facts) {
        const certificates = context.certificates(server);
        const compute = (): StaplingFacts => staplingFacts(server, tree, certificates, settings.readCertificates);
        facts = memo ? memo.staplingOf(server, compute) : compute();
        staplingCache.set(server, facts);
      }
      return facts;
    },
  };
  return context;
}

/** Runs every TLS rule on a tree, reporting through `reporter` (whose settings may turn a rule off). */
export function runRules(tree: ConfigTree, partial: Partial<AnalysisSettings> = {}, reporter: Reporter = createReporter(partial.severities), kept?: KeptAnalysis): ConfigDiagnostic[] {
  const settings = completeSettings(partial);
  const enabled = RULES.filter((rule) => reporter.enabled(rule.id));
  if (enabled.length === 0) return reporter.diagnostics;
  const memo = kept?.facts.begin(tree, kept.generation, kept.settingsKey, settings.readCertificates) ? kept.facts : undefined;
  const context = createRuleContext(tree, settings, memo);
  if (context.model.servers.length === 0 && context.model.streamServers.length === 0) return reporter.diagnostics;
  const diagnosticOf = (rule: Rule, f: RuleFinding): ConfigDiagnostic =>
    ({ file: f.file, start: f.start, end: f.end, severity: f.severity ?? rule.defaultSeverity, code: rule.id, message: f.message, fixes: f.fixes ?? [], related: f.related ?? [] });
  // Kept per-server findings are kept as the diagnostics they were reported as: making them again
  // from findings of many shapes, on every analysis, cost more than the rest of the rules in a tree of 200 sites.
  const reported = (rule: Rule): ConfigDiagnostic[] => {
    const perServer = rule.perServer;
    if (!perServer || !memo) return rule.check(context).map((f) => diagnosticOf(rule, f));
    const out: ConfigDiagnostic[] = [];
    for (const server of serversOf(context.model, perServer.servers)) {
      for (const d of memo.findingsOf(rule.id, server, () => perServer.check(server, context).map((f) => diagnosticOf(rule, f)))) out.push(d);
    }
    return out;
  };
  for (const rule of enabled) for (const d of reported(rule)) reporter.report(d);
  return reporter.diagnostics;
}

/**
 * All diagnostics of a loaded tree, every producer reporting through one reporter that applies
 * the severity settings: file, include and syntax problems first, then the directive checks and
 * the rules. `kept` carries what earlier analyses of the same tree found that still holds.
 */
export function analyzeTree(tree: ConfigTree, partial: Partial<AnalysisSettings> = {}, kept?: KeptAnalysis): ConfigDiagnostic[] {
  const settings = completeSettings(partial);
  const reporter = createReporter(settings.severities);
  for (const d of tree.diagnostics) reporter.report(d);
  for (const d of checkBlockStructure(tree)) reporter.report(d);
  runDirectiveChecks(tree, settings, reporter, kept?.blocks);
  runRules(tree, settings, reporter, kept);
  // New objects where a message is capped: the tree's own diagnostics may be shared with later analyses.
  return reporter.diagnostics.map((d) => {
    const message = capMessage(d.message);
    return message === d.message ? d : { ...d, message };
  });
}
