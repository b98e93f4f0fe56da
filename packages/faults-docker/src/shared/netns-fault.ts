import { UsageError, artefactName, unverifiedEffect, type FaultContext, type FaultEffect, type FaultProvider, type Target } from '@faultline/core';
import { netnsInodeOf, refreshHandle, type NetnsFaultParams, type NetnsHandle, type NetnsUndo } from '@faultline/netns';
import { containerIdOf, TARGET_KIND } from './target-ref.js';
import { containerForInject, inspectContainer, notRunning, type DockerFaultDeps } from './containers.js';

/** Undo data of the namespace faults: the container, plus what NetnsFaults applied (inode, tag, mechanism). */
export type DockerNetnsUndo = NetnsUndo & { containerId: string };

/** These faults edit the container's network namespace, which only a process on the Docker host can enter. */
export function assertLocalEngine(deps: DockerFaultDeps, type: string): void {
  if (!deps.api.endpoint.startsWith('unix://')) {
    throw new UsageError(`${type} edits iptables/tc in the container's network namespace, which needs Faultline on the Docker host; the engine here is ${deps.api.endpoint}`, {
      hint: 'run Faultline on the Docker host as root (DOCKER_HOST=unix://...), or use toxiproxy.* / proxy faults for remote engines',
    });
  }
}

/**
 * A docker fault applied inside the container's network namespace through @faultline/netns.
 * Inject: safety checks, the namespace from the container's pid (keyed on its inode), then `apply`.
 * Revert: by inode and tag from the undo data; without undo data, through the container's current
 * namespace. A container that is gone or stopped took its namespace, and our rules with it.
 */
export function createNetnsFault<P>(deps: DockerFaultDeps, spec: {
  type: string;
  summary: string;
  paramsSchema: FaultProvider['paramsSchema'];
  check(params: P): Array<{ path: string; message: string }>;
  apply(ns: NetnsHandle, params: P, tag: string, ctx: FaultContext): Promise<NetnsUndo>;
  /** The fault as @faultline/netns measures it (FaultProvider.verify). */
  measured(params: P): NetnsFaultParams;
}): FaultProvider<P, DockerNetnsUndo> {
  const tagOf = (ctx: FaultContext) => artefactName(ctx.runId, ctx.faultName);
  return {
    type: spec.type,
    targetKind: TARGET_KIND,
    paramsSchema: spec.paramsSchema,
    summary: spec.summary,
    check: spec.check,
    async inject(target: Target, params: P, ctx: FaultContext) {
      const problems = spec.check(params);
      if (problems.length) throw new UsageError(`${spec.type}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      assertLocalEngine(deps, spec.type);
      const info = await containerForInject(deps, target, ctx);
      const pid = info.State.Pid;
      const inode = pid ? netnsInodeOf(pid) : undefined;
      if (!info.State.Running || !pid || inode === undefined) throw notRunning(spec.type, target, info);
      const undo = await spec.apply({ pid, inode }, params, tagOf(ctx), ctx);
      ctx.log.info({ runId: ctx.runId, targetId: target.id, netns: inode, mechanism: undo.mechanism }, `${spec.type} applied`);
      return { ...undo, containerId: info.Id };
    },
    async verify(target: Target, undo: DockerNetnsUndo | undefined, params: P, ctx: FaultContext): Promise<FaultEffect> {
      if (!undo) return unverifiedEffect('no undo data, so the namespace the fault went into is unknown');
      const ns = refreshHandle({ inode: undo.inode, pid: 0 }, deps.netns.exec.proc);
      if (!ns) return unverifiedEffect(`the network namespace net:[${undo.inode}] is gone (the container stopped)`);
      return deps.netns.effect(ns, spec.measured(params), undo.mechanism, ctx);
    },
    async revert(target: Target, undo: DockerNetnsUndo | undefined, ctx: FaultContext) {
      assertLocalEngine(deps, spec.type);
      const tag = undo?.tag ?? tagOf(ctx);
      if (undo) {
        const removed = await deps.netns.revert(undo.inode, tag, ctx);
        ctx.log.info({ runId: ctx.runId, targetId: target.id, netns: undo.inode, removed }, `${spec.type} reverted`);
        return;
      }
      const info = await inspectContainer(deps.api, containerIdOf(target), ctx);
      const pid = info?.State.Running ? info.State.Pid : undefined;
      const inode = pid ? netnsInodeOf(pid) : undefined;
      if (!pid || inode === undefined) return;
      await deps.netns.revert(inode, tag, ctx, { pid, inode });
    },
  };
}
