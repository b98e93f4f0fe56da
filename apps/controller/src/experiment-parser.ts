import type { Experiment, Registry } from '@faultline/core';
import { parseExperiment } from '@faultline/spec';

/** Parses and validates experiment text against the controller's registry (allow-listed providers). */
export type ExperimentParser = (text: string, source: string) => Promise<Experiment>;

export function experimentParser(registry: Registry): ExperimentParser {
  return async (text, source) => parseExperiment(text, { file: source, registry });
}
