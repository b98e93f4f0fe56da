import { Type, type Static } from '@sinclair/typebox';
import { systemClock, FaultlineError, ProbeError, type Observation, type Probe } from '@faultline/core';
import type { DockerApi } from '../shared/api.js';
import { inspectContainer } from '../shared/containers.js';

export const dockerProbeParams = Type.Object(
  {
    container: Type.String({ minLength: 1, description: 'Container name or id' }),
    measure: Type.Optional(Type.Union([
      Type.Literal('state'), Type.Literal('running'), Type.Literal('health'), Type.Literal('restart-count'),
    ], {
      description: 'state: running|paused|exited|restarting|created|dead|missing (default); running: true/false; ' +
        'health: healthy|unhealthy|starting|none|missing; restart-count: how often the engine restarted it',
    })),
  },
  { additionalProperties: false },
);
export type DockerProbeParams = Static<typeof dockerProbeParams>;

/**
 * The `docker` probe: observes one container. A missing or stopped container is an observation
 * (`missing`, `exited`, `false`), so expectations like `equals: running` fail normally; only an
 * unreachable engine (or restart-count of a missing container) throws ProbeError.
 */
export function createDockerProbe(deps: { api: DockerApi }): Probe<DockerProbeParams> {
  return {
    kind: 'docker',
    paramsSchema: dockerProbeParams,
    summary: 'Container state, health or restart count from the Docker engine.',
    async observe(params, ctx): Promise<Observation> {
      const measure = params.measure ?? 'state';
      const started = systemClock.monotonic();
      let info;
      try {
        info = await inspectContainer(deps.api, params.container, ctx);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw new ProbeError(`docker probe could not inspect container ${params.container}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
          retryable: err instanceof FaultlineError ? err.retryable : true,
        });
      }
      const latencyMs = systemClock.monotonic() - started;
      if (!info) {
        if (measure === 'restart-count') {
          throw new ProbeError(`docker probe: container ${params.container} does not exist, so it has no restart count`, {
            hint: 'check the container name, or measure state (which observes `missing`)',
          });
        }
        return { value: measure === 'running' ? false : 'missing', latencyMs, detail: `container ${params.container} does not exist on ${deps.api.endpoint}` };
      }
      const s = info.State;
      const value = measure === 'running' ? s.Running && !s.Paused
        : measure === 'health' ? (s.Health?.Status ?? 'none')
          : measure === 'restart-count' ? info.RestartCount
            : s.Status;
      return {
        value,
        latencyMs,
        detail: `container ${params.container}: ${s.Status}${s.Health ? `, ${s.Health.Status}` : ''}, restarted ${info.RestartCount}x`,
      };
    },
  };
}
