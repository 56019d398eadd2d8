// One probe sequence for every front (CLI, LSP, --all): probe the site, read what the chosen
// server block expects, compare, and wrap it all in the report.
import type { ChosenServer } from '../service/probe/expectationFromConfig';
import { expectationFromConfig } from '../service/probe/expectationFromConfig';
import { compareWithConfig } from '../service/probe/compareWithConfig';
import { createProbeReport } from '../service/probe/formatProbeReport';
import type { ServerModel } from '../service/model/serverModel';
import type { ProbeExpectation, ProbeOptions, ProbeReport, ProbeTarget } from '../service/probe/types';
import { probeServer } from './probeServer';

/** The server block a probe compares with, chosen once by the caller (editor offset, CLI selection). */
export interface ConfiguredServer {
  model: ServerModel;
  chosen: ChosenServer;
  /** nginx version, when known: decides the default of ssl_protocols. */
  nginxVersion?: string;
}

/** The outcome of probing a site: the report, and the expectation it was compared with (if any). */
export interface ConfiguredProbe {
  report: ProbeReport;
  expectation: ProbeExpectation | undefined;
}

/**
 * Probes `target` and compares it with the chosen server block (or, without one, with what the
 * certificate and the protocol imply). Only ever called on an explicit user action.
 */
export async function probeConfiguredServer(
  target: ProbeTarget,
  config: ConfiguredServer | undefined,
  options: ProbeOptions,
  signal?: AbortSignal,
): Promise<ConfiguredProbe> {
  const expectation = config
    ? { ...expectationFromConfig(config.model, config.chosen), ...(config.nginxVersion ? { nginxVersion: config.nginxVersion } : {}) }
    : undefined;
  // nginx asks ssl_stapling_responder, when set, instead of the certificate's OCSP URL.
  const responder = expectation?.staplingResponder;
  // With stapling off (and no ssl_stapling_file) nginx never staples: a warm-up would only wait.
  const neverStaples = expectation !== undefined && expectation.staplingOn !== true && !expectation.staplingFile && options.warmupMs === undefined;
  const observation = await probeServer(target, { ...options, ...(responder !== undefined ? { ocspResponderUrl: responder } : {}), ...(neverStaples ? { warmupMs: 0 } : {}) }, signal);
  return { report: createProbeReport(observation, compareWithConfig(observation, expectation)), expectation };
}
