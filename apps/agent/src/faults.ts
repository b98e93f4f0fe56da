import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RUN_ID_RE } from '@faultline/core';
import {
  AGENT_FAULT_KINDS, type AgentApplyRequest, type AgentFaultKind, type AgentRenewRequest, bandwidthParams, checkBandwidthParams, checkLatencyParams, checkLossParams, checkPartitionParams, latencyParams, lossParams, partitionParams,
  type ParamProblem,
} from '@faultline/netns';

/** The faults an agent applies, by the name the controller sends (the shared contract in @faultline/netns). */
export const FAULT_KINDS = AGENT_FAULT_KINDS;
export type FaultKind = AgentFaultKind;

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
/** The contract's apply body; the schema above is how the agent checks it (kept in step by the checks below). */
export type ApplyRequest = AgentApplyRequest;

export const renewRequestSchema = Type.Object({ leaseMs: Type.Integer({ minimum: 1000, maximum: 600_000 }) }, { additionalProperties: false });

// Compile-time: each schema accepts exactly the contract's fields (a field added on one side only fails tsc).
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Same<A, B> = Mutual<A, B> extends true ? Mutual<keyof A, keyof B> : false;
const schemasMatchContract: [Same<Static<typeof applyRequestSchema>, AgentApplyRequest>, Same<Static<typeof renewRequestSchema>, AgentRenewRequest>] = [true, true];
void schemasMatchContract;

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

export function parseRenewRequest(body: unknown): AgentRenewRequest {
  if (!Value.Check(renewRequestSchema, body)) throw new BadRequest([...Value.Errors(renewRequestSchema, body)].map((e) => `${e.path || '/'}: ${e.message}`));
  return body;
}
