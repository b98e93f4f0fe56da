import { notifySchema, SecretRefSchema } from '@faultline/core';
import { Type, type TSchema } from '@sinclair/typebox';
import { Duration, KEBAB_NAME } from './common.js';

export { notifySchema };

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
