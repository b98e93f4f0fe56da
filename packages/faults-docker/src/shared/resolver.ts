import { Type, type Static } from '@sinclair/typebox';
import { UsageError, type CallContext, type Target, type TargetResolver } from '@faultline/core';
import type { DockerApi } from './api.js';
import type { TargetSafety } from './safety.js';
import { TARGET_KIND, containerName, targetFromContainer } from './target-ref.js';

export const dockerSelectorSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'Exact container name (without the leading /)' })),
    namePattern: Type.Optional(Type.String({ minLength: 1, description: 'Regular expression the container name must match' })),
    labels: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Labels the container must carry, all of them' })),
    image: Type.Optional(Type.String({ minLength: 1, description: 'Image reference as started (nginx:1.27); without a tag any tag matches' })),
    composeProject: Type.Optional(Type.String({ minLength: 1, description: 'Docker Compose project (label com.docker.compose.project)' })),
    composeService: Type.Optional(Type.String({ minLength: 1, description: 'Docker Compose service (label com.docker.compose.service)' })),
  },
  { additionalProperties: false, minProperties: 1, description: 'Running containers matching every given field' },
);
export type DockerSelector = Static<typeof dockerSelectorSchema>;

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

/** Does the container's image reference match the selector's `image`? */
export function imageMatches(actual: string, wanted: string): boolean {
  if (actual === wanted) return true;
  const hasTag = (ref: string) => /:[^/]+$/.test(ref) || ref.includes('@');
  if (hasTag(wanted)) return actual === wanted || (wanted.endsWith(':latest') && actual === wanted.slice(0, -':latest'.length));
  const repo = actual.replace(/@.*$/, '').replace(/:[^/]+$/, '');
  return repo === wanted;
}

/**
 * Resolves running containers (paused ones too: they are still running) matching every selector field.
 * Never returns Faultline's own container or, when requireLabel is configured, one without it: those
 * are left out here so plans and blast-radius counts are honest, and refused again at inject.
 */
export function createDockerResolver(deps: { api: DockerApi; safety: TargetSafety }): TargetResolver<DockerSelector> {
  return {
    kind: TARGET_KIND,
    selectorSchema: dockerSelectorSchema,
    async resolve(selector: DockerSelector, ctx: CallContext): Promise<Target[]> {
      if (Object.keys(selector).length === 0) {
        throw new UsageError('a docker target selector needs at least one of name, namePattern, labels, image, composeProject, composeService', {
          hint: 'an empty selector would match every container on the engine',
        });
      }
      let pattern: RegExp | undefined;
      if (selector.namePattern !== undefined) {
        try {
          pattern = new RegExp(selector.namePattern);
        } catch (cause) {
          throw new UsageError(`docker selector namePattern /${selector.namePattern}/ is not a valid regular expression`, { cause });
        }
      }
      const labels: Record<string, string> = { ...(selector.labels ?? {}) };
      if (selector.composeProject !== undefined) labels[COMPOSE_PROJECT] = selector.composeProject;
      if (selector.composeService !== undefined) labels[COMPOSE_SERVICE] = selector.composeService;
      // Label filtering happens in the engine (cheap); names and images are checked here, exactly.
      const filters = { status: ['running', 'paused'], label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
      const list = await deps.api.call('list containers', ctx, (abortSignal) =>
        deps.api.docker.listContainers({ all: true, filters, abortSignal }));
      const out: Target[] = [];
      for (const c of list) {
        const name = containerName(c);
        if (selector.name !== undefined && name !== selector.name) continue;
        if (pattern && !pattern.test(name)) continue;
        if (selector.image !== undefined && !imageMatches(c.Image, selector.image)) continue;
        if (Object.entries(labels).some(([k, v]) => c.Labels?.[k] !== v)) continue;
        const why = deps.safety.refusal({ id: c.Id, labels: c.Labels ?? {} });
        if (why) {
          ctx.log.info({ container: name, reason: why }, 'docker target left out');
          continue;
        }
        out.push(targetFromContainer(c, deps.api.endpoint));
      }
      return out;
    },
  };
}
