import os from 'node:os';
import {
  notifyDefaults, silentLogger, sleep, systemClock, toErrorInfo,
  type AbortSource, type Clock, type Experiment, type Logger, type Registry, type RunState, type SecretResolver,
} from '@faultline/core';
import { defaultSecretResolver, GuardLoop, type RunHandle, type RunResult } from '@faultline/engine';
import { DayNotifier } from '../notify/day-notifier.js';
import type { DayOutcome, GameDay, GameDayStep, GateAnswer, GateStep, StepStatus } from '../model.js';
import { experimentOf } from '../spec/resolve-gameday.js';
import {
  newDayId, type Actor, type DayEvent, type DayEventBody, type DayJournal, type DayOrigin, type RecoveredStep, type ResumeDecision,
} from '../journal/day-events.js';
import { decideOutcome } from './outcome.js';

/**
 * Starts one experiment run for a step (the caller wires the engine, its journal and the live view).
 * `runId` is the id journaled ahead when the runner has `newRunId`; without it the starter picks the
 * id (a controller's store does) and the runner journals it as soon as the run exists.
 */
export type StartRun = (experiment: Experiment, opts: { runId?: string; seed?: number; step: number }) => RunHandle | Promise<RunHandle>;

export interface DayRunnerOptions {
  /** A resolved day (every experiment step has its experiment). */
  day: GameDay;
  journal: DayJournal;
  startRun: StartRun;
  /** Makes new run ids for experiment steps (the engine's format), journaled before the run starts. */
  newRunId?: () => string;
  /** Probes for the day guards. */
  registry: Registry;
  clock?: Clock;
  log?: Logger;
  /** No one at the keyboard (CI, --yes): gates take their default at once, checklists are not waited for. */
  unattended?: boolean;
  /** Every day event after it is stored (views, SSE). Must not throw. */
  onEvent?: (e: DayEvent) => void;
  /** For the journal: the file or 'api'. */
  source?: string;
  /** Resume: the existing day and the step to start from (day-created is not written again). */
  resume?: {
    dayId: string; fromStep: number; statuses: ReadonlyMap<number, StepStatus>;
    decision: ResumeDecision; by: Actor; recovered: RecoveredStep[];
  };
  dayId?: string;
  /** A new day from a past day's plan (see planRerun): steps before `origin.fromStep` are journaled skipped. */
  origin?: DayOrigin;
  /** Resolves secret references of `notify:` webhook URLs and keys (default: environment and files). */
  secrets?: SecretResolver;
  /** Hosts `notify:` webhooks may call (the controller's allow-list); undefined allows any. */
  allowHosts?: readonly string[];
  /** Epoch ms when the steps begin (a new day only): the day is journaled at once, `heads-up` notices go out `headsUp` before. */
  startsAtMs?: number;
  /** How often waits re-read the clock (real milliseconds). Default 200. */
  pollMs?: number;
}

export interface DayResult {
  readonly dayId: string;
  readonly outcome: DayOutcome;
  readonly reason: string;
  readonly steps: ReadonlyMap<number, StepStatus>;
}

/** What the day is doing now, for views and the API. */
export interface DayStatus {
  readonly dayId: string;
  readonly step?: number;
  readonly kind?: GameDayStep['kind'];
  /** Epoch ms when the current wait ends or the current gate takes its default. */
  readonly endsAtMs?: number;
  readonly waitingFor?: 'gate' | 'checklist';
  readonly ticked?: readonly number[];
  readonly runId?: string;
  readonly runState?: RunState;
  readonly finished: boolean;
}

type Stop = { outcome: 'halted' | 'aborted'; reason: string; source: AbortSource };
type StepInterrupt = { status: 'aborted' | 'skipped'; reason: string; by: Actor };

