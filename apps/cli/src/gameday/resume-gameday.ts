import path from 'node:path';
import { exitCodes, UsageError } from '@faultline/core';
import { FileJournal } from '@faultline/engine';
import { FileDayJournal, recoverDay, replayDay, type ResumeDecision } from '@faultline/gameday';
import { clientFor } from '../commands/remote.js';
import type { CliIo } from '../io.js';
import { clockOf, palette } from '../io.js';
import { cliLogger } from '../logger.js';
import { buildRegistry } from '../registry.js';
import { driveDay, interactive, type GameDayRunOptions } from './run-gameday.js';

export interface ResumeOptions extends GameDayRunOptions {
  decision?: ResumeDecision;
  force?: boolean;
  server?: string;
  token?: string;
}

/** `--server`: the controller reverts (through run adoption) and goes on; this only tells it the decision. */
async function resumeOnController(io: CliIo, dayId: string | undefined, opts: ResumeOptions): Promise<number> {
  if (!dayId) throw new UsageError('which day? pass its id (list them with GET /v1/gamedays)');
  const decision = opts.decision ?? (opts.yes ? 'continue' : undefined);
  if (!decision) throw new UsageError('with --server, pass --decision continue|retry|end (or --yes to continue)');
  await clientFor(io, opts).call('POST', `/v1/gamedays/${encodeURIComponent(dayId)}/resume`, { body: { decision, ...(opts.yes ? { unattended: true } : {}) } });
  io.stdout.write(`${palette(io).green('✓')} game day ${dayId} resumed on the controller (${decision}); follow it with GET /v1/gamedays/${dayId}/events\n`);
  return 0;
}

/** The unfinished day that started last, when no id is given. */
async function latestUnfinished(days: FileDayJournal): Promise<string | undefined> {
  let best: { id: string; at: string } | undefined;
  for (const id of await days.listDays()) {
    const events = await days.read(id).catch(() => []);
    if (!events.length || replayDay(events).ended) continue;
    const at = events[0]?.at ?? '';
    if (!best || at > best.at) best = { id, at };
  }
  return best?.id;
}

function askKey(stdin: NodeJS.ReadStream, keys: Record<string, ResumeDecision>): Promise<ResumeDecision | undefined> {
  return new Promise((resolve) => {
    stdin.setRawMode?.(true);
    stdin.resume();
    const onData = (chunk: Buffer | string) => {
      const k = chunk.toString('utf8')[0] ?? '';
      if (k !== '\u0003' && !(k in keys)) return;
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      resolve(k === '\u0003' ? undefined : keys[k]);
    };
    stdin.on('data', onData);
  });
}

/**
 * `faultline gameday resume [ID]`: after SIGKILL or a lost laptop. Reverts the step that was in flight
 * (from its run journal), shows where the day stopped, and goes on as the facilitator decides:
 * continue with the next step, retry the interrupted step, or end the day.
 */
export async function gamedayResumeCommand(io: CliIo, dayIdArg: string | undefined, opts: ResumeOptions): Promise<number> {
  if (opts.server) return resumeOnController(io, dayIdArg, opts);
  const p = palette(io);
  const stateDir = path.resolve(io.cwd, opts.stateDir);
  const clock = clockOf(io);
  const days = new FileDayJournal(stateDir, clock);
  const dayId = dayIdArg ?? (await latestUnfinished(days));
  if (!dayId) throw new UsageError(`no unfinished game day in ${opts.stateDir}; start one with \`faultline gameday run FILE\``);
  const before = replayDay(await days.read(dayId).catch(() => []));
  const kinds = new Set<string>();
  for (const s of before.day?.spec.steps ?? []) if (s.kind === 'experiment') for (const t of Object.values(s.experiment?.spec.targets ?? {})) kinds.add(t.kind);
  const registry = await buildRegistry({ kinds: [...kinds], env: io.env, ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  const runs = new FileJournal(stateDir, clock);
  const recovered = await recoverDay({ dayId, journal: days, runs, registry, clock, log: cliLogger(io, opts.verbose ?? false), ...(opts.force ? { force: true } : {}) });
  await runs.close();
  await days.close();
  const day = recovered.replayed.day;
  if (!day) throw new UsageError(`game day ${dayId} has no plan in its journal`);

  const lines = [p.bold(`game day ${day.metadata.name} (${dayId}) stopped without ending`)];
  for (const s of day.spec.steps) {
    const st = recovered.replayed.statuses.get(s.index);
    const flight = recovered.recovered?.step === s.index;
    lines.push(`  ${String(s.index + 1).padStart(2)}. ${(st ?? (flight ? 'in flight' : 'not run')).padEnd(9)} ${s.title}${flight ? p.yellow('  ← the process stopped here') : ''}`);
  }
  const r = recovered.recovered;
  if (r) {
    lines.push('', `${r.action === 'revert-pending' || r.action === 'skipped-alive' || r.action === 'error' ? p.red('✗') : p.green('✓')} step ${r.step + 1}${r.runId ? ` (run ${r.runId})` : ''}: ${r.detail}`);
    for (const f of r.faults) lines.push(`    ${f.reverted ? p.green('reverted') : p.red('still active')} ${f.fault} on ${f.target}`);
  }
  io.stdout.write(lines.join('\n') + '\n');
  if (recovered.pending) {
    io.stdout.write(p.red('\nsome faults of the interrupted step could not be reverted; run `faultline gameday resume` again (or `faultline recover`) before going on\n'));
    return exitCodes['revert-pending'];
  }

  const next = recovered.replayed.nextStep;
  const canRetry = r !== undefined;
  let decision = opts.decision ?? (opts.yes ? 'continue' : undefined);
  if (!decision && interactive(io, false) && io.stdin) {
    io.stdout.write(`\n${p.bold('c')} continue with step ${next + 1}${canRetry ? ` · ${p.bold('r')} retry step ${(r?.step ?? 0) + 1}` : ''} · ${p.bold('e')} end the day  `);
    decision = await askKey(io.stdin, { c: 'continue', e: 'end', ...(canRetry ? { r: 'retry' as const } : {}) });
    io.stdout.write('\n');
    if (!decision) return exitCodes.aborted;
  }
  if (!decision) throw new UsageError('no terminal to ask: pass --decision continue|retry|end (or --yes to continue)');
  if (decision === 'retry' && !canRetry) throw new UsageError('nothing to retry: no step was in flight');
  const fromStep = decision === 'retry' ? (r?.step ?? next) : next;
  return driveDay(io, day, registry, opts, {
    source: `resume of ${dayId}`,
    resume: { dayId, fromStep, statuses: recovered.replayed.statuses, decision, by: day.metadata.facilitator ?? 'facilitator', recovered: r ? [r] : [] },
  });
}
