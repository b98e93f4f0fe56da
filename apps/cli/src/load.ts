import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SpecInvalidError, UsageError, type Experiment, type Registry } from '@faultline/core';
import { parseExperiment } from '@faultline/spec';
import { buildRegistry, kindsMentioned } from './registry.js';

/**
 * `${VAR}` and `${VAR:-default}` in experiment files are replaced from the environment, so one file
 * serves laptops and CI. A reference to an unset variable without a default is an error with its line.
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
  const text = substituteEnv(raw, opts.env, file);
  const registry = opts.registry ?? (await buildRegistry({
    kinds: kindsMentioned(text),
    ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
    ...(opts.context ? { context: opts.context } : {}),
  }));
  const experiment = parseExperiment(text, { file, registry });
  return { file, text, experiment, registry };
}
