import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SpecInvalidError, UsageError, type Experiment, type Registry } from '@faultline/core';
import { parseExperiment } from '@faultline/spec';
import { looksLikeGameDay } from '@faultline/gameday/detect';
import { buildRegistry, kindsMentioned } from './registry.js';

/**
 * Text-level `${VAR}` / `${VAR:-default}` expansion for `faultline submit`: the controller parses the
 * text without the submitter's environment, so the CI job's variables are filled in before sending.
 * (Local runs let the parser expand values instead: same syntax, typed results.)
 */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv, file: string): string {
  const issues: { path: string; message: string; line: number; column: number; file: string }[] = [];
  const lines = text.split('\n');
  const out = lines.map((line, i) =>
    line.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, dflt: string | undefined, offset: number) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (dflt !== undefined) return dflt;
      issues.push({ path: '', message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`, line: i + 1, column: offset + 1, file });
      return whole;
    }),
  );
  if (issues.length) throw new SpecInvalidError(issues, { file });
  return out.join('\n');
}

export interface Loaded {
  file: string;
  text: string;
  experiment: Experiment;
  registry: Registry;
}

export async function loadExperiment(file: string, opts: { cwd: string; env: NodeJS.ProcessEnv; registry?: Registry; kubeconfig?: string; context?: string }): Promise<Loaded> {
  const abs = path.resolve(opts.cwd, file);
  let raw: string;
  try {
    raw = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `experiment file not found: ${file}` : `cannot read ${file}: ${(err as Error).message}`);
  }
  const text = raw;
  const registry = opts.registry ?? (await buildRegistry({
    kinds: kindsMentioned(text),
    env: opts.env,
    ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
    ...(opts.context ? { context: opts.context } : {}),
  }));
  // ${VAR} / ${VAR:-default} are expanded by the parser, value by value, with exact line numbers.
  const experiment = parseExperiment(text, { file, registry, env: opts.env });
  return { file, text, experiment, registry };
}

/** True when the file is a `kind: GameDay` (plan and validate hand it to the game-day code). */
export async function isGameDayFile(io: { cwd: string }, file: string): Promise<boolean> {
  const text = await readFile(path.resolve(io.cwd, file), 'utf8').catch(() => '');
  return looksLikeGameDay(text);
}
