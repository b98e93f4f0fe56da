import { Type, type Static } from '@sinclair/typebox';
import { ProviderError, type CallContext, type FaultContext, type FaultProvider, type Json, type Target } from '@faultline/core';
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { JSON_PATCH, MERGE_PATCH, type KubeCaller } from '../client/kube-api.js';
import type { KubeDeps } from '../shared/deps.js';
import { refOf, type KubeRef } from '../shared/target-ref.js';
import { retryOnConflict } from '../shared/conflict-retry.js';
import { assertNotHeldByOther, ownedBy, readState, RUN_LABEL, stateAnnotation, stateMetadataPatch, type FaultState } from '../shared/annotations.js';
import { rolloutRestart, workloadsUsing } from '../shared/workloads.js';
import { diffKeys, type KeyDiff } from './values.js';
import { applyJsonEdits, type JsonEdits } from './json-edit.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const configFlipParams = Type.Object(
  {
    data: Type.Optional(Type.Record(Type.String({ minLength: 1 }), NullableString, { description: 'ConfigMap keys to set; null removes the key' })),
    json: Type.Optional(Type.Record(
      Type.String({ minLength: 1 }),
      Type.Record(Type.String({ pattern: '^/' }), Type.Unknown(), { minProperties: 1, description: 'JSON pointer -> value, e.g. { "/flags/new-checkout/defaultVariant": "off" }' }),
      { description: 'ConfigMap keys holding JSON (e.g. flagd flag files): set values inside them by JSON pointer; the whole key is restored on revert' },
    )),
    env: Type.Optional(Type.Record(Type.String({ minLength: 1 }), NullableString, { description: 'Deployment container env vars to set; null removes the variable' })),
    container: Type.Optional(Type.String({ minLength: 1, description: 'Only this container (env); default: every container' })),
    rolloutRestart: Type.Optional(Type.Boolean({ description: 'ConfigMap: restart the Deployments/StatefulSets using it after flipping and after restoring' })),
  },
  { additionalProperties: false },
);
export type ConfigFlipParams = Static<typeof configFlipParams>;

/**
 * Kept on the object (annotation faultline.dev/config-flip) and returned as undo. Keys are ConfigMap keys, or
 * `<container>/<VAR>` for env vars; a null original means "did not exist" and is restored by removing it.
 */
export interface ConfigFlipState extends FaultState {
  [key: string]: Json;
  readonly runId: string;
  readonly faultName: string;
  readonly kind: 'ConfigMap' | 'Deployment';
  readonly original: { [key: string]: Json };
  readonly injected: { [key: string]: Json };
  readonly rolloutRestart: boolean;
}

const TYPE = 'kubernetes.config-flip';

/**
 * `kubernetes.config-flip`: sets ConfigMap keys or Deployment env vars. Originals (including "did not exist")
 * are stored on the object in the same conditional write, optional rollout restart follows. Revert restores
 * every key that still holds what we set; keys someone else changed since are reported and left alone.
 */
