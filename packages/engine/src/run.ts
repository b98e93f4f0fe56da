import os from 'node:os';
import {
  isOwnershipLost, assertTransition, newRunId, systemClock, type Clock, ProviderError, redactSecrets, silentLogger, sleep, toErrorInfo, withTimeout,
  type AbortSource, type Experiment, type JournalEvent, type JournalEventBody, type JournalSink, type Logger, type Outcome,
  type PlannedFault, type ProbeResult, type FaultProvider, type Json, type Target, type ProbeSpec, type Registry, type RunPlan, type RunState, type RunTimings,
  scrubJson, type SecretResolver, type FaultEffect, type FaultContext, type IneffectiveFault, unverifiedEffect,
} from '@faultline/core';
import { defaultSecretResolver } from './secrets/sources.js';
import { scrubbingLogger } from './secrets/scrubbing-logger.js';
import { RunNotifier } from './notify/run-notifier.js';
import { GrafanaAnnotator } from './annotations/grafana-annotator.js';
import { GuardLoop } from './guard-loop.js';
import { planRun, violatedLimits } from './plan.js';
import { runProbe } from './probe-runner.js';
import { revertAll, revertWithRetry, type ActiveFault } from './reverter.js';
import { SignalScope } from './signal-scope.js';

export interface EngineOptions {
  registry: Registry;
  journal: JournalSink;
  log?: Logger;
  /** Every journal event after it is stored (progress views, SSE, metrics). Must not throw. */
  onEvent?: (event: JournalEvent) => void;
  /** Where the run reads time (timings, hold, guard cadence). Default: the system clock. */
  clock?: Clock;
  /**
   * Resolves `{ secretRef }` values at inject, revert and probe time. Every value it hands out is
   * scrubbed from journal events, logs and the verdict. Default: env + file sources of this process.
   */
  secrets?: SecretResolver;
  /**
   * Hosts notify webhooks and Grafana annotations may call (the controller's --allow-host list),
   * checked at each call, after a secret-reference URL is resolved. Undefined allows any host.
   */
  allowHosts?: readonly string[];
  /**
   * What happens to a revert-pending run next, for its reason: the CLI's default tells the user to run
   * `faultline recover`; the controller keeps retrying in the background and says so.
   */
  revertPendingNext?: string;
}

export interface StartOptions {
  runId?: string;
  seed?: number;
  /** Where the experiment came from, for the journal: a file path or 'api'. */
  source?: string;
  /** Timeout for each outside call while planning and injecting. Default 10 s. */
  callTimeoutMs?: number;
  /** How long past its planned end a fault's backend lease lasts (dead-man's switch). Default 30 s. */
  leaseMarginMs?: number;
}

export interface RunResult {
  readonly runId: string;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly timings: RunTimings;
  /** Faults still possibly active (only for revert-pending). */
  readonly pending: readonly { fault: string; target: string }[];
  /**
   * Faults measured ineffective (FaultProvider.verify) while active. The outcome stays what the
   * hypothesis says; the reason then says the experiment did not test what it claims.
   */
  readonly ineffective?: readonly IneffectiveFault[];
}

/** A run in progress. `abort` may be called any number of times; the revert always completes. */
export interface RunHandle {
  readonly runId: string;
  readonly done: Promise<RunResult>;
  state(): RunState;
  abort(reason: string, source?: AbortSource): void;
  /** Faults written ahead and not yet confirmed reverted, for "still reverting: ..." messages. */
  activeFaults(): readonly { fault: string; target: string }[];
}

/** Plans, runs and reverts experiments. Providers and probes come from the registry. */
export class Engine {
  constructor(private readonly opts: EngineOptions) {}

