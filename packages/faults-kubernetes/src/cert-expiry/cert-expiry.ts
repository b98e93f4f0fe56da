import { Type, type Static } from '@sinclair/typebox';
import { ProviderError, type CallContext, type FaultContext, type FaultProvider, type Json, type Target } from '@faultline/core';
import type { V1Secret } from '@kubernetes/client-node';
import { MERGE_PATCH, type KubeCaller } from '../client/kube-api.js';
import { isAlreadyExists } from '../client/errors.js';
import type { KubeDeps } from '../shared/deps.js';
import { refOf, type KubeRef } from '../shared/target-ref.js';
import { retryOnConflict } from '../shared/conflict-retry.js';
import { assertNotHeldByOther, FAULT_ANNOTATION, ownedBy, readState, RUN_LABEL, stateAnnotation, stateMetadataPatch, TARGET_ANNOTATION, type FaultState } from '../shared/annotations.js';
import { rolloutRestart, workloadsUsing } from '../shared/workloads.js';
import { certNames, certVariants, digest, issueFaultyCertificate, type CertVariant } from './certificates.js';

export const certExpiryParams = Type.Object(
  {
    variant: Type.Optional(Type.Union(certVariants.map((v) => Type.Literal(v)), { description: 'How the certificate is broken (default expired)' })),
    rolloutRestart: Type.Optional(Type.Boolean({ description: 'Restart Deployments/StatefulSets that use the Secret after replacing and after restoring' })),
  },
  { additionalProperties: false },
);
export type CertExpiryParams = Static<typeof certExpiryParams>;

/** Keys of a TLS Secret the fault may replace. */
const CERT_KEYS = ['tls.crt', 'tls.key', 'ca.crt'] as const;
/** On backup Secrets: the Secret they preserve. */
export const BACKUP_OF_ANNOTATION = 'faultline.dev/backup-of';

/** Kept on the Secret (annotation faultline.dev/cert-expiry) and returned as undo. Digests, never key material. */
export interface CertExpiryState extends FaultState {
  [key: string]: Json;
  readonly runId: string;
  readonly faultName: string;
  readonly variant: CertVariant;
  readonly backup: string;
  readonly original: { [key: string]: string | null };
  readonly injected: { [key: string]: string | null };
  readonly notBefore: string;
  readonly notAfter: string;
  readonly rolloutRestart: boolean;
}

const TYPE = 'kubernetes.cert-expiry';

/** `faultline-backup-<runId>-<fault>-<secret>`: derivable in a fresh process, unique per Secret. */
export function backupName(runId: string, faultName: string, secret: string): string {
  const raw = `faultline-backup-${runId}-${faultName}-${secret}`.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
  return raw.slice(0, 253).replace(/[-.]+$/, '');
}

const digests = (data: { [k: string]: string } | undefined) => Object.fromEntries(CERT_KEYS.map((k) => [k, digest(data?.[k])]));
const sameDigests = (a: { [k: string]: string | null }, b: { [k: string]: string | null }) => CERT_KEYS.every((k) => (a[k] ?? null) === (b[k] ?? null));

/**
 * `kubernetes.cert-expiry`: replaces a `kubernetes.io/tls` Secret's certificate and key with a generated one
 * for the same names that is expired, not yet valid, issued for another host, or from an untrusted CA.
 * The original data is first copied to a backup Secret labelled with the run id; the Secret records digests
 * of what was there and what we wrote. Revert restores from the backup only if the Secret still holds what
 * we wrote, then deletes the backup. Optional rollout restart of workloads mounting the Secret.
 */
