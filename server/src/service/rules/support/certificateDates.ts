import type { RuleContext } from '../rule';
import type { ServerCertificate } from '../../model/serverCertificates';
import { allServers, servesCertificates } from '../../model/serverModel';

/** Milliseconds in a day. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Visits each readable certificate of each server that hands certificates out. */
export function forEachCertificate(context: RuleContext, visit: (cert: Extract<ServerCertificate, { kind: 'ok' }>) => void): void {
  for (const server of allServers(context.model)) {
    if (!servesCertificates(server)) continue;
    for (const cert of context.certificates(server)) if (cert.kind === 'ok') visit(cert);
  }
}

/** A date as YYYY-MM-DD. */
export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
