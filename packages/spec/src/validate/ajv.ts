import { InternalError } from '@faultline/core';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type FormatsPlugin = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS; depending on the loader its function is the module or its `default`.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;

let shared: Ajv | undefined;

/**
 * The one Ajv instance: all errors (every issue is reported, not the first), verbose (errors carry
 * the failing schema and value, which the messages use), draft-07 (what TypeBox emits and editors
 * support best). `strict: false` because provider schemas may carry annotations Ajv does not know.
 */
export function sharedAjv(): Ajv {
  if (!shared) {
    shared = new Ajv({ allErrors: true, verbose: true, strict: false, strictNumbers: true, logger: false });
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

/** Runs a compiled validator; returns its errors (empty when valid). */
export function runValidator(fn: ValidateFunction, data: unknown): ErrorObject[] {
  return fn(data) ? [] : [...(fn.errors ?? [])];
}
