import type { Experiment, Registry } from '@faultline/core';
import { parseExperiment } from '@faultline/spec';
import { assertOutboundHostsAllowed } from './outbound-hosts.js';

/** Parses and validates experiment text against the controller's registry (allow-listed providers). */
export type ExperimentParser = (text: string, source: string) => Promise<Experiment>;

/**
 * Also refuses notify webhook and Grafana URLs outside `allowHosts` (the controller's `--allow-host`
 * list, undefined = any host), so a submitted experiment cannot make the controller call anywhere.
 */
export function experimentParser(registry: Registry, opts: { allowHosts?: readonly string[] } = {}): ExperimentParser {
  return async (text, source) => {
    const experiment = parseExperiment(text, { file: source, registry });
    assertOutboundHostsAllowed(experiment, opts.allowHosts, source);
    return experiment;
  };
}
