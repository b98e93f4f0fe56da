import { buildExperimentJsonSchema } from '@faultline/spec';
import type { CliIo } from '../io.js';
import { buildRegistry } from '../registry.js';

/** `faultline schema`: the JSON Schema for editors, with every provider's parameters. */
export async function schemaCommand(io: CliIo): Promise<number> {
  io.stdout.write(JSON.stringify(buildExperimentJsonSchema(await buildRegistry()), null, 2) + '\n');
  return 0;
}
