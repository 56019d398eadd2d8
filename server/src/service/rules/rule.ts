import type { Fix, RelatedLocation, Severity } from '../diagnostics';
import type { AnalysisSettings } from '../settings';
import { allServers, type ServerModel, type HttpServer } from '../model/serverModel';
import type { ServerCertificate } from '../model/serverCertificates';
import type { StaplingFacts } from './support/staplingFacts';

/** What a rule sees: the servers and sockets of one config tree, their certificates and stapling facts. */
export interface RuleContext {
  model: ServerModel;
  settings: AnalysisSettings;
  certificates(server: HttpServer): ServerCertificate[];
  /** The server's stapling settings and certificates, computed once per server. */
  stapling(server: HttpServer): StaplingFacts;
}

/** A finding of a rule, in offsets; the severity defaults to the rule's. */
export interface RuleFinding {
  file: string;
  start: number;
  end: number;
  message: string;
  severity?: Severity;
  fixes?: Fix[];
  related?: RelatedLocation[];
}

/**
 * The check of a rule whose findings for a server depend on nothing but that server: its settings
 * in effect (own and inherited), whether it speaks TLS, its certificates and stapling facts (and
 * the files they read), the settings, and the texts of the files its directives are in. No state
 * shared between servers: the editor keeps the findings per server (see ServerFactsMemo).
 */
export interface PerServerCheck {
  /** `http`: the servers of `http {}`; `all`: those of `stream {}` too (see allServers). */
  servers: 'http' | 'all';
  check(server: HttpServer, context: RuleContext): RuleFinding[];
}

/** A rule: stable kebab-case id (= file name = docs page), default severity, summary, check. */
export interface Rule {
  id: string;
  defaultSeverity: Severity;
  summary: string;
  check(context: RuleContext): RuleFinding[];
  /** Set when `check` is this per-server check run on every server in order (see serverRule). */
  perServer?: PerServerCheck;
}

/** A rule made of a per-server check: `check` runs it on each server in the model's order. */
export function serverRule(rule: Omit<Rule, 'check' | 'perServer'> & { perServer: PerServerCheck }): Rule {
  const { perServer } = rule;
  return {
    ...rule,
    check: (context) => serversOf(context.model, perServer.servers).flatMap((server) => perServer.check(server, context)),
  };
}

/** The servers a per-server check runs on. */
export function serversOf(model: ServerModel, which: PerServerCheck['servers']): HttpServer[] {
  return which === 'all' ? allServers(model) : model.servers;
}