export function certExpiryFault(deps: KubeDeps): FaultProvider<CertExpiryParams, CertExpiryState> {
  return {
    type: TYPE,
    targetKind: 'kubernetes',
    paramsSchema: certExpiryParams,
    summary: 'Replaces a TLS Secret with an expired (or not-yet-valid, wrong-host, untrusted-CA) certificate for the same names and restores it on revert.',
    async inject(target: Target, params: CertExpiryParams, ctx: FaultContext): Promise<CertExpiryState> {
      const ref = refOf(target, { faultType: TYPE, kinds: ['Secret'], allowKubeSystem: deps.allowKubeSystem });
      const api = deps.api().as(TYPE);
      const what = `replacing the certificate in Secret ${ref.namespace}/${ref.name}`;
      const { state, changed } = await retryOnConflict(what, ctx, async () => {
        const secret = await readSecret(api, ref, ctx);
        if (!secret) throw new ProviderError(`${what}: the Secret no longer exists`, { hint: 'run `faultline plan` again; the target was deleted after planning' });
        if (secret.type !== 'kubernetes.io/tls') {
          throw new ProviderError(`${what}: it is of type ${secret.type ?? 'Opaque'}, not kubernetes.io/tls`, { hint: 'select a TLS Secret (type kubernetes.io/tls)' });
        }
        const held = readState<CertExpiryState>(secret.metadata, TYPE);
        assertNotHeldByOther(held, ctx.runId, ctx.faultName, `Secret ${ref.namespace}/${ref.name}`);
        if (held) return { state: held, changed: false };
        let names;
        try {
          names = certNames(Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64').toString('utf8'));
        } catch (err) {
          throw new ProviderError(`${what}: tls.crt does not hold a PEM certificate (${(err as Error).message})`, { cause: err, hint: 'check the Secret; cert-expiry copies the names of the certificate it replaces' });
        }
        const variant = params.variant ?? 'expired';
        const backup = backupName(ctx.runId, ctx.faultName, ref.name);
        await writeBackup(api, ref, backup, secret, ctx);
        const cert = await issueFaultyCertificate({ original: names, variant, label: ctx.runId });
        const data: { [k: string]: string } = {
          'tls.crt': Buffer.from(cert.certPem).toString('base64'),
          'tls.key': Buffer.from(cert.keyPem).toString('base64'),
        };
        // Clients that trust the Secret's own CA must trust ours, or every variant would look like untrusted-ca.
        if (secret.data?.['ca.crt'] !== undefined && variant !== 'untrusted-ca') data['ca.crt'] = Buffer.from(cert.caPem).toString('base64');
        const state: CertExpiryState = {
          runId: ctx.runId, faultName: ctx.faultName, variant, backup,
          original: digests(secret.data), injected: digests({ ...(secret.data ?? {}), ...data }),
          notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), rolloutRestart: params.rolloutRestart ?? false,
        };
        await patchSecret(api, ref, {
          metadata: stateMetadataPatch({ meta: secret.metadata, fault: TYPE, state, resourceVersion: secret.metadata?.resourceVersion as string }),
          data,
        }, ctx);
        return { state, changed: true };
      });
      if (changed && state.rolloutRestart) await restartUsers(api, ref, ctx);
      ctx.log.info({ runId: ctx.runId, targetId: target.id, variant: state.variant, backup: state.backup }, 'certificate replaced');
      return state;
    },
    async revert(target: Target, _undo: CertExpiryState | undefined, ctx: FaultContext): Promise<void> {
      const ref = refOf(target, { faultType: TYPE, kinds: ['Secret'], allowKubeSystem: deps.allowKubeSystem });
      const api = deps.api().as(TYPE);
      const what = `restoring the certificate in Secret ${ref.namespace}/${ref.name}`;
      const backup = backupName(ctx.runId, ctx.faultName, ref.name);
      const restored = await retryOnConflict(what, ctx, async () => {
        const secret = await readSecret(api, ref, ctx);
        const state = secret ? readState<CertExpiryState>(secret.metadata, TYPE) : undefined;
        if (!secret || !state || !ownedBy(state, ctx.runId, ctx.faultName)) {
          if (!secret) ctx.log.warn({ runId: ctx.runId, targetId: target.id }, 'TLS Secret vanished during the fault; not recreating it, dropping the backup');
          return undefined;
        }
        const current = digests(secret.data);
        if (sameDigests(current, state.original)) {
          await patchSecret(api, ref, { metadata: stateMetadataPatch({ meta: secret.metadata, fault: TYPE, state: null, resourceVersion: secret.metadata?.resourceVersion as string }) }, ctx);
          return state;
        }
        if (!sameDigests(current, state.injected)) {
          throw new ProviderError(`${what}: the certificate was changed by someone else during the fault (it is neither the original nor the one Faultline wrote), so Faultline leaves it alone`, {
            retryable: false,
            hint: `the original is kept in Secret ${ref.namespace}/${state.backup}; restore by hand if needed, then: kubectl -n ${ref.namespace} annotate secret ${ref.name} ${stateAnnotation[TYPE]}- && kubectl -n ${ref.namespace} delete secret ${state.backup}`,
          });
        }
        const saved = await readSecret(api, { ...ref, name: state.backup }, ctx);
        if (!saved) {
          throw new ProviderError(`${what}: the backup Secret ${ref.namespace}/${state.backup} is gone, so the original certificate cannot be restored`, {
            retryable: false, hint: `reissue the certificate for ${ref.namespace}/${ref.name}, then remove the annotation ${stateAnnotation[TYPE]}`,
          });
        }
        const data: { [k: string]: string | null } = {};
        for (const k of Object.keys(secret.data ?? {})) data[k] = null;
        Object.assign(data, saved.data ?? {});
        await patchSecret(api, ref, {
          metadata: stateMetadataPatch({ meta: secret.metadata, fault: TYPE, state: null, resourceVersion: secret.metadata?.resourceVersion as string }),
          data,
        }, ctx);
        return state;
      });
      await api.find({ verb: 'delete', group: '', resource: 'secrets', namespace: ref.namespace, name: backup }, ctx, (o) =>
        api.core.deleteNamespacedSecret({ namespace: ref.namespace, name: backup }, o));
      if (restored?.rolloutRestart) await restartUsers(api, ref, ctx);
      if (restored) ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'certificate restored');
    },
  };
}

