import path from 'node:path';
import { UsageError } from '@faultline/core';
import { FileDayJournal, planRerun } from '@faultline/gameday';
import { clientFor } from '../commands/remote.js';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { buildRegistry } from '../registry.js';
import { driveDay, type GameDayRunOptions } from './run-gameday.js';

export interface RerunOptions extends GameDayRunOptions {
  /** 1-based. */
  fromStep?: string;
  /** Rerun on a controller instead of from the local state directory. */
  server?: string;
  token?: string;
}

function stepNumber(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--from-step wants a step number from 1, got "${v}"`);
  return n;
}

/**
 * `faultline gameday rerun ID [--from-step N]` and `faultline gameday clone ID`: a new day with a new id
 * from a past day's plan as it ran (the resolved experiments in its journal). Rerun starts at step N,
 * by default at the first step that failed, was aborted or did not run; clone runs every step. With
 * --server, the controller does it (POST /v1/gamedays/:id/rerun|clone) and the command prints the new id.
 */
export async function gamedayRerunCommand(io: CliIo, kind: 'rerun' | 'clone', dayId: string, opts: RerunOptions): Promise<number> {
  const from = kind === 'rerun' ? stepNumber(opts.fromStep) : undefined;
  if (opts.server) {
    const body = { ...(from !== undefined ? { fromStep: from } : {}), ...(opts.yes ? { unattended: true } : {}) };
    const started = await clientFor(io, opts).call<{ dayId: string; origin: { fromStep: number } }>('POST', `/v1/gamedays/${encodeURIComponent(dayId)}/${kind}`, { body });
    io.stdout.write(`${palette(io).green('✓')} ${kind} of ${dayId} started on the controller as ${started.dayId} (from step ${started.origin.fromStep + 1})\n`);
    return 0;
  }
  const stateDir = path.resolve(io.cwd, opts.stateDir);
  const days = new FileDayJournal(stateDir);
  const events = await days.read(dayId).catch(() => {
    throw new UsageError(`no game day ${dayId} in ${opts.stateDir} (list them with \`faultline gameday list\`)`);
  });
  const plan = planRerun(dayId, events, { kind, ...(from !== undefined ? { fromStep: from - 1 } : {}) });
  const kinds = new Set<string>();
  for (const s of plan.day.spec.steps) if (s.kind === 'experiment') for (const t of Object.values(s.experiment?.spec.targets ?? {})) kinds.add(t.kind);
  const registry = await buildRegistry({ kinds: [...kinds], ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  io.stdout.write(palette(io).dim(`${kind} of ${dayId} (${plan.day.metadata.name}) from step ${plan.origin.fromStep + 1} of ${plan.day.spec.steps.length}\n`));
  return driveDay(io, plan.day, registry, opts, { source: `${kind} of ${dayId}`, origin: plan.origin });
}
