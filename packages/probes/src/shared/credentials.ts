import {
  FaultlineError, ProbeError, StringOrSecretSchema, describeSecretRef, isSecretValue, type CallContext, type StringOrSecret,
} from '@faultline/core';
import { Type } from '@sinclair/typebox';

/** Schema of a credential parameter: a literal string or `{ secretRef: { env | file | kubernetes } }`. */
export function CredentialSchema(description: string) {
  return Type.Unsafe<StringOrSecret>(StringOrSecretSchema(description));
}

/**
 * The credential's value for one probe call: a literal as is, a secret reference read now through
 * ctx.secrets (never cached, so a rotated secret is picked up). The value must stay in memory: never put
 * it in a detail, an error or a log line. A reference that cannot be read is a ProbeError naming it.
 */
export async function resolveCredential(value: StringOrSecret, ctx: Pick<CallContext, 'signal' | 'secrets'>, where: string): Promise<string> {
  if (!isSecretValue(value)) return value;
  const what = describeSecretRef(value.secretRef);
  if (!ctx.secrets) {
    throw new ProbeError(`${where}: secret reference (${what}) cannot be resolved: no secret resolver was given to this probe call`, {
      hint: 'Probes run by the engine get one; callers of probe.observe must pass ctx.secrets.',
    });
  }
  try {
    return await ctx.secrets.resolve(value.secretRef, ctx.signal);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const hint = err instanceof FaultlineError ? err.hint : undefined;
    const retryable = err instanceof FaultlineError ? err.retryable : false;
    throw new ProbeError(`${where}: ${message}`, { cause: err, retryable, ...(hint ? { hint } : {}) });
  }
}

/** Header values with secret references resolved, for one request. Keep the result in memory only. */
export async function resolveHeaderValues(
  headers: Readonly<Record<string, StringOrSecret>> | undefined, ctx: Pick<CallContext, 'signal' | 'secrets'>, where: string,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = await resolveCredential(value, ctx, `${where} header ${name}`);
  return out;
}
