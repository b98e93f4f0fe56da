import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotifyEvent } from '@faultline/core';

/** What a notification says, before it is shaped for Slack or the generic webhook. */
export interface RunNotice {
  readonly event: NotifyEvent;
  readonly runId?: string;
  readonly experiment: string;
  /** ISO time of the event (the injected clock). */
  readonly at: string;
  readonly outcome?: string;
  readonly reason?: string;
  readonly guard?: string;
  /** heads-up: when the scheduled run fires. */
  readonly firesAt?: string;
  readonly schedule?: string;
}

const headline: Record<NotifyEvent, string> = {
  'heads-up': 'Chaos experiment coming up',
  started: 'Chaos experiment started',
  'guard-breach': 'Guard breached: chaos experiment aborting and reverting',
  aborted: 'Chaos experiment aborted; every fault reverted',
  completed: 'Chaos experiment finished; every fault reverted',
  failed: 'Chaos experiment failed; every fault reverted',
  'revert-pending': 'ACTION NEEDED: chaos experiment could not revert every fault',
};

export function noticeText(n: RunNotice): string {
  const parts = [`${headline[n.event]}: ${n.experiment}`];
  if (n.runId) parts.push(`run ${n.runId}`);
  if (n.schedule) parts.push(`schedule ${n.schedule}`);
  if (n.firesAt) parts.push(`fires at ${n.firesAt}`);
  if (n.guard) parts.push(`guard ${n.guard}`);
  if (n.outcome) parts.push(`outcome ${n.outcome}`);
  let text = parts.join(' · ');
  if (n.reason) text += `\n${n.reason}`;
  if (n.event === 'revert-pending') text += '\nRun `faultline recover` (or check the controller) to finish the revert.';
  return text;
}

/** Slack incoming-webhook body: `text` (fallback and notifications) plus one mrkdwn section. */
export function slackPayload(n: RunNotice): { text: string; blocks: unknown[] } {
  const text = noticeText(n);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** Generic JSON body: `type` is `faultline.<event>`; every field of the notice is included. */
export function genericPayload(n: RunNotice): Record<string, unknown> {
  return { type: `faultline.${n.event}`, ...n, text: noticeText(n) };
}

export const SIGNATURE_HEADER = 'x-faultline-signature';
export const TIMESTAMP_HEADER = 'x-faultline-timestamp';

/** `v1=` + hex HMAC-SHA256 of `<timestamp>.<body>` (the Stripe/Slack scheme: the timestamp is signed too). */
export function signBody(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/**
 * For receivers: true when the signature matches and the timestamp is within `toleranceSeconds` of `nowSeconds`
 * (rejects replays of old deliveries).
 */
export function verifySignature(opts: { secret: string; body: string; timestamp: string | undefined; signature: string | undefined; nowSeconds: number; toleranceSeconds?: number }): boolean {
  const ts = Number(opts.timestamp);
  if (!opts.signature || !Number.isInteger(ts)) return false;
  if (Math.abs(opts.nowSeconds - ts) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signBody(opts.secret, ts, opts.body));
  const given = Buffer.from(opts.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
