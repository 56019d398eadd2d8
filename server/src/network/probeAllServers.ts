// `--all` and "Probe All Servers": every literal server name of a config's TLS blocks, probed N at
// a time through the same probeConfiguredServer as a single probe.
import type { ServerModel } from '../service/model/serverModel';
import type { ChosenServer } from '../service/probe/expectationFromConfig';
import type { ProbeExpectation, ProbeOptions, ProbeReport } from '../service/probe/types';
import { mapConcurrently } from './concurrency';
import { probeConfiguredServer } from './probeConfiguredServer';

/** Default number of servers probed at once. */
export const DEFAULT_SERVER_CONCURRENCY = 8;

/** How the servers of a config are reached. */
export interface ProbeAllSettings {
  /** Connect every probe to this host (and port, else each block's ssl port) instead of DNS. */
  connect?: { host: string; port?: number };
  concurrency?: number;
  nginxVersion?: string;
  /** Called after each server, with how many are done. */
  onProgress?: (done: number, total: number) => void;
}

/** One server name of the config, probed and compared with its block. */
export interface ServerProbe {
  chosen: ChosenServer;
  report: ProbeReport;
  expectation: ProbeExpectation | undefined;
}

/** Probes each target (chosen by probeTargetsOfConfig), at most `concurrency` at once; never throws. */
export async function probeAllServers(
  model: ServerModel,
  targets: readonly ChosenServer[],
  settings: ProbeAllSettings,
  options: ProbeOptions,
  signal?: AbortSignal,
): Promise<ServerProbe[]> {
  let done = 0;
  // Servers sharing a certificate share one check of its OCSP responder.
  const shared: ProbeOptions = { ...options, responderChecks: options.responderChecks ?? new Map() };
  return mapConcurrently(targets, settings.concurrency ?? DEFAULT_SERVER_CONCURRENCY, async (chosen) => {
    const port = chosen.listen.port ?? 443;
    const connect = settings.connect ? { connect: { host: settings.connect.host, port: settings.connect.port ?? port } } : {};
    const config = { model, chosen, ...(settings.nginxVersion ? { nginxVersion: settings.nginxVersion } : {}) };
    const { report, expectation } = await probeConfiguredServer({ serverName: chosen.serverName, port, ...connect }, config, shared, signal);
    settings.onProgress?.(++done, targets.length);
    return { chosen, report, expectation };
  });
}
