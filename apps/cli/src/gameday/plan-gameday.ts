import { exitCodes, type RunPlan } from '@faultline/core';
import { experimentOf, type GameDay } from '@faultline/gameday';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { planExperiment, printPlan } from '../commands/plan.js';
import { describeStep } from './describe-step.js';
import { loadGameDay } from './load-gameday.js';

export interface DayPlan {
  gameday: string;
  steps: { index: number; title: string; kind: string; description: string; plan?: RunPlan }[];
}

/** Resolves every experiment step's targets and limits up front; no side effects. */
export async function planGameDay(io: CliIo, file: string, opts: { seed?: number; output?: string; kubeconfig?: string; context?: string }): Promise<number> {
  const loaded = await loadGameDay(file, { cwd: io.cwd, env: io.env, ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  const { day } = loaded;
  const json = opts.output === 'json';
  const p = palette(io);
  const out: DayPlan = { gameday: day.metadata.name, steps: [] };
  if (!json) printDayHeader(io, day);
  let failed = false;
  for (const step of day.spec.steps) {
    const entry: DayPlan['steps'][number] = { index: step.index, title: step.title, kind: step.kind, description: describeStep(step) };
    if (!json) io.stdout.write(`\n${p.bold(`${step.index + 1}. ${step.title}`)}  ${p.dim(describeStep(step))}\n`);
    if (step.kind === 'experiment') {
      const experiment = experimentOf(step);
      const plan = await planExperiment(experiment, loaded.registry, step.seed ?? opts.seed);
      entry.plan = plan;
      if (plan.limits.some((l) => !l.ok)) failed = true;
      if (!json) {
        const lines: string[] = [];
        printPlan({ ...io, stdout: { ...io.stdout, write: (s: string) => lines.push(s) } }, experiment, plan);
        io.stdout.write(lines.join('').trimEnd().split('\n').map((l) => `    ${l}`).join('\n') + '\n');
      }
    }
    out.steps.push(entry);
  }
  if (json) io.stdout.write(JSON.stringify(out, null, 2) + '\n');
  else if (failed) io.stdout.write(`\n${p.red('a step would be aborted before injecting anything: a limit is exceeded')}\n`);
  return failed ? exitCodes.aborted : 0;
}

export function printDayHeader(io: CliIo, day: GameDay): void {
  const p = palette(io);
  const m = day.metadata;
  const lines = [p.bold(`game day ${m.name}`) + p.dim(`  (${day.spec.steps.length} steps)`)];
  if (m.facilitator) lines.push(`  facilitator   ${m.facilitator}`);
  if (m.participants.length) lines.push(`  participants  ${m.participants.join(', ')}`);
  if (m.hypothesis) lines.push(`  hypothesis    ${m.hypothesis}`);
  if (day.spec.guards.length) lines.push(`  day guards    ${day.spec.guards.map((g) => `${g.name} (${g.kind}, every ${g.everyMs}ms)`).join(', ')}`);
  io.stdout.write(lines.join('\n') + '\n');
}