  /** Resolves targets and checks limits without side effects. */
  plan(experiment: Experiment, opts: { seed?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<RunPlan> {
    return planRun(experiment, this.opts.registry, {
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ctx: { signal: opts.signal ?? new AbortController().signal, log: this.opts.log ?? silentLogger, timeoutMs: opts.timeoutMs ?? 10_000 },
    });
  }

  /** Starts a run; it proceeds in the background. The returned handle's `done` never rejects. */
  start(experiment: Experiment, opts: StartOptions = {}): RunHandle {
    const run = new Run(experiment, this.opts, opts);
    return run.handle();
  }
}

const failureReason = (what: string, err: unknown) => `${what}: ${toErrorInfo(err).message}`;

class Run {
  readonly runId: string;
  private state: RunState = 'pending';
  private readonly abortCtl = new AbortController();
  private abortInfo: { source: AbortSource; reason: string; at: Date } | undefined;
  private breachAt: Date | undefined;
  private holdEndAt: Date | undefined;
  private allRevertedAt: Date | undefined;
  private failure: string | undefined;
  /** Set when the journal refused a write because another replica owns the run now (controller HA). */
  private lost: Error | undefined;
  private readonly active = new Map<string, ActiveFault>();
  private readonly ineffective: IneffectiveFault[] = [];
  private readonly startedAt: Date;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly secrets: SecretResolver;
  /** Webhooks and Grafana: observers in the background, never on the revert path. */
  private readonly announcers: Array<RunNotifier | GrafanaAnnotator> = [];
  private readonly done: Promise<RunResult>;

  constructor(private readonly experiment: Experiment, private readonly eng: EngineOptions, private readonly opts: StartOptions) {
    this.clock = eng.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.runId = opts.runId ?? newRunId();
    this.secrets = eng.secrets ?? defaultSecretResolver();
    this.log = scrubbingLogger(eng.log ?? silentLogger, this.secrets);
    const report = (body: JournalEventBody) => this.journalBestEffort(body);
    const name = experiment.metadata.name;
    if (experiment.spec.notify?.length) {
      this.announcers.push(new RunNotifier({ specs: experiment.spec.notify, experiment: name, secrets: this.secrets, report, clock: this.clock, log: this.log, ...(eng.allowHosts ? { allowHosts: eng.allowHosts } : {}) }));
    }
    if (experiment.spec.annotations?.length) {
      this.announcers.push(new GrafanaAnnotator({ specs: experiment.spec.annotations, experiment: name, secrets: this.secrets, report, log: this.log, ...(eng.allowHosts ? { allowHosts: eng.allowHosts } : {}) }));
    }
    this.done = this.execute();
  }

  handle(): RunHandle {
    return {
      runId: this.runId,
      done: this.done,
      state: () => this.state,
      abort: (reason, source = 'api') => this.abort(source, reason),
      activeFaults: () => [...this.active.values()].map((f) => ({ fault: f.fault, target: f.target.name })),
    };
  }

  /** A method, not a field read, so TypeScript does not narrow it away across awaits. */
  private abortReason(): string | undefined {
    return this.abortInfo?.reason;
  }

  private abort(source: AbortSource, reason: string): void {
    if (this.abortInfo) return;
    this.abortInfo = { source, reason, at: this.clock.now() };
    this.abortCtl.abort(new Error(reason));
    void this.journal({ type: 'abort', source, reason }).catch((err) => this.log.error({ runId: this.runId, err }, 'could not journal abort'));
  }

  private async journal(body: JournalEventBody): Promise<JournalEvent> {
    if (this.lost) throw this.lost;
    let event: JournalEvent;
    try {
      // Defence in depth: no resolved secret value reaches the journal, whatever a backend echoed.
      event = await this.eng.journal.append(this.runId, scrubJson(body as never, this.secrets) as JournalEventBody);
    } catch (err) {
      if (isOwnershipLost(err)) this.loseOwnership(err as Error);
      throw err;
    }
    try {
      this.eng.onEvent?.(event);
    } catch (err) {
      this.log.warn({ runId: this.runId, err }, 'event observer threw');
    }
    for (const a of this.announcers) {
      try {
        a.observe(event);
      } catch (err) {
        this.log.warn({ runId: this.runId, err }, 'announcer threw');
      }
    }
    return event;
  }

  /**
   * Another replica adopted the run (or our owner lease ran out): from now on this process touches
   * neither the journal nor the backends; the adopter reverts from the journal.
   */
  private loseOwnership(err: Error): void {
    if (this.lost) return;
    this.lost = err;
    this.log.warn({ runId: this.runId, err: err.message }, 'lost ownership of the run; stopping without touching it');
    if (!this.abortInfo) {
      this.abortInfo = { source: 'error', reason: err.message, at: this.clock.now() };
      this.abortCtl.abort(err);
    }
  }

  /**
   * On the revert path a journal failure must not stop the revert: recover re-reverts what is unconfirmed.
   * Except a lost ownership: then the adopter reverts, and this process must stop touching the run.
   */
  private async journalBestEffort(body: JournalEventBody): Promise<void> {
    try {
      await this.journal(body);
    } catch (err) {
      if (isOwnershipLost(err)) throw err;
      this.log.error({ runId: this.runId, type: body.type, err: (err as Error).message }, 'journal write failed; continuing revert');
    }
  }

  private async to(next: RunState, reason?: string): Promise<void> {
    assertTransition(this.state, next);
    const from = this.state;
    this.state = next;
    await this.journalBestEffort({ type: 'transition', from, to: next, ...(reason ? { reason } : {}) });
  }

  private async execute(): Promise<RunResult> {
    try {
      return await this.executeOwned();
    } catch (err) {
      // Only a lost ownership can get here (the failure path below handles everything else).
      if (this.lost) return this.lostResult();
      throw err;
    }
  }

  private lostResult(): RunResult {
    return this.result('aborted', `stopped without touching the run any more: ${this.lost?.message ?? 'ownership lost'}`);
  }

  private async executeOwned(): Promise<RunResult> {
    try {
      return await this.lifecycle();
    } catch (err) {
      if (this.lost) return this.lostResult();
      // A bug or a journal failure outside the revert path. Faults are reverted by lifecycle's finally;
      // here we only make sure the run ends in a state that says so.
      this.log.error({ runId: this.runId, err }, 'run failed unexpectedly');
      const reason = failureReason('internal error', err);
      if (this.active.size > 0) {
        // Should be unreachable (the lifecycle reverts in a finally), but never give up on a revert.
        const left = await revertAll([...this.active.values()], {
          runId: this.runId, policy: this.experiment.spec.revert, providers: this.eng.registry.faults, log: this.log, clock: this.clock, secrets: this.secrets,
          journal: (body) => this.journalBestEffort(body),
        });
        for (const [key, f] of [...this.active.entries()]) if (!left.includes(f)) this.active.delete(key);
        if (this.active.size > 0) return this.finish('revert-pending', `${reason}; could not revert ${left.length} fault(s); ${this.eng.revertPendingNext ?? 'run `faultline recover`'}`);
      }
      if (!['completed', 'deviated', 'aborted', 'failed'].includes(this.state)) {
        try {
          if (this.state === 'revert-pending' || this.state === 'reverting' || this.state === 'checking-after' || this.state === 'pending' || this.state === 'planning' || this.state === 'checking-before') await this.to('failed', reason);
        } catch {
          /* the state machine already moved on; the verdict below still reports the failure */
        }
      }
      return this.finish('failed', reason);
    }
  }

  private async lifecycle(): Promise<RunResult> {
    const { spec } = this.experiment;
    const callTimeoutMs = this.opts.callTimeoutMs ?? 10_000;
    await this.journal({
      // Credentials in probe/fault parameters stay in memory; journals and reports get a redacted copy.
      type: 'run-created', experiment: redactSecrets(this.experiment as never), dryRun: false, host: os.hostname(), pid: process.pid,
      ...(this.opts.source ? { source: this.opts.source } : {}),
    });
    const budget = spec.maxDurationMs !== undefined
      ? setTimeout(() => this.abort('budget', `run exceeded its budget of ${spec.maxDurationMs}ms`), spec.maxDurationMs)
      : undefined;
    try {
      await this.to('planning');
      let plan: RunPlan;
      try {
        plan = await planRun(this.experiment, this.eng.registry, {
          ...(this.opts.seed !== undefined ? { seed: this.opts.seed } : {}),
          ctx: { signal: this.abortCtl.signal, log: this.log, timeoutMs: callTimeoutMs, secrets: this.secrets },
        });
      } catch (err) {
        if (this.abortReason()) return this.end('aborted', this.abortReason()!);
        return this.end('failed', failureReason('planning failed', err));
      }
      await this.journal({ type: 'plan', plan: redactSecrets(plan as never) });
      const violated = violatedLimits(plan);
      if (violated.length) {
        return this.end('aborted', `blast radius exceeded, nothing injected: ${violated.map((v) => `${v.limit} (${v.detail})`).join('; ')}`);
      }
      if (this.abortReason()) return this.end('aborted', this.abortReason()!);

      await this.to('checking-before');
      const before = await this.steadyState('before', spec.steadyState);
      if (this.abortReason()) return this.end('aborted', this.abortReason()!);
      const unmet = before.find((r) => !r.ok);
      if (unmet) return this.end('failed', `steady state not met before injection, nothing injected: "${unmet.probe}" ${unmet.reason}`);

      await this.to('injecting');
      return await this.injectHoldRevert(plan);
    } finally {
      clearTimeout(budget);
    }
  }

  private async injectHoldRevert(plan: RunPlan): Promise<RunResult> {
    const { spec } = this.experiment;
    const guards = new GuardLoop({
      secrets: this.secrets,
      guards: spec.guards,
      registry: this.eng.registry,
      log: this.log,
      clock: this.clock,
      onObservation: (o) =>
        this.journal({ type: 'probe', phase: 'guard', result: o.result, consecutiveFailures: o.consecutiveFailures, breachAfter: o.guard.breachAfter })
          .then(() => undefined, (err) => this.log.warn({ runId: this.runId, err }, 'could not journal guard observation')),
      onBreach: (o) => {
        this.breachAt = this.clock.now();
        // Journal the breach first (appends keep call order), then abort at once: the decision is synchronous.
        void this.journal({ type: 'guard-breach', guard: o.guard.name, consecutiveFailures: o.consecutiveFailures, result: o.result }).catch(() => undefined);
        this.abort('guard', `guard "${o.guard.name}" breached after ${o.consecutiveFailures} consecutive failure${o.consecutiveFailures === 1 ? '' : 's'}: ${o.result.reason}`);
      },
    });
    const holdCtl = new AbortController();
    const onAbort = () => holdCtl.abort(this.abortCtl.signal.reason);
    this.abortCtl.signal.addEventListener('abort', onAbort, { once: true });
    // Delayed faults each wait on the hold; one listener on it serves them all (see SignalScope).
    const holdScope = new SignalScope(holdCtl.signal);
    const tasks: Promise<void>[] = [];
    guards.start();
    try {
      for (const f of plan.faults.filter((x) => x.afterMs === 0)) {
        if (holdCtl.signal.aborted) break;
        await this.injectFault(f, plan, holdCtl.signal);
      }
      if (!this.abortInfo) {
        await this.to('holding');
        const holdStart = this.clock.monotonic();
        for (const f of plan.faults) {
          if (f.afterMs > 0) tasks.push(this.at(holdStart + f.afterMs, holdScope, (signal) => this.injectFault(f, plan, signal)));
          if (f.untilMs < spec.durationMs) tasks.push(this.at(holdStart + f.untilMs, holdScope, () => this.revertFaultEarly(f)));
        }
        const hold = holdScope.child();
        await sleep(spec.durationMs, hold.signal).catch(() => undefined).finally(hold.release);
        this.holdEndAt = this.clock.now();
      }
    } catch (err) {
      if (!this.abortInfo) {
        this.failure = err instanceof ProviderError ? err.message : failureReason('injection failed', err);
        this.abort('error', this.failure);
      }
    } finally {
      holdCtl.abort(new Error('hold ended'));
      this.abortCtl.signal.removeEventListener('abort', onAbort);
      await guards.stop();
      await Promise.allSettled(tasks); // an in-flight delayed inject finishes (aborted) before we revert it
      holdScope.close();
      await this.to('reverting', this.abortInfo ? `aborted (${this.abortInfo.source})` : 'hold ended');
      const left = await revertAll([...this.active.values()], {
        runId: this.runId, policy: spec.revert, providers: this.eng.registry.faults, log: this.log, clock: this.clock, secrets: this.secrets,
        journal: (body) => this.journalBestEffort(body),
      });
      for (const f of [...this.active.entries()]) if (!left.includes(f[1])) this.active.delete(f[0]);
    }
    if (this.active.size > 0) {
      await this.to('revert-pending');
      const list = [...this.active.values()].map((f) => `"${f.fault}" on ${f.target.name}${f.lastError ? ` (last error: ${f.lastError})` : ''}`).join(', ');
      return this.finish('revert-pending', `could not revert ${list} after ${spec.revert.maxAttempts} attempts; ${this.eng.revertPendingNext ?? 'run `faultline recover` to retry'}`);
    }
    this.allRevertedAt = this.clock.now();
    if (this.failure) return this.end('failed', this.failure);
    if (this.abortInfo && ['signal', 'halt', 'api'].includes(this.abortInfo.source)) return this.end('aborted', this.abortInfo.reason);

    if (spec.settleMs > 0) await sleep(spec.settleMs, this.abortCtl.signal.aborted ? undefined : this.abortCtl.signal).catch(() => undefined);
    await this.to('checking-after');
    const after = await this.steadyState('after', spec.steadyState);
    if (this.abortReason()) return this.end('aborted', this.abortReason()!);
    const deviated = after.find((r) => !r.ok);
    if (deviated) return this.end('deviated', `steady state did not hold after the faults were reverted: "${deviated.probe}" ${deviated.reason}`);
    return this.end('completed', spec.steadyState.length
      ? `steady state held before and after ${plan.faults.length} fault${plan.faults.length === 1 ? '' : 's'}; no guard tripped`
      : `all ${plan.faults.length} fault${plan.faults.length === 1 ? '' : 's'} injected and reverted; no guard tripped (no steady state defined)`);
  }

  /** Runs `fn` at monotonic time `when` unless the hold ends first. Errors abort the run. */
  private async at(when: number, scope: SignalScope, fn: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const { signal, release } = scope.child();
    try {
      try {
        await sleep(Math.max(0, when - this.clock.monotonic()), signal);
      } catch {
        return;
      }
      await fn(signal);
    } catch (err) {
      if (!this.abortInfo) {
        this.failure = err instanceof ProviderError ? err.message : failureReason('delayed fault failed', err);
        this.abort('error', this.failure);
      }
    } finally {
      release();
    }
  }

  private async injectFault(f: PlannedFault, plan: RunPlan, signal: AbortSignal): Promise<void> {
    const provider = this.eng.registry.faults.get(f.type);
    if (!provider) throw new ProviderError(`no provider for fault type "${f.type}"`);
    const targets = plan.targets.find((t) => t.name === f.target)?.selected ?? [];
    const timeoutMs = this.opts.callTimeoutMs ?? 10_000;
    const leaseMs = f.untilMs - f.afterMs + (this.opts.leaseMarginMs ?? 30_000);
    let next = 0;
    // Each worker's calls hang off its own child signal: the shared one carries a single listener.
    const scope = new SignalScope(signal);
    const worker = async () => {
      const own = scope.child();
      try {
        await injectEach(own.signal);
      } finally {
        own.release();
      }
    };
    const injectEach = async (workerSignal: AbortSignal) => {
      // A worker does not wait for its `fault-injected` record to be synced before taking the next target: the
      // next `fault-injecting` record comes later in the same file, so its sync covers both. Only the write-ahead
      // record is on the critical path, as the promise requires. The last one is awaited before the hold.
      let injected: Promise<unknown> = Promise.resolve();
      try {
        while (next < targets.length && !signal.aborted) {
          const target = targets[next++]!;
          const record: ActiveFault = { fault: f.name, faultType: f.type, target, attempts: 0, params: redactSecrets(f.params) };
          this.active.set(`${f.name}\u0000${target.id}`, record);
          // Write-ahead: the record is durable before the backend is touched.
          await this.journal({ type: 'fault-injecting', fault: f.name, faultType: f.type, target, params: redactSecrets(f.params) });
          await injected; // settled by now (earlier in the file); rethrows if it could not be journaled
          const started = this.clock.monotonic();
          let undo: Awaited<ReturnType<typeof provider.inject>>;
          try {
            undo = await withTimeout(`inject of "${f.name}" on ${target.name}`, timeoutMs, (s) =>
              provider.inject(target, f.params, { runId: this.runId, faultName: f.name, signal: s, log: this.log, timeoutMs, leaseMs, secrets: this.secrets }), workerSignal);
          } catch (err) {
            await this.journalBestEffort({ type: 'fault-inject-failed', fault: f.name, targetId: target.id, error: toErrorInfo(err) });
            if (signal.aborted) return;
            throw new ProviderError(failureReason(`could not inject "${f.name}" (${f.type}) on ${target.name}`, err), { cause: err });
          }
          if (undo !== undefined) record.undo = undo;
          const landed = this.journal({ type: 'fault-injected', fault: f.name, targetId: target.id, durationMs: this.clock.monotonic() - started, ...(undo !== undefined ? { undo } : {}) });
          // Lost the run while this inject was in flight: the adopter may have reverted before it landed,
          // so the fault this process just made is undone here, without the journal (we may not write it).
          injected = landed.catch(async (err: unknown) => {
            if (isOwnershipLost(err)) await this.undoOrphanedInject(provider, target, f, undo, timeoutMs);
            throw err;
          });
          injected.catch(() => undefined); // awaited above or below; this only keeps it from counting as unhandled
          if (provider.verify) await this.verifyEffect(provider, target, f, undo, timeoutMs, workerSignal);
        }
      } finally {
        await injected;
      }
    };
    const results = await Promise.allSettled(Array.from({ length: Math.min(16, Math.max(1, targets.length)) }, worker));
    scope.close();
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  /**
   * Measures whether the fault just injected has the asked effect (while it is active, before the
   * hold) and journals it. Never fails the run: a measurement that throws is `unverified`.
   */
  private async verifyEffect(provider: FaultProvider<unknown, Json>, target: Target, f: PlannedFault, undo: Json | undefined, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const verify = provider.verify?.bind(provider);
    if (!verify || signal.aborted) return;
    let effect: FaultEffect;
    try {
      effect = await withTimeout(`effect check of "${f.name}" on ${target.name}`, timeoutMs, (s) => {
        const ctx: FaultContext = { runId: this.runId, faultName: f.name, signal: s, log: this.log, timeoutMs, secrets: this.secrets };
        return verify(target, undo, f.params, ctx);
      }, signal);
    } catch (err) {
      if (signal.aborted) return;
      effect = unverifiedEffect(`the measurement failed: ${(err as Error).message}`);
    }
    if (effect.status === 'ineffective') this.ineffective.push({ fault: f.name, targetId: target.id, detail: `${f.name} on ${target.name}: ${effect.detail}` });
    await this.journalBestEffort({ type: 'fault-effect', fault: f.name, targetId: target.id, effect });
  }

  /** The verdict reason with ineffective faults named: a run that tested nothing is never a plain pass. */
  private effectReason(outcome: Outcome, reason: string): string {
    if (this.ineffective.length === 0) return reason;
    const list = this.ineffective.map((x) => x.detail).join('; ');
    return outcome === 'completed'
      ? `INEFFECTIVE: ${reason}, but the fault did not have the asked effect, so the hypothesis was not tested: ${list}`
      : `${reason}; ineffective fault(s): ${list}`;
  }

  private async undoOrphanedInject(provider: FaultProvider<unknown, Json>, target: Target, f: PlannedFault, undo: Json | undefined, timeoutMs: number): Promise<void> {
    try {
      await withTimeout(`revert of "${f.name}" on ${target.name} after losing the run`, timeoutMs, (signal) =>
        provider.revert(target, undo, { runId: this.runId, faultName: f.name, signal, log: this.log, timeoutMs }));
      this.active.delete(`${f.name}\u0000${target.id}`);
    } catch (err) {
      this.log.error({ runId: this.runId, targetId: target.id, err: (err as Error).message }, 'could not undo an inject that landed after this replica lost the run; the orphan sweep removes tagged leftovers');
    }
  }

  /** A fault with `for:` shorter than the hold is reverted at its end; failures are left to the final revert. */
  private async revertFaultEarly(f: PlannedFault): Promise<void> {
    const mine = [...this.active.entries()].filter(([, a]) => a.fault === f.name);
    for (const [key, a] of mine) {
      const ok = await revertWithRetry(a, {
        runId: this.runId, policy: { ...this.experiment.spec.revert, maxAttempts: 1 }, providers: this.eng.registry.faults,
        log: this.log, clock: this.clock, secrets: this.secrets, journal: (b) => this.journalBestEffort(b),
      });
      if (ok) this.active.delete(key);
    }
  }

  private async steadyState(phase: 'before' | 'after', probes: readonly ProbeSpec[]): Promise<ProbeResult[]> {
    const signal = phase === 'before' ? this.abortCtl.signal : new AbortController().signal;
    return Promise.all(probes.map(async (p) => {
      const result = await runProbe(p, this.eng.registry, { signal, log: this.log, clock: this.clock, secrets: this.secrets });
      await this.journal({ type: 'probe', phase, result });
      return result;
    }));
  }

  private async end(outcome: 'completed' | 'deviated' | 'aborted' | 'failed', reason: string): Promise<RunResult> {
    await this.to(outcome, reason);
    return this.finish(outcome, reason);
  }

  private async finish(outcome: Outcome, reason: string): Promise<RunResult> {
    const result = this.result(outcome, this.secrets.scrub(this.effectReason(outcome, reason)));
    const ineffective = result.ineffective ? { ineffective: [...result.ineffective] } : {};
    await this.journalBestEffort({ type: 'verdict', outcome, reason: result.reason, timings: result.timings, ...ineffective });
    // Everything is reverted (or reported pending) by now: waiting here delays only the report, never a revert.
    await Promise.allSettled(this.announcers.map((a) => a.flush()));
    return result;
  }

  private result(outcome: Outcome, reason: string): RunResult {
    const endedAt = this.clock.now();
    const ms = (a?: Date, b?: Date) => (a && b ? b.getTime() - a.getTime() : undefined);
    const revertFrom = this.abortInfo?.at ?? this.holdEndAt;
    const optional = {
      breachAt: this.breachAt?.toISOString(),
      abortAt: this.abortInfo?.at.toISOString(),
      allRevertedAt: this.allRevertedAt?.toISOString(),
      timeToAbortMs: ms(this.breachAt, this.abortInfo?.at),
      timeToRevertMs: ms(revertFrom, this.allRevertedAt),
      breachToRevertedMs: ms(this.breachAt, this.allRevertedAt),
    };
    const timings = {
      startedAt: this.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs: endedAt.getTime() - this.startedAt.getTime(),
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    } as RunTimings;
    return {
      runId: this.runId, outcome, reason, timings,
      pending: [...this.active.values()].map((f) => ({ fault: f.fault, target: f.target.name })),
      ...(this.ineffective.length ? { ineffective: [...this.ineffective] } : {}),
    };
  }
}