export function configFlipFault(deps: KubeDeps): FaultProvider<ConfigFlipParams, ConfigFlipState> {
  return {
    type: TYPE,
    targetKind: 'kubernetes',
    paramsSchema: configFlipParams,
    summary: 'Sets ConfigMap keys or Deployment env vars (optional rollout restart) and restores the exact originals on revert.',
    check(params) {
      const problems: Array<{ path: string; message: string }> = [];
      const hasData = (params.data && Object.keys(params.data).length > 0) || (params.json && Object.keys(params.json).length > 0);
      for (const k of Object.keys(params.json ?? {})) if (params.data && k in params.data) problems.push({ path: `json.${k}`, message: `key "${k}" is both in data and json; use one` });
      const hasEnv = params.env && Object.keys(params.env).length > 0;
      if (!hasData && !hasEnv) problems.push({ path: 'data', message: 'set `data` (ConfigMap keys) or `env` (Deployment env vars)' });
      if (hasData && hasEnv) problems.push({ path: 'env', message: '`data` and `env` cannot be combined: a target is either a ConfigMap or a Deployment' });
      if (params.container && !hasEnv) problems.push({ path: 'container', message: '`container` only applies to `env`' });
      return problems;
    },
    async inject(target: Target, params: ConfigFlipParams, ctx: FaultContext): Promise<ConfigFlipState> {
      const ref = refOf(target, { faultType: TYPE, kinds: ['ConfigMap', 'Deployment'], allowKubeSystem: deps.allowKubeSystem });
      const api = deps.api().as(TYPE);
      if (ref.kind === 'ConfigMap' && !params.data && !params.json) throw new ProviderError(`${TYPE} on ConfigMap ${target.name} needs \`data\``, { hint: 'use `data:` for ConfigMaps and `env:` for Deployments' });
      if (ref.kind === 'Deployment' && !params.env) throw new ProviderError(`${TYPE} on Deployment ${target.name} needs \`env\``, { hint: 'use `env:` for Deployments and `data:` for ConfigMaps' });
      const what = `flipping config of ${ref.kind} ${ref.namespace}/${ref.name}`;
      const { state, changed } = await retryOnConflict(what, ctx, () => (ref.kind === 'ConfigMap' ? injectConfigMap(api, ref, params, ctx) : injectEnv(api, ref, params, ctx)));
      if (changed && state.rolloutRestart && ref.kind === 'ConfigMap') await restartUsers(api, ref, ctx);
      ctx.log.info({ runId: ctx.runId, targetId: target.id, keys: Object.keys(state.injected) }, 'config flipped');
      return state;
    },
    async revert(target: Target, _undo: ConfigFlipState | undefined, ctx: FaultContext): Promise<void> {
      const ref = refOf(target, { faultType: TYPE, kinds: ['ConfigMap', 'Deployment'], allowKubeSystem: deps.allowKubeSystem });
      const api = deps.api().as(TYPE);
      const what = `restoring config of ${ref.kind} ${ref.namespace}/${ref.name}`;
      const result = await retryOnConflict(what, ctx, () => (ref.kind === 'ConfigMap' ? revertConfigMap(api, ref, ctx) : revertEnv(api, ref, ctx)));
      if (!result) return;
      if (result.diff.restored.length && result.state.rolloutRestart && ref.kind === 'ConfigMap') await restartUsers(api, ref, ctx);
      if (result.diff.conflicts.length) {
        const list = result.diff.conflicts.map((c) => `${c.key} is ${JSON.stringify(c.current)} (we set ${JSON.stringify(c.injected)}, original ${JSON.stringify(c.original)})`).join('; ');
        throw new ProviderError(`${what}: someone changed ${result.diff.conflicts.length === 1 ? 'a value' : 'values'} during the fault, so Faultline leaves ${result.diff.conflicts.length === 1 ? 'it' : 'them'} alone: ${list}`, {
          retryable: false,
          hint: `fix the values by hand, then remove the marker: kubectl -n ${ref.namespace} annotate ${ref.kind.toLowerCase()} ${ref.name} ${stateAnnotation[TYPE]}- && kubectl -n ${ref.namespace} label ${ref.kind.toLowerCase()} ${ref.name} ${RUN_LABEL}-`,
        });
      }
      ctx.log.info({ runId: ctx.runId, targetId: target.id, restored: result.diff.restored }, 'config restored');
    },
  };
}

async function restartUsers(api: KubeCaller, ref: KubeRef, ctx: CallContext): Promise<void> {
  for (const w of await workloadsUsing(api, { kind: 'ConfigMap', namespace: ref.namespace, name: ref.name }, ctx)) {
    await rolloutRestart(api, w, ctx);
    ctx.log.info({ workload: `${w.kind}/${w.namespace}/${w.name}` }, 'rollout restarted');
  }
}

const readConfigMap = (api: KubeCaller, ref: KubeRef, ctx: CallContext) =>
  api.find({ verb: 'get', group: '', resource: 'configmaps', namespace: ref.namespace, name: ref.name }, ctx, (o) =>
    api.core.readNamespacedConfigMap({ namespace: ref.namespace, name: ref.name }, o));

const readDeployment = (api: KubeCaller, ref: KubeRef, ctx: CallContext) =>
  api.find({ verb: 'get', group: 'apps', resource: 'deployments', namespace: ref.namespace, name: ref.name }, ctx, (o) =>
    api.apps.readNamespacedDeployment({ namespace: ref.namespace, name: ref.name }, o));

function gone(ref: KubeRef): ProviderError {
  return new ProviderError(`${ref.kind} ${ref.namespace}/${ref.name} no longer exists`, { hint: 'run `faultline plan` again; the target was deleted after planning' });
}

