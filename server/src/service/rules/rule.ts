import type { Fix, RelatedLocation, Severity } from '../diagnostics';
import type { ServerModel, HttpServer } from '../model/serverModel';
import type { ServerCertificate } from '../model/serverCertificates';

/** Settings the rules honour (the `nginxTls.*` settings). */
export interface RuleSettings {
  /** e.g. "1.22.1"; undefined when unknown (messages stay conservative). */
  nginxVersion: string | undefined;
  /** Resolver addresses the quick-fixes insert. */
  resolvers: string;
  /** Days before notAfter from which a certificate is reported as expiring. */
  expiryWarningDays: number;
  /** False in untrusted workspaces: certificates are then not read. */
  readCertificates: boolean;
  /** The time certificates are judged at. */
  now: Date;
  /** Per-rule severity override, or `off`. */
  severities: Record<string, Severity | 'off'>;
}

/** Defaults matching package.json's settings. */
export const DEFAULT_RULE_SETTINGS: RuleSettings = {
  nginxVersion: undefined,
  resolvers: '8.8.8.8 1.1.1.1',
  expiryWarningDays: 30,
  readCertificates: true,
  now: new Date(),
  severities: {},
};

/** What a rule sees: the servers and sockets of one config tree, and their certificates. */
export interface RuleContext {
  model: ServerModel;
  settings: RuleSettings;
  certificates(server: HttpServer): ServerCertificate[];
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
