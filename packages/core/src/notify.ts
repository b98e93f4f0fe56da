import { Type, type TSchema } from '@sinclair/typebox';
import { SecretRefSchema, StringOrSecretSchema, type SecretValue, type StringOrSecret } from './secrets.js';
import { DurationString, parseDuration } from './units.js';

const KEBAB_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** Run events people can be told about. `heads-up` comes from schedules, N minutes before a run fires. */
export const notifyEvents = ['heads-up', 'started', 'guard-breach', 'aborted', 'completed', 'failed', 'revert-pending'] as const;
export type NotifyEvent = (typeof notifyEvents)[number];

/** One webhook of `notify:` (experiments, schedules, game days), normalized. `E`: the events it may name (game days have their own). */
export interface NotifySpec<E extends string = NotifyEvent> {
  readonly name: string;
  /** slack: Slack-compatible `{ text, blocks }`; webhook: generic JSON signed with HMAC-SHA256. */
  readonly kind: 'slack' | 'webhook';
  /** Webhook URLs are often credentials themselves (Slack's are): a string or a secret reference. */
  readonly url: StringOrSecret;
  /** HMAC key for `webhook` (header X-Faultline-Signature); a secret reference. */
  readonly secret?: SecretValue;
  readonly on: readonly E[];
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

const common = (headsUp: boolean, events?: NotifyEventsOption): Record<string, TSchema> => ({
  name: Type.String({ pattern: KEBAB_NAME, maxLength: 63, description: 'Name of this webhook, shown when a delivery fails.' }),
  on: Type.Optional(Type.Array(Type.Union((events?.names ?? notifyEvents).map((e) => Type.Literal(e)), { description: events ? 'An event.' : 'A run event.' }), {
    minItems: 1, uniqueItems: true,
    description: events?.description ?? `Events to send. Default: every run event except heads-up.${headsUp ? ' heads-up is sent before a scheduled run fires.' : ''}`,
  })),
  timeout: Type.Optional(DurationString('Per attempt. Default 3s. A duration with a unit: 250ms, 30s, 2m, 1h.')),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Extra attempts after a failure (backoff in between). Default 2.' })),
  ...(headsUp ? { headsUp: Type.Optional(DurationString('How long before a scheduled run the heads-up goes out. Default 15m. A duration with a unit: 250ms, 30s, 2m, 1h.')) } : {}),
});

/** Another file kind's own events for `on:` (game days), with the text that says what the default is. */
export interface NotifyEventsOption {
  readonly names: readonly string[];
  readonly description: string;
}

/**
 * `notify:` entries: one of `slack` (Slack-compatible incoming webhook) or `webhook` (generic JSON signed
 * with HMAC-SHA256). Experiments, schedules and game days share it; `headsUp` only means something on schedules.
 */
export function notifySchema(opts: { headsUp: boolean; events?: NotifyEventsOption }): TSchema {
  const slack = Type.Object(
    { ...common(opts.headsUp, opts.events), slack: Type.Object({ url: StringOrSecretSchema('Incoming webhook URL (it is a credential: prefer a secretRef).') }, { additionalProperties: false, description: 'A Slack-compatible incoming webhook ({ text, blocks }).' }) },
    { additionalProperties: false, description: 'A Slack-compatible webhook told about run events.' },
  );
  const webhook = Type.Object(
    {
      ...common(opts.headsUp, opts.events),
      webhook: Type.Object(
        {
          url: StringOrSecretSchema('Where to POST the JSON.'),
          secret: Type.Optional(SecretRefSchema),
        },
        { additionalProperties: false, description: 'Generic JSON, signed when `secret` (a secret reference) is given: headers X-Faultline-Timestamp and X-Faultline-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">.' },
      ),
    },
    { additionalProperties: false, description: 'A generic JSON webhook told about run events.' },
  );
  return Type.Array(Type.Union([slack, webhook]), {
    description: 'Webhooks told about run events (Slack-compatible or HMAC-signed JSON). A failing webhook never delays or blocks a revert; failures are reported in the run.',
  });
}

type Obj = Record<string, any>;

/** `notify:` entries (already schema-checked) as NotifySpec. Shared by experiments, schedules and game days. */
export function normalizeNotify(entries: readonly Obj[] | undefined): NotifySpec[];
export function normalizeNotify<E extends string>(entries: readonly Obj[] | undefined, defaultOn: readonly E[]): NotifySpec<E>[];
export function normalizeNotify(entries: readonly Obj[] | undefined, defaultOn: readonly string[] = notifyDefaults.on): NotifySpec<string>[] {
  return (entries ?? []).map((e) => {
    const slack = e['slack'] as Obj | undefined;
    const hook = (slack ?? e['webhook']) as Obj;
    return {
      name: e['name'] as string,
      kind: slack ? 'slack' : 'webhook',
      url: hook['url'] as StringOrSecret,
      ...(!slack && hook['secret'] ? { secret: hook['secret'] as SecretValue } : {}),
      on: (e['on'] as string[] | undefined) ?? defaultOn,
      timeoutMs: e['timeout'] ? parseDuration(e['timeout'] as string) : notifyDefaults.timeoutMs,
      retries: (e['retries'] as number | undefined) ?? notifyDefaults.retries,
      ...(e['headsUp'] ? { headsUpMs: parseDuration(e['headsUp'] as string) } : {}),
    };
  });
}
