import type { RuleContext } from '../rule';
import type { ServerCertificate } from '../../model/serverCertificates';
import type { CertificateInfo } from '../../certificates';
import { allServers, servesCertificates } from '../../model/serverModel';
import { issuerAmong } from './staplingFacts';

/** Milliseconds in a day. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** A readable certificate of a server. */
export type ReadCertificate = Extract<ServerCertificate, { kind: 'ok' }>;

/** Visits each readable certificate of each server that hands certificates out. */
export function forEachCertificate(context: RuleContext, visit: (cert: ReadCertificate) => void): void {
  for (const server of allServers(context.model)) {
    if (!servesCertificates(server)) continue;
    for (const cert of context.certificates(server)) if (cert.kind === 'ok') visit(cert);
  }
}

/** A date as YYYY-MM-DD. */
export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Whole days from one date to another, by their days as printed (UTC): "2026-12-10" is 10 days after "2026-11-30" at any hour. */
export function calendarDays(from: Date, to: Date): number {
  const midnight = (d: Date): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Math.round((midnight(to) - midnight(from)) / DAY_MS);
}

/** "today", "tomorrow", "in N days" for a date ahead of `now`. */
export function fromNow(now: Date, date: Date): string {
  const days = calendarDays(now, date);
  return days <= 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`;
}

/** "today", "yesterday", "N days ago" for a date before `now`. */
export function beforeNow(now: Date, date: Date): string {
  const days = calendarDays(date, now);
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

/**
 * The CA certificate of the file that issued the leaf, when it is an intermediate (not a
 * self-signed root): nginx sends it, and clients verify the leaf through it. Certificates further
 * up are left alone: a client stops at a root it trusts, so an expired cross-signature of that
 * root in the file (Let's Encrypt's "ISRG Root X1" signed by "DST Root CA X3") breaks no one but
 * clients that lack the root.
 */
export function sentIssuer(cert: ReadCertificate): CertificateInfo | undefined {
  const issuer = issuerAmong(cert.leaf, cert.file.chain.slice(1));
  return issuer && !issuerAmong(issuer, [issuer]) ? issuer : undefined;
}
