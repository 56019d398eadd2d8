import type { RuleContext } from '../rule';
import type { ServerCertificate } from '../../model/serverCertificates';
import { servesCertificates, type HttpServer } from '../../model/serverModel';
import type { StaplingFacts } from './staplingFacts';

/** A certificate nginx itself fetches OCSP responses for, with its server and that server's facts. */
export interface FetchedStaple {
  server: HttpServer;
  facts: StaplingFacts;
  certificate: Extract<ServerCertificate, { kind: 'ok' }>;
}

/**
 * Every readable certificate of every server that hands certificates out and staples by fetching
 * (`ssl_stapling on`, no `ssl_stapling_file`, certificates not loaded per handshake).
 */
export function fetchedStaples(context: RuleContext): FetchedStaple[] {
  return context.model.servers.flatMap((server) => fetchedStaplesOf(server, context));
}

function fetchedStaplesOf(server: HttpServer, context: RuleContext): FetchedStaple[] {
  if (!servesCertificates(server)) return [];
  const facts = context.stapling(server);
  if (!facts.on || facts.file || facts.perHandshake) return [];
  return facts.certificates.flatMap((certificate) => (certificate.kind === 'ok' ? [{ server, facts, certificate }] : []));
}
