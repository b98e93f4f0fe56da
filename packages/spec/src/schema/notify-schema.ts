import { notifyEvents, SecretRefSchema, StringOrSecretSchema } from '@faultline/core';
import { Type, type TSchema } from '@sinclair/typebox';
import { Duration, KEBAB_NAME, StringEnum } from './common.js';

const common = (headsUp: boolean): Record<string, TSchema> => ({
  name: Type.String({ pattern: KEBAB_NAME, maxLength: 63, description: 'Name of this webhook, shown when a delivery fails.' }),
  on: Type.Optional(Type.Array(StringEnum(notifyEvents, { description: 'A run event.' }), {
    minItems: 1, uniqueItems: true,
    description: `Events to send. Default: every run event except heads-up.${headsUp ? ' heads-up is sent before a scheduled run fires.' : ''}`,
  })),
  timeout: Type.Optional(Duration('Per attempt. Default 3s.')),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Extra attempts after a failure (backoff in between). Default 2.' })),
  ...(headsUp ? { headsUp: Type.Optional(Duration('How long before a scheduled run the heads-up goes out. Default 15m.')) } : {}),
});

/**
 * `notify:` entries: one of `slack` (Slack-compatible incoming webhook) or `webhook` (generic JSON signed
 * with HMAC-SHA256). Experiments, schedules and game days share it; `headsUp` only means something on schedules.
 */
export function notifySchema(opts: { headsUp: boolean }): TSchema {
  const entry = Type.Unsafe({
    type: 'object',
    properties: {
      ...common(opts.headsUp),
      slack: Type.Object({ url: StringOrSecretSchema('Incoming webhook URL (it is a credential: prefer a secretRef).') }, { additionalProperties: false, description: 'A Slack-compatible incoming webhook ({ text, blocks }).' }),
      webhook: Type.Object(
        {
          url: StringOrSecretSchema('Where to POST the JSON.'),
          secret: Type.Optional(Type.Unsafe({ ...SecretRefSchema, description: 'HMAC-SHA256 key: requests carry X-Faultline-Timestamp and X-Faultline-Signature: v1=<hex of HMAC(timestamp + "." + body)>.' })),
        },
        { additionalProperties: false, description: 'Generic JSON, signed when `secret` is given.' },
      ),
    },
    required: ['name'],
    additionalProperties: false,
    oneOf: [{ required: ['slack'] }, { required: ['webhook'] }],
    description: 'A webhook told about run events. A failing webhook never delays or blocks a revert; failures are reported in the run.',
  });
  return Type.Array(entry, { description: 'Webhooks told about run events (Slack-compatible or HMAC-signed JSON).' });
}

/** `annotations:` entries: Grafana instances that get one region annotation per fault window. */
export const AnnotationsSchema: TSchema = Type.Array(
  Type.Object(
    {
      name: Type.String({ pattern: KEBAB_NAME, maxLength: 63, description: 'Name of this Grafana, shown when a call fails.' }),
      grafana: Type.Object(
        {
          url: Type.String({ pattern: '^https?://', description: 'Grafana base URL.' }),
          token: Type.Unsafe({ ...SecretRefSchema, description: 'Service account token (Bearer), as a secret reference.' }),
          dashboardUID: Type.Optional(Type.String({ minLength: 1, description: 'Only on this dashboard (default: an organization-wide annotation).' })),
          panelId: Type.Optional(Type.Integer({ minimum: 1, description: 'Only on this panel of dashboardUID.' })),
          tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Extra tags besides faultline, experiment:<name>, run:<id>, fault:<name>.' })),
          timeout: Type.Optional(Duration('Per call. Default 3s.')),
        },
        { additionalProperties: false, description: "Grafana's annotations HTTP API (POST /api/annotations, PATCH /api/annotations/:id)." },
      ),
    },
    { additionalProperties: false, description: 'Where fault windows (inject -> reverted) appear as region annotations.' },
  ),
  { description: 'Dashboards that show when chaos happened: one region annotation per fault window.' },
);