async function injectConfigMap(api: KubeCaller, ref: KubeRef, params: ConfigFlipParams, ctx: FaultContext): Promise<{ state: ConfigFlipState; changed: boolean }> {
  const cm = await readConfigMap(api, ref, ctx);
  if (!cm) throw gone(ref);
  const held = readState<ConfigFlipState>(cm.metadata, TYPE);
  assertNotHeldByOther(held, ctx.runId, ctx.faultName, `ConfigMap ${ref.namespace}/${ref.name}`);
  if (held) return { state: held, changed: false };
  const data = { ...(params.data ?? {}), ...(params.json ? applyJsonEdits(cm.data, params.json as JsonEdits, `ConfigMap ${ref.namespace}/${ref.name}`) : {}) };
  const original: Record<string, Json> = {};
  for (const k of Object.keys(data)) original[k] = cm.data?.[k] ?? null;
  const state: ConfigFlipState = { runId: ctx.runId, faultName: ctx.faultName, kind: 'ConfigMap', original, injected: { ...data }, rolloutRestart: params.rolloutRestart ?? false };
  await patchConfigMap(api, ref, {
    metadata: stateMetadataPatch({ meta: cm.metadata, fault: TYPE, state, resourceVersion: cm.metadata?.resourceVersion as string }),
    data,
  }, ctx);
  return { state, changed: true };
}

async function patchConfigMap(api: KubeCaller, ref: KubeRef, body: object, ctx: CallContext): Promise<V1ConfigMap> {
  return api.call({ verb: 'patch', group: '', resource: 'configmaps', namespace: ref.namespace, name: ref.name }, ctx, (o) =>
    api.core.patchNamespacedConfigMap({ namespace: ref.namespace, name: ref.name, body }, o), { contentType: MERGE_PATCH });
}

interface RevertResult {
  state: ConfigFlipState;
  diff: KeyDiff;
}

async function revertConfigMap(api: KubeCaller, ref: KubeRef, ctx: FaultContext): Promise<RevertResult | undefined> {
  const cm = await readConfigMap(api, ref, ctx);
  if (!cm) return undefined;
  const state = readState<ConfigFlipState>(cm.metadata, TYPE);
  if (!state || !ownedBy(state, ctx.runId, ctx.faultName)) return undefined;
  const current: Record<string, Json> = {};
  for (const k of Object.keys(state.original)) current[k] = cm.data?.[k] ?? null;
  const diff = diffKeys(state, current);
  const data: Record<string, Json> = {};
  for (const k of diff.restored) data[k] = state.original[k] ?? null;
  await patchConfigMap(api, ref, {
    metadata: stateMetadataPatch({ meta: cm.metadata, fault: TYPE, state: remaining(state, diff), resourceVersion: cm.metadata?.resourceVersion as string }),
    ...(diff.restored.length ? { data } : {}),
  }, ctx);
  return { state, diff };
}

/** What stays on the object: only the keys we could not restore, so a later revert reports them again. */
function remaining(state: ConfigFlipState, diff: KeyDiff): ConfigFlipState | null {
  if (!diff.conflicts.length) return null;
  const keys = diff.conflicts.map((c) => c.key);
  const pick = (m: { [k: string]: Json }) => Object.fromEntries(keys.map((k) => [k, m[k] ?? null]));
  return { ...state, original: pick(state.original), injected: pick(state.injected) };
}

type EnvVar = { name: string } & { [k: string]: Json };

function containerEnv(d: V1Deployment): Array<{ name: string; env: EnvVar[] | undefined }> {
  return (d.spec?.template?.spec?.containers ?? []).map((c) => ({ name: c.name, env: c.env ? (JSON.parse(JSON.stringify(c.env)) as EnvVar[]) : undefined }));
}

function currentEnv(containers: Array<{ name: string; env: EnvVar[] | undefined }>, key: string): Json | undefined {
  const slash = key.indexOf('/');
  const c = containers.find((x) => x.name === key.slice(0, slash));
  if (!c) return undefined;
  return c.env?.find((e) => e.name === key.slice(slash + 1)) ?? null;
}

function applyEnv(containers: Array<{ name: string; env: EnvVar[] | undefined }>, values: Record<string, Json>): Set<number> {
  const touched = new Set<number>();
  for (const [key, value] of Object.entries(values)) {
    const slash = key.indexOf('/');
    const idx = containers.findIndex((x) => x.name === key.slice(0, slash));
    const c = containers[idx];
    if (!c) continue;
    const varName = key.slice(slash + 1);
    const env = c.env ?? [];
    const at = env.findIndex((e) => e.name === varName);
    if (value === null) {
      if (at >= 0) env.splice(at, 1);
    } else if (at >= 0) env[at] = value as EnvVar;
    else env.push(value as EnvVar);
    c.env = env;
    touched.add(idx);
  }
  return touched;
}