/**
 * The game-day step machine. Runs steps in order; every step, answer, note and verdict is journaled
 * before the next thing happens. An experiment step's run id is journaled before the run starts, so
 * after a crash `resumeDay` knows which run to revert. Halting, a day-guard breach or a signal aborts
 * the current run (which reverts before its verdict) and ends the day; the day is never reported
 * finished while a step's run may still have a fault active.
 */
export class DayRunner {
  readonly dayId: string;
  readonly done: Promise<DayResult>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly statuses: Map<number, StepStatus>;
  private stopInfo: Stop | undefined;
  private interrupt: StepInterrupt | undefined;
  private currentStep: GameDayStep | undefined;
  private run: RunHandle | undefined;
  private endsAtMs: number | undefined;
  private waitingFor: 'gate' | 'checklist' | undefined;
  private gateAnswer: { answer: GateAnswer; note?: string; by: Actor } | undefined;
  private ticked = new Set<number>();
  private checklistDone: Actor | undefined;
  private wake: (() => void) | undefined;
  private finished = false;
  private journalTail: Promise<unknown> = Promise.resolve();
  private readonly notifier: DayNotifier | undefined;
  private dayEnded = false;

  constructor(private readonly opts: DayRunnerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.dayId = opts.resume?.dayId ?? opts.dayId ?? newDayId();
    this.statuses = new Map(opts.resume?.statuses ?? []);
    const notify = opts.day.spec.notify ?? [];
    this.notifier = notify.length ? new DayNotifier({
      specs: notify, day: opts.day, unattended: opts.unattended ?? false, startsLater: !opts.resume && opts.startsAtMs !== undefined && opts.startsAtMs > this.clock.nowMs(), secrets: opts.secrets ?? defaultSecretResolver(), clock: this.clock, log: this.log,
      ...(opts.allowHosts ? { allowHosts: opts.allowHosts } : {}),
      // A failed delivery is noted in the day; only the day-ended notice's own failure (after the end) is just logged.
      report: async (text) => {
        if (this.dayEnded) return;
        await this.append({ type: 'note', text, by: 'faultline notify' }).then(() => undefined, (err: unknown) => this.log.warn({ err: toErrorInfo(err).message }, 'could not journal a notify failure'));
      },
    }) : undefined;
    this.done = this.execute();
  }

  status(): DayStatus {
    const s = this.currentStep;
    return {
      dayId: this.dayId,
      finished: this.finished,
      ...(s ? { step: s.index, kind: s.kind } : {}),
      ...(this.endsAtMs !== undefined ? { endsAtMs: this.endsAtMs } : {}),
      ...(this.waitingFor ? { waitingFor: this.waitingFor } : {}),
      ...(s?.kind === 'checklist' ? { ticked: [...this.ticked].sort((a, b) => a - b) } : {}),
      ...(this.run ? { runId: this.run.runId, runState: this.run.state() } : {}),
    };
  }

  /** Answers the gate that is waiting; false when no gate is waiting. */
  answerGate(answer: GateAnswer, opts: { note?: string; by?: Actor } = {}): boolean {
    if (this.waitingFor !== 'gate' || this.gateAnswer) return false;
    this.gateAnswer = { answer, by: opts.by ?? 'facilitator', ...(opts.note ? { note: opts.note } : {}) };
    this.kick();
    return true;
  }

  /** Ticks a checklist item (0-based); false when no checklist is waiting or the item does not exist. */
  tick(item: number, by: Actor = 'facilitator'): boolean {
    const s = this.currentStep;
    if (this.waitingFor !== 'checklist' || s?.kind !== 'checklist' || item < 0 || item >= s.items.length || this.ticked.has(item)) return false;
    this.ticked.add(item);
    this.appendSoon({ type: 'checklist-ticked', step: s.index, item, text: s.items[item] as string, by });
    this.kick();
    return true;
  }

  /** Ends the waiting checklist with what is ticked so far. */
  finishChecklist(by: Actor = 'facilitator'): boolean {
    if (this.waitingFor !== 'checklist') return false;
    this.checklistDone = by;
    this.kick();
    return true;
  }

