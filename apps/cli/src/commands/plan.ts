import { exitCodes, formatDuration, silentLogger, type Experiment, type Registry, type RunPlan } from '@faultline/core';
import { planRun } from '@faultline/engine';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { isGameDayFile, loadExperiment } from '../load.js';

export function printPlan(io: CliIo, experiment: Experiment, plan: RunPlan): void {
  const p = palette(io);
  const out = [p.bold(`plan for ${experiment.metadata.name}`) + p.dim(`  (seed ${plan.seed}; hold ${formatDuration(plan.durationMs)})`), '', p.bold('targets')];
  for (const t of plan.targets) {
    out.push(`  ${t.name} (${t.kind}, ${t.mode}): ${t.selected.length} of ${t.candidates} selected`);
    for (const s of t.selected) out.push(p.dim(`    - ${s.name}${s.namespace ? ` [${s.namespace}]` : ''}`));
  }
  out.push('', p.bold('faults'));
  for (const f of plan.faults) out.push(`  ${f.name} (${f.type}): ${f.summary}`);
  out.push('', p.bold('blast radius'));
  if (plan.limits.length === 0) out.push(p.dim('  no limits configured (set spec.blastRadius to bound what a run may touch)'));
  for (const l of plan.limits) out.push(`  ${l.ok ? p.green('✓') : p.red('✗')} ${l.limit}: ${l.detail}`);
  if (plan.limits.some((l) => !l.ok)) out.push('', p.red('a run would be aborted before injecting anything: a limit is exceeded'));
  io.stdout.write(out.join('\n') + '\n');
}

/** Resolves targets and checks limits without side effects (what `plan` and `run --dry-run` print). */
export function planExperiment(experiment: Experiment, registry: Registry, seed?: number): Promise<RunPlan> {
  return planRun(experiment, registry, {
    ...(seed !== undefined ? { seed } : {}),
    ctx: { signal: new AbortController().signal, log: silentLogger, timeoutMs: 10_000 },
  });
}

/** `faultline plan FILE`: resolved targets and the limits checked; no side effects. Exit 2 if a limit fails. */
export async function planCommand(io: CliIo, file: string, opts: { seed?: number; output?: string; kubeconfig?: string; context?: string }): Promise<number> {
  if (await isGameDayFile(io, file)) return (await import('../gameday/plan-gameday.js')).planGameDay(io, file, opts);
  const loaded = await loadExperiment(file, { cwd: io.cwd, env: io.env, ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  const plan = await planExperiment(loaded.experiment, loaded.registry, opts.seed);
  if (opts.output === 'json') io.stdout.write(JSON.stringify({ experiment: loaded.experiment.metadata.name, plan }, null, 2) + '\n');
  else printPlan(io, loaded.experiment, plan);
  return plan.limits.some((l) => !l.ok) ? exitCodes.aborted : 0;
}
