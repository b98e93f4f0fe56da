import { formatDuration, type JournalEvent, type ProbeResult, type RunState } from '@faultline/core';
import type { CliIo, Palette } from '../io.js';
import { clockOf, palette } from '../io.js';
import { LiveFooter } from './live-footer.js';
import { probeLine, sparkline } from './format.js';

const phaseLabel: Partial<Record<RunState, string>> = {
  planning: 'planning', 'checking-before': 'steady state', injecting: 'injecting', holding: 'holding',
  reverting: 'reverting', 'revert-pending': 'REVERT PENDING', 'checking-after': 'steady state',
};

/**
 * Turns journal events into progress for people. On a TTY a live footer shows the phase, time left and
 * each guard's last value with a trend; elsewhere one plain line per event (CI logs).
 */
export class ProgressView {
  private readonly p: Palette;
  private state: RunState = 'pending';
  private holdEndsAt: number | undefined;
  private readonly guards = new Map<string, { results: ProbeResult[]; failures: number; breachAfter: number }>();
  private readonly screen: LiveFooter;
  private name = '';

  constructor(private readonly io: CliIo, opts: { live?: boolean } = {}) {
    this.p = palette(io);
    this.screen = new LiveFooter(io, opts.live ?? Boolean(io.stdout.isTTY), () => this.footer());
  }

  start(): void {
    this.screen.start();
  }

  stop(): void {
    this.screen.stop();
  }

  private print(line: string): void {
    this.screen.print(line);
  }

  private label(s: string): string {
    return this.p.dim(s.padEnd(13));
  }

  onEvent(e: JournalEvent): void {
    const p = this.p;
    switch (e.type) {
      case 'run-created':
        this.name = e.experiment.metadata.name;
        this.print(`${p.bold('▶ ' + this.name)}  ${p.dim(`run ${e.runId}`)}`);
        if (e.experiment.spec.description) this.print(`  ${p.dim(e.experiment.spec.description)}`);
        break;
      case 'plan':
        for (const t of e.plan.targets) {
          this.print(`  ${this.label('targets')}${t.name}: ${t.selected.length} of ${t.candidates} (${t.mode}) ${p.dim(t.selected.map((s) => s.name).join(', '))}`);
        }
        for (const l of e.plan.limits) this.print(`  ${this.label('limit')}${l.ok ? p.green('✓') : p.red('✗')} ${l.limit} ${p.dim(l.detail)}`);
        break;
      case 'transition':
        this.state = e.to;
        if (e.to === 'holding') {
          // the hold length is in the run-created event; the footer shows the countdown
          this.print(`  ${this.label('holding')}faults active; guards watching`);
        } else if (e.to === 'reverting') {
          this.print(`  ${this.label('reverting')}${e.reason === 'hold ended' ? 'hold ended; removing every fault, newest first' : 'removing every fault now, newest first'}`);
        } else if (e.to === 'revert-pending') {
          this.print(`  ${p.red(this.label('REVERT'))}${p.red('some faults could not be reverted yet')}`);
        }
        break;
      case 'probe': {
        if (e.phase === 'guard') {
          const g = this.guards.get(e.result.probe) ?? { results: [], failures: 0, breachAfter: e.breachAfter ?? 1 };
          g.results.push(e.result);
          if (g.results.length > 60) g.results.shift();
          g.failures = e.consecutiveFailures ?? 0;
          this.guards.set(e.result.probe, g);
          const first = g.results.length === 1;
          if (!e.result.ok || first || (g.results.at(-2)?.ok === false && e.result.ok)) {
            const mark = e.result.ok ? p.green('✓') : p.yellow('✗');
            this.print(`  ${this.label('guard')}${mark} ${e.result.probe}: ${probeLine(e.result)}${e.result.ok ? '' : ` (${g.failures}/${g.breachAfter})`}`);
          }
        } else {
          const mark = e.result.ok ? p.green('✓') : p.red('✗');
          this.print(`  ${this.label(`${e.phase === 'before' ? 'before' : 'after'}`)}${mark} ${e.result.probe}: ${probeLine(e.result)}`);
        }
        break;
      }
      case 'fault-injected':
        this.print(`  ${this.label('injected')}${p.yellow('⚡')} ${e.fault} on ${e.targetId.split('/').pop()} ${p.dim(formatDuration(e.durationMs))}`);
        break;
      case 'fault-effect': {
        const mark = e.effect.status === 'effective' ? p.green('✓') : e.effect.status === 'ineffective' ? p.red('✗') : p.dim('?');
        this.print(`  ${this.label('effect')}${mark} ${e.fault} on ${e.targetId.split('/').pop()}: ${e.effect.status === 'ineffective' ? p.red(e.effect.detail) : p.dim(e.effect.detail)}`);
        break;
      }
      case 'fault-inject-failed':
        this.print(`  ${this.label('inject')}${p.red('✗')} ${e.fault} on ${e.targetId.split('/').pop()}: ${e.error.message}`);
        break;
      case 'fault-reverted':
        this.print(`  ${this.label('reverted')}${p.green('✓')} ${e.fault} on ${e.targetId.split('/').pop()} ${p.dim(`${formatDuration(e.durationMs)}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''}`)}`);
        break;
      case 'fault-revert-failed':
        this.print(`  ${this.label('revert')}${p.red('✗')} ${e.fault} on ${e.targetId.split('/').pop()} attempt ${e.attempt}: ${e.error.message}${e.retryInMs !== undefined ? p.dim(` — retrying in ${formatDuration(e.retryInMs)}`) : ''}`);
        break;
      case 'guard-breach':
        this.print(`  ${p.red(this.label('BREACH'))}${p.red(`guard "${e.guard}": ${e.result.reason}`)}`);
        break;
      case 'abort':
        this.print(`  ${p.red(this.label('abort'))}${e.reason} ${p.dim('— reverting everything now')}`);
        break;
      default:
        break;
    }
    if (e.type === 'run-created') this.holdMs = e.experiment.spec.durationMs;
    if (e.type === 'transition' && e.to === 'holding') this.holdEndsAt = Date.parse(e.at) + (this.holdMs ?? 0);
  }

  private holdMs: number | undefined;

  /** The live lines (phase, time left, guards with trends) for a caller that draws its own footer. */
  statusLines(): string[] {
    return this.footer();
  }

  private footer(): string[] {
    const p = this.p;
    const phase = phaseLabel[this.state];
    if (!phase) return [];
    const left = this.state === 'holding' && this.holdEndsAt ? ` ${formatDuration(Math.max(0, this.holdEndsAt - clockOf(this.io).nowMs()))} left` : '';
    const lines = [`${p.cyan('◷')} ${p.bold(phase)}${left}`];
    for (const [name, g] of this.guards) {
      const last = g.results.at(-1);
      if (!last) continue;
      lines.push(`  ${last.ok ? p.green('✓') : p.red('✗')} ${name.padEnd(20)} ${probeLine(last).slice(0, 50).padEnd(50)} ${p.dim(sparkline(g.results))} ${g.failures ? p.yellow(`${g.failures}/${g.breachAfter}`) : ''}`);
    }
    return lines;
  }



}