function envPatch(d: V1Deployment, containers: Array<{ name: string; env: EnvVar[] | undefined }>, touched: Set<number>, metadata: Record<string, Json>): object[] {
  // resourceVersion makes the whole patch conditional; annotations and labels are replaced as whole maps
  // (safe under that precondition) so the patch works whether or not the maps existed.
  const meta = d.metadata ?? {};
  const annotations = { ...(meta.annotations ?? {}) } as Record<string, Json>;
  const labels = { ...(meta.labels ?? {}) } as Record<string, Json>;
  for (const [k, v] of Object.entries(metadata['annotations'] as Record<string, Json>)) if (v === null) delete annotations[k]; else annotations[k] = v;
  for (const [k, v] of Object.entries(metadata['labels'] as Record<string, Json>)) if (v === null) delete labels[k]; else labels[k] = v;
  const ops: object[] = [
    { op: 'replace', path: '/metadata/resourceVersion', value: meta.resourceVersion },
    { op: 'add', path: '/metadata/annotations', value: annotations },
    { op: 'add', path: '/metadata/labels', value: labels },
  ];
  for (const i of touched) ops.push({ op: 'add', path: `/spec/template/spec/containers/${i}/env`, value: containers[i]?.env ?? [] });
  return ops;
}

async function patchDeployment(api: KubeCaller, ref: KubeRef, ops: object[], ctx: CallContext): Promise<void> {
  await api.call({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: ref.namespace, name: ref.name }, ctx, (o) =>
    api.apps.patchNamespacedDeployment({ namespace: ref.namespace, name: ref.name, body: ops }, o), { contentType: JSON_PATCH });
}

async function injectEnv(api: KubeCaller, ref: KubeRef, params: ConfigFlipParams, ctx: FaultContext): Promise<{ state: ConfigFlipState; changed: boolean }> {
  const d = await readDeployment(api, ref, ctx);
  if (!d) throw gone(ref);
  const held = readState<ConfigFlipState>(d.metadata, TYPE);
  assertNotHeldByOther(held, ctx.runId, ctx.faultName, `Deployment ${ref.namespace}/${ref.name}`);
  if (held) return { state: held, changed: false };
  const containers = containerEnv(d);
  const names = params.container ? [params.container] : containers.map((c) => c.name);
  if (params.container && !containers.some((c) => c.name === params.container)) {
    throw new ProviderError(`Deployment ${ref.namespace}/${ref.name} has no container "${params.container}"; it has: ${containers.map((c) => c.name).join(', ')}`, {
      hint: 'fix `container:` in the fault parameters',
    });
  }
  const original: Record<string, Json> = {};
  const injected: Record<string, Json> = {};
  for (const c of names) {
    for (const [v, value] of Object.entries(params.env ?? {})) {
      original[`${c}/${v}`] = currentEnv(containers, `${c}/${v}`) ?? null;
      injected[`${c}/${v}`] = value === null ? null : { name: v, value };
    }
  }
  const state: ConfigFlipState = { runId: ctx.runId, faultName: ctx.faultName, kind: 'Deployment', original, injected, rolloutRestart: false };
  const touched = applyEnv(containers, injected);
  await patchDeployment(api, ref, envPatch(d, containers, touched, stateMetadataPatch({ meta: d.metadata, fault: TYPE, state })), ctx);
  return { state, changed: true };
}

async function revertEnv(api: KubeCaller, ref: KubeRef, ctx: FaultContext): Promise<RevertResult | undefined> {
  const d = await readDeployment(api, ref, ctx);
  if (!d) return undefined;
  const state = readState<ConfigFlipState>(d.metadata, TYPE);
  if (!state || !ownedBy(state, ctx.runId, ctx.faultName)) return undefined;
  const containers = containerEnv(d);
  const current: Record<string, Json> = {};
  for (const k of Object.keys(state.original)) {
    const v = currentEnv(containers, k);
    // A vanished container counts as a change nobody asked us to undo.
    current[k] = v === undefined ? { container: 'missing' } : v;
  }
  const diff = diffKeys(state, current);
  const restore: Record<string, Json> = {};
  for (const k of diff.restored) restore[k] = state.original[k] ?? null;
  const touched = applyEnv(containers, restore);
  await patchDeployment(api, ref, envPatch(d, containers, touched, stateMetadataPatch({ meta: d.metadata, fault: TYPE, state: remaining(state, diff) })), ctx);
  return { state, diff };
}