  /** An observation, timestamped and attached to the current step. */
  note(text: string, by: Actor = 'facilitator'): Promise<DayEvent> {
    const step = this.currentStep?.index;
    return this.append({ type: 'note', text, by, ...(step !== undefined ? { step } : {}) });
  }

  /** Aborts the current step (its run reverts); the day goes on with the next step. */
  abortStep(reason = 'aborted by the facilitator', by: Actor = 'facilitator'): boolean {
    return this.interruptStep({ status: 'aborted', reason, by });
  }

  /** Skips the current step (an experiment in flight is aborted and reverts first). */
  skipStep(reason = 'skipped by the facilitator', by: Actor = 'facilitator'): boolean {
    return this.interruptStep({ status: 'skipped', reason, by });
  }

  /** Halts the whole day: the current run is aborted and reverts, no further step starts. */
  halt(reason = 'halted by the facilitator', by: Actor = 'facilitator'): void {
    if (this.stopInfo || this.finished) return;
    this.appendSoon({ type: 'halt', by, reason, ...(this.currentStep ? { step: this.currentStep.index } : {}) });
    this.stopDay({ outcome: 'halted', reason, source: 'halt' });
  }

  /** SIGINT/SIGTERM: abort and revert, end the day aborted. */
  interruptBySignal(signal: string): void {
    this.stopDay({ outcome: 'aborted', reason: `interrupted by ${signal}`, source: 'signal' });
  }

  /** Faults of the current step's run that are not yet confirmed reverted. */
  activeFaults(): readonly { fault: string; target: string }[] {
    return this.run?.activeFaults() ?? [];
  }

  private interruptStep(i: StepInterrupt): boolean {
    if (!this.currentStep || this.interrupt || this.stopInfo) return false;
    this.interrupt = i;
    this.run?.abort(`${i.reason} (step ${this.currentStep.index + 1})`, 'api');
    this.kick();
    return true;
  }

  private stopDay(stop: Stop): void {
    if (this.stopInfo || this.finished) return;
    this.stopInfo = stop;
    this.run?.abort(stop.reason, stop.source);
    this.kick();
  }

