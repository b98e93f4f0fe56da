import type { Registry } from '@faultline/core';
import type { TSchema } from '@sinclair/typebox';
import { plainSchema } from '../schema/entry-kinds.js';
import { experimentSchema } from '../schema/experiment-schema.js';

/** Where the published schema lives; editors reference it with `# yaml-language-server: $schema=...`. */
export const EXPERIMENT_SCHEMA_ID = 'https://faultline.dev/schemas/experiment.schema.json';

/**
 * The JSON Schema (draft-07) of experiment files for editors. With a registry, target selectors,
 * probe parameters and each fault type's `with:` are validated too (if/then on `type`); without one,
 * only the structure. Every property has a description for hovers and completion.
 */
export function buildExperimentJsonSchema(registry?: Registry): Record<string, unknown> {
  const kinds = <T>(map: ReadonlyMap<string, T> | undefined, schemaOf: (v: T) => TSchema) =>
    map ? new Map([...map.entries()].map(([k, v]) => [k, schemaOf(v)] as const)) : ('object' as const);
  const schema = experimentSchema({
    targets: kinds(registry?.resolvers, (r) => r.selectorSchema as TSchema),
    probes: kinds(registry?.probes, (p) => p.paramsSchema as TSchema),
    faults: kinds(registry?.faults, (f) => f.paramsSchema as TSchema),
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: EXPERIMENT_SCHEMA_ID,
    title: 'Faultline experiment',
    ...plainSchema(schema),
  };
}

/** The schema as the text of `experiments/schema/experiment.schema.json` (stable, 2-space JSON). */
export function renderExperimentJsonSchema(registry?: Registry): string {
  return `${JSON.stringify(buildExperimentJsonSchema(registry), null, 2)}\n`;
}
