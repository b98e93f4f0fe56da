import type { SecretValue, StringOrSecret } from './secrets.js';

/** Run events people can be told about. `heads-up` comes from schedules, N minutes before a run fires. */
export const notifyEvents = ['heads-up', 'started', 'guard-breach', 'aborted', 'completed', 'failed', 'revert-pending'] as const;
export type NotifyEvent = (typeof notifyEvents)[number];

/** One webhook of `notify:` (experiments, schedules, game days), normalized. */
export interface NotifySpec {
  readonly name: string;
  /** slack: Slack-compatible `{ text, blocks }`; webhook: generic JSON signed with HMAC-SHA256. */
  readonly kind: 'slack' | 'webhook';
  /** Webhook URLs are often credentials themselves (Slack's are): a string or a secret reference. */
  readonly url: StringOrSecret;
  /** HMAC key for `webhook` (header X-Faultline-Signature); a secret reference. */
  readonly secret?: SecretValue;
  readonly on: readonly NotifyEvent[];
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Extra attempts after a failure. */
  readonly retries: number;
  /** For `heads-up`: how long before a scheduled run. */
  readonly headsUpMs?: number;
}

export const notifyDefaults = {
  on: ['started', 'guard-breach', 'aborted', 'completed', 'failed', 'revert-pending'] as readonly NotifyEvent[],
  timeoutMs: 3_000,
  retries: 2,
  headsUpMs: 15 * 60_000,
} as const;