  private kick(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Journals in order; a failed write is surfaced through the day's result, never swallowed silently. */
  private append(body: DayEventBody): Promise<DayEvent> {
    const p = this.journalTail.then(() => this.opts.journal.append(this.dayId, body));
    this.journalTail = p.catch(() => undefined);
    return p.then((e) => {
      if (e.type === 'day-ended') this.dayEnded = true;
      this.notifier?.observe(e);
      try {
        this.opts.onEvent?.(e);
      } catch (err) {
        this.log.warn({ error: toErrorInfo(err).message }, 'day event listener failed');
      }
      return e;
    });
  }

  /**
   * Journals without waiting (commands from keys and the API). A failed write stops the day: the current
   * run is aborted (it reverts) rather than going on with a journal that lies by omission.
   */
  private appendSoon(body: DayEventBody): void {
    this.append(body).catch((err: unknown) => {
      const reason = `the game-day journal could not be written: ${toErrorInfo(err).message}`;
      this.log.error({ dayId: this.dayId }, reason);
      this.stopDay({ outcome: 'aborted', reason, source: 'error' });
    });
  }

  /** Waits until `ready()` or the clock reaches `untilMs`; wakes early on any command. */
  private async waitFor(ready: () => boolean, untilMs?: number): Promise<'ready' | 'timeout'> {
    for (;;) {
      if (ready()) return 'ready';
      if (untilMs !== undefined && this.clock.nowMs() >= untilMs) return 'timeout';
      const woken = new Promise<void>((resolve) => { this.wake = resolve; });
      const left = untilMs === undefined ? Infinity : Math.max(1, untilMs - this.clock.nowMs());
      await Promise.race([woken, sleep(Math.min(this.opts.pollMs ?? 200, left))]);
    }
  }

  private async execute(): Promise<DayResult> {
    const { day } = this.opts;
    const steps = day.spec.steps;
    let guards: GuardLoop | undefined;
    let skipNext: { reason: string; by: Actor } | undefined;
    let stopped: { outcome: DayOutcome; reason: string } | undefined;
    let revertPending: string | undefined;
    let result: DayResult | undefined;
    try {
      const resume = this.opts.resume;
      if (!resume) {
        const origin = this.opts.origin;
        await this.append({ type: 'day-created', day, source: this.opts.source ?? 'api', host: os.hostname(), pid: process.pid, unattended: this.opts.unattended ?? false, ...(origin ? { origin } : {}) });
        if (this.opts.startsAtMs !== undefined && this.opts.startsAtMs > this.clock.nowMs()) await this.waitForStart(this.opts.startsAtMs);
        for (let i = 0; i < (origin?.fromStep ?? 0) && i < steps.length; i++) {
          this.statuses.set(i, 'skipped');
          await this.append({ type: 'step-ended', step: i, status: 'skipped', reason: `${origin?.kind} of day ${origin?.dayId} from step ${(origin?.fromStep ?? 0) + 1}: not run again` });
        }
      } else {
        await this.append({ type: 'resumed', by: resume.by, pid: process.pid, host: os.hostname(), fromStep: resume.fromStep, decision: resume.decision, recovered: resume.recovered });
        if (resume.decision === 'end') this.stopInfo = { outcome: 'halted', reason: `ended by ${resume.by} when resuming`, source: 'halt' };
      }
      if (day.spec.guards.length) {
        guards = new GuardLoop({
          guards: day.spec.guards,
          registry: this.opts.registry,
          log: this.log,
          clock: this.clock,
          onObservation: async (o) => {
            await this.append({ type: 'guard-observation', guard: o.guard.name, ok: o.result.ok, observed: o.result.observed, reason: o.result.reason, consecutiveFailures: o.consecutiveFailures });
          },
          onBreach: (o) => {
            const reason = `day guard "${o.guard.name}" breached: ${o.result.reason}`;
            this.appendSoon({ type: 'day-guard-breach', guard: o.guard.name, reason: o.result.reason, ...(this.currentStep ? { step: this.currentStep.index } : {}) });
            this.stopDay({ outcome: 'aborted', reason, source: 'guard' });
          },
        });
        guards.start();
      }

      for (let i = this.opts.resume?.fromStep ?? this.opts.origin?.fromStep ?? 0; i < steps.length; i++) {
        const step = steps[i] as GameDayStep;
        if (this.stopInfo) break;
        if (skipNext) {
          this.statuses.set(i, 'skipped');
          await this.append({ type: 'step-ended', step: i, status: 'skipped', reason: skipNext.reason, by: skipNext.by });
          skipNext = undefined;
          continue;
        }
        this.currentStep = step;
        this.interrupt = undefined;
        await this.append({ type: 'step-started', step: i, kind: step.kind, title: step.title });
        const ended = await this.runStep(step);
        this.statuses.set(i, ended.status);
        const { gate: _gate, ...endBody } = ended;
        await this.append({ type: 'step-ended', step: i, ...endBody });
        this.currentStep = undefined;
        this.endsAtMs = undefined;
        this.waitingFor = undefined;
        if (ended.outcome === 'revert-pending') {
          revertPending = `step ${i + 1} ("${step.title}") could not revert every fault (run ${ended.runId}); run \`faultline recover\``;
          break;
        }
        if (ended.gate === 'skip' && i + 1 < steps.length) skipNext = { reason: `gate "${(step as GateStep).question}" was answered skip`, by: ended.by ?? 'facilitator' };
        if (ended.gate === 'no-go') {
          stopped = { outcome: 'stopped', reason: `gate at step ${i + 1} ("${(step as GateStep).question}") was answered no-go${ended.by === 'default' ? ' (its default)' : ''}` };
          break;
        }
      }
      await guards?.stop();
      guards = undefined;
      const stop = this.stopInfo as Stop | undefined;
      const end = revertPending
        ? { outcome: 'revert-pending' as const, reason: revertPending }
        : stop ? { outcome: stop.outcome, reason: stop.reason } : stopped ?? decideOutcome(day, this.statuses);
      for (let i = 0; i < steps.length; i++) {
        if (!this.statuses.has(i)) {
          this.statuses.set(i, 'not-run');
          await this.append({ type: 'step-ended', step: i, status: 'not-run', reason: `the day ended before this step (${end.outcome})` });
        }
      }
      // Deliveries still in flight finish first, so their failures are noted in the day before it ends.
      await this.notifier?.flush();
      await this.append({ type: 'day-ended', outcome: end.outcome, reason: end.reason });
      result = { dayId: this.dayId, outcome: end.outcome, reason: end.reason, steps: new Map(this.statuses) };
    } catch (err) {
      // The journal failed (disk full, ...). A run in flight has already ended (runStep awaits it).
      await guards?.stop().catch(() => undefined);
      const reason = `the game day could not continue: ${toErrorInfo(err).message}`;
      this.log.error({ dayId: this.dayId }, reason);
      result = { dayId: this.dayId, outcome: 'aborted', reason, steps: new Map(this.statuses) };
    } finally {
      this.finished = true;
      this.currentStep = undefined;
      this.run = undefined;
    }
    // The last notices (day-ended) go out before the day is reported done; each is bounded by its timeout and retries.
    await this.notifier?.flush();
    return result;
  }

  /** Until the start time (a halt or signal ends the wait): each webhook's heads-up goes out when its lead time comes. */
  private async waitForStart(startsAtMs: number): Promise<void> {
    await this.append({ type: 'day-waiting', startsAt: new Date(startsAtMs).toISOString() });
    this.endsAtMs = startsAtMs;
    const due = (this.opts.day.spec.notify ?? []).filter((n) => n.on.includes('heads-up'))
      .map((spec) => ({ spec, atMs: startsAtMs - (spec.headsUpMs ?? notifyDefaults.headsUpMs) }));
    while (!this.stopInfo && this.clock.nowMs() < startsAtMs) {
      const now = this.clock.nowMs();
      const ready = due.filter((d) => d.atMs <= now);
      if (ready.length) this.notifier?.headsUp(this.dayId, new Date(startsAtMs), ready.map((d) => d.spec));
      for (const d of ready) due.splice(due.indexOf(d), 1);
      const next = Math.min(startsAtMs, ...due.map((d) => d.atMs));
      await this.waitFor(() => Boolean(this.stopInfo), next);
    }
    this.endsAtMs = undefined;
    if (!this.stopInfo) this.notifier?.started(this.dayId);
  }

  private async runStep(step: GameDayStep): Promise<StepEnd> {
    switch (step.kind) {
      case 'experiment':
        return this.runExperiment(step);
      case 'gate':
        return this.runGate(step);
      case 'wait': {
        this.endsAtMs = this.clock.nowMs() + step.durationMs;
        await this.waitFor(() => Boolean(this.interrupt || this.stopInfo), this.endsAtMs);
        return this.interrupted() ?? { status: 'done', reason: `waited ${step.durationMs}ms` };
      }
      case 'checklist': {
        if (this.opts.unattended) return { status: 'done', reason: `unattended: 0 of ${step.items.length} items ticked` };
        this.ticked = new Set();
        this.checklistDone = undefined;
        this.waitingFor = 'checklist';
        await this.waitFor(() => Boolean(this.interrupt || this.stopInfo || this.checklistDone || this.ticked.size === step.items.length));
        this.waitingFor = undefined;
        return this.interrupted() ?? { status: 'done', reason: `${this.ticked.size} of ${step.items.length} items ticked`, ...(this.checklistDone ? { by: this.checklistDone } : {}) };
      }
    }
  }

  private interrupted(): StepEnd | undefined {
    if (this.stopInfo) return { status: 'aborted', reason: this.stopInfo.reason };
    if (this.interrupt) return { status: this.interrupt.status, reason: this.interrupt.reason, by: this.interrupt.by };
    return undefined;
  }

  private async runGate(step: GateStep): Promise<StepEnd> {
    this.gateAnswer = undefined;
    let answer: { answer: GateAnswer; note?: string; by: Actor; defaulted?: 'timeout' | 'unattended' };
    if (this.opts.unattended) {
      answer = { answer: step.defaultAnswer, by: 'default', defaulted: 'unattended' };
    } else {
      this.endsAtMs = this.clock.nowMs() + step.timeoutMs;
      this.waitingFor = 'gate';
      const how = await this.waitFor(() => Boolean(this.gateAnswer || this.interrupt || this.stopInfo), this.endsAtMs);
      this.waitingFor = undefined;
      const cut = this.interrupted();
      if (cut) return cut;
      answer = how === 'timeout' || !this.gateAnswer ? { answer: step.defaultAnswer, by: 'default', defaulted: 'timeout' } : this.gateAnswer;
    }
    await this.append({ type: 'gate-answered', step: step.index, ...answer });
    return { status: 'done', reason: `answered ${answer.answer}${answer.defaulted ? ` (default, ${answer.defaulted === 'timeout' ? 'nobody answered in time' : 'unattended'})` : ''}`, gate: answer.answer, by: answer.by };
  }

  private async runExperiment(step: Extract<GameDayStep, { kind: 'experiment' }>): Promise<StepEnd> {
    const experiment = experimentOf(step);
    const ahead = this.opts.newRunId?.();
    if (ahead !== undefined) await this.append({ type: 'step-run', step: step.index, runId: ahead });
    // A halt that arrived while the step-run entry was written: start nothing.
    const before = this.interrupted();
    if (before) return before;
    let result: RunResult;
    const handle = await this.opts.startRun(experiment, { step: step.index, ...(ahead !== undefined ? { runId: ahead } : {}), ...(step.seed !== undefined ? { seed: step.seed } : {}) });
    this.run = handle;
    const runId = handle.runId;
    try {
      if (ahead === undefined) {
        await this.append({ type: 'step-run', step: step.index, runId }).catch(async (err: unknown) => {
          // Never leave a run behind: it reverts before the error ends the day.
          handle.abort(`the game-day journal could not be written: ${toErrorInfo(err).message}`, 'error');
          await handle.done;
          throw err;
        });
      }
      // A halt or abort that arrived while the run was being created reaches it now.
      const cut = this.stopInfo ?? this.interrupt;
      if (cut) handle.abort(cut.reason, this.stopInfo?.source ?? 'api');
      result = await handle.done;
    } finally {
      this.run = undefined;
    }
    const base = { runId, outcome: result.outcome, expected: step.expect, timings: result.timings };
    if (result.outcome === 'revert-pending') return { ...base, status: 'failed', reason: result.reason };
    const cut = this.interrupted();
    if (cut) return { ...base, ...cut, reason: `${cut.reason}; the run ended ${result.outcome}: ${result.reason}` };
    const passed = result.outcome === step.expect;
    return {
      ...base,
      status: passed ? 'passed' : 'failed',
      reason: passed ? `ended ${result.outcome} as expected: ${result.reason}` : `expected ${step.expect}, ended ${result.outcome}: ${result.reason}`,
    };
  }
}

type StepEnd = Omit<Extract<DayEventBody, { type: 'step-ended' }>, 'type' | 'step'> & { gate?: GateAnswer };
