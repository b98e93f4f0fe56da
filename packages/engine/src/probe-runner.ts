import {
  checkExpectation, describeExpectation, systemClock, type Clock, toErrorInfo, withTimeout, type Logger, type ProbeResult, type ProbeSpec,
  type Registry, type SecretResolver,
} from '@faultline/core';

/**
 * Evaluates one probe with its timeout. Never throws: a probe that cannot evaluate (unreachable,
 * timeout, unknown kind) yields `ok: false` with `error` set — fail-safe for guards.
 */
export async function runProbe(spec: ProbeSpec, registry: Registry, opts: { signal: AbortSignal; log: Logger; timeoutMs?: number; clock?: Clock; secrets?: SecretResolver }): Promise<ProbeResult> {
  const clock = opts.clock ?? systemClock;
  const started = clock.monotonic();
  const timeoutMs = opts.timeoutMs ?? spec.timeoutMs;
  const expected = describeExpectation(spec.expect);
  const probe = registry.probes.get(spec.kind);
  try {
    if (!probe) throw new Error(`no probe of kind "${spec.kind}" is registered (known: ${[...registry.probes.keys()].join(', ')})`);
    const obs = await withTimeout(`probe "${spec.name}"`, timeoutMs, (signal) =>
      probe.observe(spec.with, { signal, log: opts.log, timeoutMs, ...(opts.secrets ? { secrets: opts.secrets } : {}) }), opts.signal);
    const check = checkExpectation(obs, spec.expect);
    return {
      probe: spec.name, kind: spec.kind, ok: check.ok, observed: obs.value, expected: check.expected, reason: check.reason,
      ...(obs.latencyMs !== undefined ? { latencyMs: obs.latencyMs } : {}),
      ...(obs.status !== undefined ? { status: obs.status } : {}),
      durationMs: clock.monotonic() - started,
    };
  } catch (err) {
    const error = toErrorInfo(err);
    return {
      probe: spec.name, kind: spec.kind, ok: false, observed: null, expected, reason: `could not evaluate: ${error.message}`,
      error, durationMs: clock.monotonic() - started,
    };
  }
}
