import type { ConfigTree } from '../service/model/configTree';
import { compareWithConfig } from '../service/probe/compareWithConfig';
import { expectationFromConfig } from '../service/probe/expectationFromConfig';
import { createProbeReport } from '../service/probe/formatProbeReport';
import type { ProbeExpectation, ProbeOptions, ProbeReport } from '../service/probe/types';
import { probeServer } from './probeServer';

/** The outcome of probing the live site of a config's server block. */
export type ConfiguredProbe =
  | { ok: true; report: ProbeReport; expectation: ProbeExpectation }
  | { ok: false; reason: string };

/**
 * Probes the site behind one server block: reads what the config expects, connects to its
 * name (or `connect`), and compares. Only ever called on an explicit user action.
 */
export async function probeConfiguredServer(
  tree: ConfigTree,
  selection: { serverName: string; port?: number },
  options: ProbeOptions & { connect?: { host: string; port: number } },
  signal?: AbortSignal,
): Promise<ConfiguredProbe> {
  const selected = expectationFromConfig(tree, selection);
  if (!selected.ok) return { ok: false, reason: selected.reason };
  const expectation = selected.expectation;
  const target = { serverName: selection.serverName, port: expectation.port, ...(options.connect ? { connect: options.connect } : {}) };
  const observation = await probeServer(target, options, signal);
  return { ok: true, report: createProbeReport(observation, compareWithConfig(observation, expectation)), expectation };
}
