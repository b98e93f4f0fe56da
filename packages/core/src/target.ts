import type { Json } from './json.js';

/**
 * A concrete thing a fault acts on, resolved from a target selector.
 * `ref` holds everything a provider needs to revert in a fresh process (e.g. API URL + proxy name),
 * so it is journaled before injection.
 */
export interface Target {
  /** Stable and provider-scoped: 'toxiproxy:http://127.0.0.1:8474/redis', 'k8s:pod/shop/api-7f9c'. */
  readonly id: string;
  /** The target kind that resolved it: 'toxiproxy', 'kubernetes', 'docker', 'proxy', 'http'. */
  readonly kind: string;
  /** Short name for people: 'redis', 'shop/api-7f9c'. */
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ref: Json;
}

/** How many of the resolved candidates to act on (Chaos Mesh / kube-monkey modes). */
export type SelectionMode =
  | { readonly type: 'one' }
  | { readonly type: 'all' }
  | { readonly type: 'fixed'; readonly value: number }
  | { readonly type: 'fixed-percent'; readonly value: number }
  | { readonly type: 'random-max-percent'; readonly value: number };

export const selectionModeTypes = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'] as const;

/**
 * Picks targets by mode. `random` returns [0,1); pass a seeded one for reproducible plans.
 * Candidates are sorted by id first so the same seed always picks the same targets.
 */
export function selectTargets<T extends { id: string }>(candidates: readonly T[], mode: SelectionMode, random: () => number = Math.random): T[] {
  const sorted = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const take = (n: number): T[] => {
    const pool = [...sorted];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
    }
    return pool.slice(0, Math.max(0, Math.min(n, pool.length))).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };
  switch (mode.type) {
    case 'all':
      return sorted;
    case 'one':
      return take(1);
    case 'fixed':
      return take(mode.value);
    case 'fixed-percent':
      return take(Math.floor((sorted.length * mode.value) / 100));
    case 'random-max-percent': {
      const max = Math.floor((sorted.length * mode.value) / 100);
      return take(Math.floor(random() * (max + 1)));
    }
  }
}

/** Seeded PRNG (mulberry32) so a plan printed by `faultline plan --seed N` is what `run --seed N` does. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The name every artefact of a fault carries, so reverts and orphan sweeps can find it:
 * `faultline-<runId>-<faultName>`. Parse it back with parseArtefactName.
 */
export function artefactName(runId: string, faultName: string): string {
  return `faultline-${runId}-${faultName}`;
}

/** Run ids are `r` + 12 lowercase base36 chars, so the name splits unambiguously. */
export const RUN_ID_RE = /^r[0-9a-z]{12}$/;

export function parseArtefactName(name: string): { runId: string; faultName: string } | undefined {
  const m = /^faultline-(r[0-9a-z]{12})-(.+)$/.exec(name);
  return m ? { runId: m[1] as string, faultName: m[2] as string } : undefined;
}

export function newRunId(random: () => number = Math.random): string {
  let s = 'r';
  for (let i = 0; i < 12; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}
