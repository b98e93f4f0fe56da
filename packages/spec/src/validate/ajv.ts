import { InternalError } from '@faultline/core';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type FormatsPlugin = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS; depending on the loader its function is the module or its `default`.
export const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;

/**
 * Options of every Ajv instance here, including the one that generates the precompiled experiment
 * validator (precompiled/): the generated code must report exactly what a runtime compile would.
 */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false, strictNumbers: true, logger: false } as const;

let shared: Ajv | undefined;

/**
 * The one Ajv instance: all errors (every issue is reported, not the first), verbose (errors carry
 * the failing schema and value, which the messages use), draft-07 (what TypeBox emits and editors
 * support best). `strict: false` because provider schemas may carry annotations Ajv does not know.
 */
export function sharedAjv(): Ajv {
  if (!shared) {
    shared = new Ajv({ ...AJV_OPTIONS });
    addFormats(shared);
  }
  return shared;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles once per schema object. A schema Ajv cannot compile is a bug in whoever wrote it. */
export function compileSchema(schema: object, owner: string): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    try {
      fn = sharedAjv().compile(schema);
    } catch (err) {
      throw new InternalError(`the JSON schema of ${owner} does not compile: ${(err as Error).message}; fix that schema`, { cause: err });
    }
    compiled.set(schema, fn);
  }
  return fn;
}

/** What runValidator needs of a validator: Ajv's compiled function, or a precompiled (standalone) one. */
export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null | undefined;
}

/** Runs a compiled validator; returns its errors (empty when valid). */
export function runValidator(fn: Validator, data: unknown): ErrorObject[] {
  return fn(data) ? [] : [...(fn.errors ?? [])];
}
