import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type Registry } from '@faultline/core';
import { parseGameDay, resolveGameDay, type GameDay } from '@faultline/gameday';
import { buildRegistry, kindsMentioned } from '../registry.js';

export interface LoadedGameDay {
  file: string;
  text: string;
  day: GameDay;
  registry: Registry;
}

async function read(abs: string, shown: string): Promise<string> {
  try {
    return await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `game day file not found: ${shown}` : `cannot read ${shown}: ${(err as Error).message}`);
  }
}

/**
 * Reads a `kind: GameDay` file and every experiment file its steps name (relative to the day's file),
 * and checks all of them before anything starts. Providers load for the kinds any of them mentions.
 */
export async function loadGameDay(file: string, opts: { cwd: string; env: NodeJS.ProcessEnv; registry?: Registry; kubeconfig?: string; context?: string }): Promise<LoadedGameDay> {
  const abs = path.resolve(opts.cwd, file);
  const text = await read(abs, file);
  const dir = path.dirname(abs);
  const texts = new Map<string, string>();
  const readText = async (p: string) => {
    const t = texts.get(p) ?? (await readFile(path.resolve(dir, p), 'utf8'));
    texts.set(p, t);
    return t;
  };
  // A cheap look-ahead so Kubernetes/Docker providers load only when some step needs them.
  const fileRefs = [...text.matchAll(/^\s*(?:-\s*)?(?:experiment:\s*\{\s*)?file:\s*["']?([^"'\s,}]+)/gm)].map((m) => m[1] as string);
  const mentioned = new Set(kindsMentioned(text));
  for (const ref of fileRefs) for (const k of kindsMentioned(await readText(ref).catch(() => ''))) mentioned.add(k);
  const registry = opts.registry ?? (await buildRegistry({
    kinds: [...mentioned],
    env: opts.env,
    ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
    ...(opts.context ? { context: opts.context } : {}),
  }));
  const parsed = parseGameDay(text, { file, registry, env: opts.env });
  const day = await resolveGameDay(parsed, { file, registry, env: opts.env, readText });
  return { file, text, day, registry };
}
