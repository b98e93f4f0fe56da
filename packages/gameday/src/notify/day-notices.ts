import { formatDuration } from '@faultline/core';
import type { DayNotifyEvent, GameDay } from '../model.js';
import type { DayEvent } from '../journal/day-events.js';

/** What one game-day notification says, before it is shaped for Slack or the generic webhook. */
export interface DayNotice {
  readonly event: DayNotifyEvent;
  readonly dayId: string;
  readonly day: string;
  readonly at: string;
  readonly facilitator?: string;
  /** 1-based, with the day's step count. */
  readonly step?: number;
  readonly steps: number;
  readonly title?: string;
  readonly status?: string;
  readonly outcome?: string;
  readonly reason?: string;
  readonly runId?: string;
  readonly question?: string;
  readonly defaultAnswer?: string;
  readonly timeoutMs?: number;
  /** heads-up: when the day's steps begin. */
  readonly startsAt?: string;
}

/** The notices one day event stands for (`unattended`: gates do not wait, so no gate-waiting). */
export function dayNoticesOf(e: DayEvent, day: GameDay, unattended: boolean): DayNotice[] {
  const base = { dayId: e.dayId, day: day.metadata.name, at: e.at, steps: day.spec.steps.length, ...(day.metadata.facilitator ? { facilitator: day.metadata.facilitator } : {}) };
  switch (e.type) {
    case 'day-created':
      return [{ ...base, event: 'day-started' }];
    case 'step-started': {
      const out: DayNotice[] = [{ ...base, event: 'step-started', step: e.step + 1, title: e.title }];
      const step = day.spec.steps[e.step];
      if (step?.kind === 'gate' && !unattended) {
        out.push({ ...base, event: 'gate-waiting', step: e.step + 1, title: e.title, question: step.question, defaultAnswer: step.defaultAnswer, timeoutMs: step.timeoutMs });
      }
      return out;
    }
    case 'step-ended':
      if (e.status === 'not-run') return [];
      return [{
        ...base, event: 'step-ended', step: e.step + 1, title: day.spec.steps[e.step]?.title ?? `step ${e.step + 1}`, status: e.status, reason: e.reason,
        ...(e.runId ? { runId: e.runId } : {}), ...(e.outcome ? { outcome: e.outcome } : {}),
      }];
    case 'day-ended':
      return [{ ...base, event: ['passed', 'failed', 'stopped'].includes(e.outcome) ? 'day-ended' : 'day-aborted', outcome: e.outcome, reason: e.reason }];
    default:
      return [];
  }
}

export function dayNoticeText(n: DayNotice): string {
  const where = n.step !== undefined ? `step ${n.step}/${n.steps} "${n.title ?? ''}"` : '';
  switch (n.event) {
    case 'heads-up':
      return `Game day coming up: ${n.day} starts at ${n.startsAt ?? '?'} (${n.steps} steps${n.facilitator ? `, facilitator ${n.facilitator}` : ''}) · day ${n.dayId}`;
    case 'day-started':
      return `Game day started: ${n.day} (${n.steps} steps${n.facilitator ? `, facilitator ${n.facilitator}` : ''}) · day ${n.dayId}`;
    case 'step-started':
      return `Game day ${n.day}: ${where} started`;
    case 'step-ended':
      return `Game day ${n.day}: ${where} ${n.status ?? 'ended'}${n.outcome ? ` (run ${n.runId ?? ''} ${n.outcome})` : ''}${n.reason ? `\n${n.reason}` : ''}`;
    case 'gate-waiting':
      return `Game day ${n.day} waits for the facilitator at ${where}: ${n.question ?? ''}\nDefault ${n.defaultAnswer ?? ''} in ${formatDuration(n.timeoutMs ?? 0)}; answer with \`faultline gameday answer ${n.dayId} go|skip|no-go\``;
    case 'day-ended':
      return `Game day ${n.day} ended ${n.outcome ?? ''}: ${n.reason ?? ''}`;
    case 'day-aborted':
      return `${n.outcome === 'revert-pending' ? 'ACTION NEEDED: ' : ''}Game day ${n.day} ${n.outcome === 'halted' ? 'was halted' : n.outcome === 'revert-pending' ? 'could not revert every fault' : 'was aborted'}: ${n.reason ?? ''}`;
  }
}

/** Slack body and generic body (`type: faultline.gameday.<event>`, every field of the notice). */
export function dayNoticePayloads(n: DayNotice): { slack: { text: string; blocks: unknown[] }; generic: Record<string, unknown> } {
  const text = dayNoticeText(n);
  return { slack: { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }, generic: { type: `faultline.gameday.${n.event}`, ...n, text } };
}
