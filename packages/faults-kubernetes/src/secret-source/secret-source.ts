import { silentLogger, type SecretSource } from '@faultline/core';
import type { KubeDeps } from '../shared/deps.js';

/**
 * `{ kubernetes: { namespace, name, key } }`: one key of a Secret, read with the resolver's permissions
 * (get secrets) at the moment of use. Namespace defaults to `default`.
 */
export function kubernetesSecretSource(deps: Pick<KubeDeps, 'api'>, opts: { timeoutMs?: number } = {}): SecretSource {
  return {
    kind: 'kubernetes',
    async read(ref, signal) {
      if (!('kubernetes' in ref)) throw new Error('not a kubernetes reference');
      const { name, key } = ref.kubernetes;
      const namespace = ref.kubernetes.namespace ?? 'default';
      const api = deps.api().as('resolver');
      const ctx = { signal, log: silentLogger, timeoutMs: opts.timeoutMs ?? 10_000 };
      const secret = await api.find({ verb: 'get', group: '', resource: 'secrets', namespace, name }, ctx, (o) =>
        api.core.readNamespacedSecret({ namespace, name }, o));
      if (!secret) throw new Error(`Secret ${namespace}/${name} does not exist`);
      const encoded = secret.data?.[key];
      const plain = secret.stringData?.[key];
      if (encoded === undefined && plain === undefined) throw new Error(`Secret ${namespace}/${name} has no key "${key}"`);
      const value = plain ?? Buffer.from(encoded as string, 'base64').toString('utf8');
      if (value === '') throw new Error(`key "${key}" of Secret ${namespace}/${name} is empty`);
      return value;
    },
  };
}