function readSecret(api: KubeCaller, ref: KubeRef, ctx: CallContext): Promise<V1Secret | undefined> {
  return api.find({ verb: 'get', group: '', resource: 'secrets', namespace: ref.namespace, name: ref.name }, ctx, (o) =>
    api.core.readNamespacedSecret({ namespace: ref.namespace, name: ref.name }, o));
}

async function patchSecret(api: KubeCaller, ref: KubeRef, body: object, ctx: CallContext): Promise<void> {
  await api.call({ verb: 'patch', group: '', resource: 'secrets', namespace: ref.namespace, name: ref.name }, ctx, (o) =>
    api.core.patchNamespacedSecret({ namespace: ref.namespace, name: ref.name, body }, o), { contentType: MERGE_PATCH });
}

/** Write-ahead copy of the Secret's data; an existing backup (crash before the swap) is refreshed. */
async function writeBackup(api: KubeCaller, ref: KubeRef, name: string, secret: V1Secret, ctx: FaultContext): Promise<void> {
  const { namespace } = ref;
  const body: V1Secret = {
    metadata: {
      name, namespace,
      labels: { [RUN_LABEL]: ctx.runId, 'app.kubernetes.io/managed-by': 'faultline' },
      annotations: {
        [FAULT_ANNOTATION]: ctx.faultName, [BACKUP_OF_ANNOTATION]: ref.name,
        [TARGET_ANNOTATION]: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', namespace, name: ref.name, uid: secret.metadata?.uid ?? ref.uid }),
      },
    },
    type: 'Opaque',
    data: secret.data ?? {},
  };
  try {
    await api.call({ verb: 'create', group: '', resource: 'secrets', namespace }, ctx, (o) => api.core.createNamespacedSecret({ namespace, body }, o));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    await api.call({ verb: 'patch', group: '', resource: 'secrets', namespace, name }, ctx, (o) =>
      api.core.patchNamespacedSecret({ namespace, name, body: { data: secret.data ?? {} } }, o), { contentType: MERGE_PATCH });
  }
}

async function restartUsers(api: KubeCaller, ref: KubeRef, ctx: CallContext): Promise<void> {
  for (const w of await workloadsUsing(api, { kind: 'Secret', namespace: ref.namespace, name: ref.name }, ctx)) {
    await rolloutRestart(api, w, ctx);
    ctx.log.info({ workload: `${w.kind}/${w.namespace}/${w.name}` }, 'rollout restarted');
  }
}
