import { isSecretValue, ProviderError, SecretRefSchema, type Target, type TargetResolver } from '@faultline/core';
import { Type, type Static } from '@sinclair/typebox';
import { assertUrlAllowed } from '../shared/allow-hosts.js';
import type { UnleashLocation } from './unleash-api.js';

export const UnleashSelector = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'Base URL of the Unleash server, e.g. https://unleash.internal.' }),
    token: Type.Unsafe<{ secretRef: unknown }>({ ...SecretRefSchema, description: 'An admin API token, as a secret reference (it is read again at revert time and in recover).' }),
    project: Type.Optional(Type.String({ minLength: 1, description: 'Unleash project of the flag. Default: default.' })),
    feature: Type.String({ minLength: 1, description: 'Name of the feature flag.' }),
    environment: Type.String({ minLength: 1, description: 'Environment the flip happens in, e.g. production.' }),
  },
  { additionalProperties: false, description: 'One feature flag in one environment of an Unleash server.' },
);
export type UnleashSelector = Static<typeof UnleashSelector>;

/** What an unleash target carries in `ref` (the token as its reference). */
export interface UnleashRef extends UnleashLocation {
  readonly feature: string;
  readonly environment: string;
}

export function unleashRefOf(target: Target): UnleashRef {
  const ref = target.ref as Partial<UnleashRef> | null;
  if (!ref || typeof ref.url !== 'string' || typeof ref.feature !== 'string' || typeof ref.environment !== 'string' || !isSecretValue(ref.token)) {
    throw new ProviderError(`target ${target.id} is not an unleash target (ref lacks url, token reference, feature or environment)`);
  }
  return { url: ref.url, token: ref.token, project: ref.project ?? 'default', feature: ref.feature, environment: ref.environment };
}

/** The `unleash` target kind. Pure: nothing is contacted until inject (plans and dry runs need no token). */
export function unleashResolver(opts: { allowHosts?: readonly string[] }): TargetResolver<UnleashSelector> {
  return {
    kind: 'unleash',
    selectorSchema: UnleashSelector,
    async resolve(selector) {
      const url = new URL(selector.url);
      assertUrlAllowed(url, opts.allowHosts, 'unleash target');
      if (!isSecretValue(selector.token)) {
        throw new ProviderError('unleash target: `token` must be a secret reference, not a literal token (it would be journaled)', {
          hint: 'Write token: { secretRef: { env: UNLEASH_TOKEN } } (or file / kubernetes).',
        });
      }
      const base = url.toString().replace(/\/$/, '');
      const project = selector.project ?? 'default';
      const ref: UnleashRef = { url: base, token: selector.token, project, feature: selector.feature, environment: selector.environment };
      return [{
        id: `unleash:${base}/${project}/${selector.feature}/${selector.environment}`,
        kind: 'unleash',
        name: `${selector.feature}@${selector.environment}`,
        labels: { project, environment: selector.environment },
        ref: ref as never,
      }];
    },
  };
}
