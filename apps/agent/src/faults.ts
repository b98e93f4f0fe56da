import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RUN_ID_RE } from '@faultline/core';
import {
  bandwidthParams, checkBandwidthParams, checkLatencyParams, checkLossParams, checkPartitionParams, latencyParams, lossParams, partitionParams,
  type ParamProblem,
} from '@faultline/netns';

/** The faults an agent applies, by the name the controller sends. */
export const FAULT_KINDS = ['latency', 'packet-loss', 'partition', 'bandwidth'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const kindSpecs: Record<FaultKind, { schema: TSchema; check(p: never): ParamProblem[] }> = {
  latency: { schema: latencyParams, check: (p) => checkLatencyParams(p) },
  'packet-loss': { schema: lossParams, check: checkLossParams },
  partition: { schema: partitionParams, check: checkPartitionParams },
  bandwidth: { schema: bandwidthParams, check: checkBandwidthParams },
};

export const applyRequestSchema = Type.Object({
  /** Idempotency key chosen by the caller: `<runId>/<fault>/<target>`; re-sending it changes nothing. */
  id: Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9._:/-]+$' }),
  runId: Type.String({ pattern: RUN_ID_RE.source }),
  faultName: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9.-]*$' }),
  kind: Type.Union(FAULT_KINDS.map((k) => Type.Literal(k))),
  /** As Kubernetes writes it (`containerd://<id>`, `docker://<id>`) or bare. */
  containerId: Type.String({ minLength: 12, maxLength: 80 }),
  params: Type.Unknown(),
  leaseMs: Type.Integer({ minimum: 1000, maximum: 600_000 }),
}, { additionalProperties: false });
export type ApplyRequest = Static<typeof applyRequestSchema>;

export const renewRequestSchema = Type.Object({ leaseMs: Type.Integer({ minimum: 1000, maximum: 600_000 }) }, { additionalProperties: false });

/** A request body problem: HTTP 400 with every problem listed. */
export class BadRequest extends Error {
  constructor(readonly problems: string[]) {
    super(`bad request: ${problems.join('; ')}`);
  }
}

/** Validates an apply body (schema, then the fault's own checks). Throws BadRequest listing every problem. */
export function parseApplyRequest(body: unknown): ApplyRequest {
  if (!Value.Check(applyRequestSchema, body)) {
    throw new BadRequest([...Value.Errors(applyRequestSchema, body)].slice(0, 10).map((e) => `${e.path || '/'}: ${e.message}`));
  }
  const spec = kindSpecs[body.kind];
  if (!Value.Check(spec.schema, body.params)) {
    throw new BadRequest([...Value.Errors(spec.schema, body.params)].slice(0, 10).map((e) => `params${e.path}: ${e.message}`));
  }
  const problems = spec.check(body.params as never);
  if (problems.length) throw new BadRequest(problems.map((p) => `params/${p.path}: ${p.message}`));
  return body;
}

export function parseRenewRequest(body: unknown): { leaseMs: number } {
  if (!Value.Check(renewRequestSchema, body)) throw new BadRequest([...Value.Errors(renewRequestSchema, body)].map((e) => `${e.path || '/'}: ${e.message}`));
  return body;
}
