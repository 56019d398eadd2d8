import type { Fix, RelatedLocation, Severity } from '../diagnostics';
import type { AnalysisSettings } from '../settings';
import type { ServerModel, HttpServer } from '../model/serverModel';
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

/** A rule: stable kebab-case id (= file name = docs page), default severity, summary, check. */
export interface Rule {
  id: string;
  defaultSeverity: Severity;
  summary: string;
  check(context: RuleContext): RuleFinding[];
}
