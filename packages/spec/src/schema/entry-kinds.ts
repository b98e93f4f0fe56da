import { Type, type TSchema } from '@sinclair/typebox';

/**
 * How the open "one key names the kind" entries (targets, probes, guards) and fault `with:` are
 * expressed in a schema:
 * - 'open': anything; the parser checks these keys itself to give better messages.
 * - 'object': any key with a map value (editor schema without a registry).
 * - a kinds map: exactly one of the known kinds, each with its own schema (editor schema).
 */
export type EntryKinds = 'open' | 'object' | ReadonlyMap<string, TSchema>;

export interface OpenEntryOptions {
  readonly fixed: Record<string, TSchema>;
  readonly required: readonly string[];
  readonly kinds: EntryKinds;
  /** Describes the kind key, e.g. 'The probe kind'. */
  readonly kindWhat: string;
  readonly description: string;
}

/** An object with fixed keys plus exactly one key naming its kind. */
export function OpenEntry(options: OpenEntryOptions): TSchema {
  const { fixed, required, kinds } = options;
  if (kinds === 'open' || kinds === 'object') {
    return Type.Unsafe({
      type: 'object',
      properties: fixed,
      required: [...required],
      additionalProperties:
        kinds === 'open' ? true : { type: 'object', description: `${options.kindWhat}: one key naming the kind, with its parameters.` },
      description: options.description,
    });
  }
  const names = [...kinds.keys()].sort();
  const properties: Record<string, unknown> = { ...fixed };
  for (const name of names) {
    const schema = kinds.get(name) as TSchema;
    properties[name] = { ...plainSchema(schema), description: (schema['description'] as string | undefined) ?? `${options.kindWhat} '${name}' and its parameters.` };
  }
  return Type.Unsafe({
    type: 'object',
    properties,
    required: [...required],
    additionalProperties: false,
    // oneOf over "has key k" is how JSON Schema says "exactly one of these keys".
    ...(names.length > 0 ? { oneOf: names.map((n) => ({ required: [n] })) } : {}),
    description: options.description,
  });
}

/** A TypeBox schema as plain JSON (drops TypeBox's symbol keys; safe to embed and publish). */
export function plainSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}
