import type { Json, JsonObject } from './json.js';
import type { SelectionMode } from './target.js';
import type { Expectation } from './expectation.js';
import type { NotifySpec } from './notify.js';
import type { SecretValue } from './secrets.js';

/**
 * An experiment after parsing and validation: durations are milliseconds, defaults are filled in.
 * Produced by @faultline/spec; consumed by the engine, reports and the controller.
 */
export interface Experiment {
  readonly apiVersion: 'faultline.dev/v1';
  readonly kind: 'Experiment';
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: ExperimentSpec;
}

export interface ExperimentSpec {
  readonly description?: string;
  /** How long faults are held, in ms. */
  readonly durationMs: number;
  readonly targets: Readonly<Record<string, TargetSpec>>;
  readonly steadyState: readonly ProbeSpec[];
  readonly faults: readonly FaultSpec[];
  readonly guards: readonly GuardSpec[];
  readonly blastRadius: BlastRadius;
  /** Wait this long after reverting before the after-check (systems need a moment to recover). */
  readonly settleMs: number;
  readonly revert: RevertPolicy;
  /** Hard budget for the whole run; exceeded -> abort and revert. */
  readonly maxDurationMs?: number;
  /** Webhooks told about run events; a failing webhook never delays a revert. */
  readonly notify?: readonly NotifySpec[];
  /** Grafana instances that get one region annotation per fault window. */
  readonly annotations?: readonly GrafanaAnnotationSpec[];
}

/** Where fault windows are annotated (Grafana's HTTP API). */
export interface GrafanaAnnotationSpec {
  readonly name: string;
  readonly url: string;
  /** A service account token, as a secret reference. */
  readonly token: SecretValue;
  readonly dashboardUID?: string;
  readonly panelId?: number;
  /** Tags added to experiment/run/fault tags. */
  readonly tags: readonly string[];
  readonly timeoutMs: number;
}

export interface TargetSpec {
  readonly name: string;
  /** The selector's key in the file: 'toxiproxy', 'kubernetes', 'docker', 'proxy', 'http'. */
  readonly kind: string;
  /** Provider-specific selector, validated against that kind's schema. */
  readonly selector: JsonObject;
  readonly mode: SelectionMode;
}

export interface FaultSpec {
  readonly name: string;
  /** '<provider>.<fault>': 'toxiproxy.latency', 'kubernetes.pod-kill'. */
  readonly type: string;
  /** Name of an entry in spec.targets. */
  readonly target: string;
  /** Provider-specific parameters, validated against the fault's schema (units still as strings). */
  readonly with: JsonObject;
  /** Offset inside the hold at which the fault starts. */
  readonly afterMs: number;
  /** How long it stays; default: until the hold ends. */
  readonly forMs?: number;
}

export interface ProbeSpec {
  readonly name: string;
  /** The probe's key in the file: 'prometheus', 'http', 'tcp', 'kubernetes', 'docker'. */
  readonly kind: string;
  readonly with: JsonObject;
  readonly expect: Expectation;
  /** Per-evaluation timeout; a probe that does not answer in time has failed. */
  readonly timeoutMs: number;
}

export interface GuardSpec extends ProbeSpec {
  readonly everyMs: number;
  /** Consecutive failures (including probe errors) before the run is aborted. */
  readonly breachAfter: number;
}

export interface BlastRadius {
  readonly maxTargets?: number;
  /** Max share of each target's candidates that may be selected, 0..100. */
  readonly maxPercent?: number;
  /** Only targets in these namespaces (targets without a namespace are unaffected). */
  readonly namespaces?: readonly string[];
  /** Targets must carry this label (`key=value` in the file). */
  readonly requireLabel?: { readonly key: string; readonly value: string };
  readonly allowKubeSystem?: boolean;
}

export interface RevertPolicy {
  /** Per-call timeout for each revert attempt. */
  readonly timeoutMs: number;
  /** Attempts before the run is reported revert-pending (then retried in the background / by recover). */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const defaultRevertPolicy: RevertPolicy = { timeoutMs: 10_000, maxAttempts: 8, initialBackoffMs: 200, maxBackoffMs: 10_000 };

export type { Json };
