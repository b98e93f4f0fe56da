import { Type, type TSchema } from '@sinclair/typebox';
import { ProviderError } from './errors.js';
import type { Json } from './json.js';

/**
 * Where a credential lives. Experiments, schedules and game days hold the reference, never the value;
 * the value is read at the moment of use (inject, revert, recover, probe, webhook) and kept in memory only.
 */
export type SecretRef =
  | { readonly env: string }
  | { readonly file: string }
  | { readonly kubernetes: { readonly namespace?: string; readonly name: string; readonly key: string } };

/** `{ secretRef: ... }` wherever a credential string may appear. */
export interface SecretValue {
  readonly secretRef: SecretRef;
}

/** A plain string or a secret reference. */
export type StringOrSecret = string | SecretValue;

const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

/** TypeBox schema of `{ secretRef: { env | file | kubernetes } }` for provider and spec schemas. */
export const SecretRefSchema: TSchema = Type.Object(
  {
    secretRef: Type.Union(
      [
        Type.Object({ env: Type.String({ pattern: ENV_NAME, description: 'Environment variable of the process that uses it (run, revert, recover).' }) }, { additionalProperties: false }),
        Type.Object({ file: Type.String({ minLength: 1, description: 'File whose content (trailing newline removed) is the secret, e.g. /var/run/secrets/unleash/token.' }) }, { additionalProperties: false }),
        Type.Object(
          {
            kubernetes: Type.Object(
              {
                namespace: Type.Optional(Type.String({ minLength: 1, description: "Namespace of the Secret. Default: the kubeconfig context's namespace, else default." })),
                name: Type.String({ minLength: 1, description: 'Name of the Secret.' }),
                key: Type.String({ minLength: 1, description: 'Key in the Secret data.' }),
              },
              { additionalProperties: false, description: 'A key of a Kubernetes Secret, read with the resolver\'s permissions.' },
            ),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'Exactly one of env, file or kubernetes.' },
    ),
  },
  { additionalProperties: false, description: 'A reference to a credential, resolved at the moment of use and never written anywhere.' },
);

/** A string, or a reference to a secret string. */
export function StringOrSecretSchema(description: string): TSchema {
  return Type.Union([Type.String(), SecretRefSchema], { description: `${description} A string or { secretRef: { env | file | kubernetes } }.` });
}

/** True for `{ secretRef: {...} }`. */
export function isSecretValue(v: unknown): v is SecretValue {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  const ref = (v as { secretRef?: unknown }).secretRef;
  return keys.length === 1 && keys[0] === 'secretRef' && !!ref && typeof ref === 'object' && !Array.isArray(ref);
}

/** How people see a reference in messages: `env UNLEASH_TOKEN`, `file /x/y`, `kubernetes Secret shop/unleash key token`. */
export function describeSecretRef(ref: SecretRef): string {
  if ('env' in ref) return `env ${ref.env}`;
  if ('file' in ref) return `file ${ref.file}`;
  const k = ref.kubernetes;
  return `kubernetes Secret ${k.namespace ? `${k.namespace}/` : ''}${k.name} key ${k.key}`;
}

/** One place a secret can come from: env, file, kubernetes. */
export interface SecretSource {
  readonly kind: 'env' | 'file' | 'kubernetes';
  /** The value, or throws an Error saying why not (the resolver adds which reference). Never put the value in the message. */
  read(ref: SecretRef, signal: AbortSignal): Promise<string>;
}

/** Resolves references at the moment of use and remembers the values it handed out, to scrub them from text. */
export interface SecretResolver {
  /** Throws ProviderError naming the reference (never the value) when it cannot be read. */
  resolve(ref: SecretRef, signal: AbortSignal): Promise<string>;
  /** `text` with every secret value this resolver has handed out replaced by [redacted]. */
  scrub(text: string): string;
}

export const SECRET_SCRUBBED = '[redacted]';

/** Values shorter than this are not scrubbed from free text (a 1-character "secret" would shred every message). */
const MIN_SCRUB_LENGTH = 4;

/** A resolver over the given sources. Resolution is never cached: a rotated secret is read afresh. */
export function createSecretResolver(sources: readonly SecretSource[]): SecretResolver {
  const seen = new Set<string>();
  const byKind = new Map(sources.map((s) => [s.kind, s]));
  return {
    async resolve(ref, signal) {
      const kind = 'env' in ref ? 'env' : 'file' in ref ? 'file' : 'kubernetes';
      const source = byKind.get(kind);
      const what = describeSecretRef(ref);
      if (!source) {
        throw new ProviderError(`secret reference (${what}) cannot be resolved: no ${kind} secret source is configured in this process`, {
          hint: kind === 'kubernetes' ? 'Give the process a kubeconfig (--kubeconfig) or use an env or file reference.' : 'Use an env, file or kubernetes reference that this process can read.',
        });
      }
      let value: string;
      try {
        value = await source.read(ref, signal);
      } catch (err) {
        throw new ProviderError(`secret reference (${what}) cannot be resolved: ${(err as Error).message}`, {
          retryable: true,
          hint: 'Make the secret available to the process that runs, reverts or recovers the experiment (the same reference is read again at revert time).',
        });
      }
      if (value.length >= MIN_SCRUB_LENGTH) seen.add(value);
      return value;
    },
    scrub(text) {
      let out = text;
      for (const v of seen) if (out.includes(v)) out = out.split(v).join(SECRET_SCRUBBED);
      return out;
    },
  };
}

/** Scrubs every string in a JSON value (keys included). */
export function scrubJson<T extends Json>(value: T, resolver: SecretResolver): T {
  const walk = (v: Json): Json => {
    if (typeof v === 'string') return resolver.scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [resolver.scrub(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** Replaces every `{ secretRef }` inside `value` with its resolved string. The result must stay in memory. */
export async function resolveSecretValues(value: Json, resolver: SecretResolver | undefined, signal: AbortSignal): Promise<Json> {
  if (isSecretValue(value)) {
    if (!resolver) {
      throw new ProviderError(`secret reference (${describeSecretRef(value.secretRef)}) cannot be resolved: no secret resolver was given to this call`, {
        hint: 'Callers of providers and probes pass ctx.secrets (the engine does).',
      });
    }
    return resolver.resolve(value.secretRef, signal);
  }
  if (Array.isArray(value)) return Promise.all(value.map((x) => resolveSecretValues(x, resolver, signal)));
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(value)) out[k] = await resolveSecretValues(x, resolver, signal);
    return out;
  }
  return value;
}

/** Every secret reference inside `value`, for plans and dry runs ("needs env UNLEASH_TOKEN"). */
export function secretRefsIn(value: unknown): SecretRef[] {
  if (isSecretValue(value)) return [value.secretRef];
  if (Array.isArray(value)) return value.flatMap(secretRefsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(secretRefsIn);
  return [];
}
