import { artefactName, type CallContext, type FaultContext, type Json, type Target } from '@faultline/core';
import { isNotFound, type DockerApi } from './api.js';
import { containerIdOf } from './target-ref.js';

/** Labels on an undo-record volume. */
export const UNDO_LABELS = {
  runId: 'dev.faultline.run-id',
  fault: 'dev.faultline.fault',
  faultType: 'dev.faultline.fault-type',
  containerId: 'dev.faultline.container-id',
  undo: 'dev.faultline.undo',
} as const;

/** One stored undo record, as found on the engine. */
export interface UndoRecord<U extends Json = Json> {
  readonly volume: string;
  readonly runId: string;
  readonly faultName: string;
  readonly faultType: string;
  readonly containerId: string;
  readonly undo: U;
}

/**
 * Write-ahead undo data kept on the Docker engine itself, so `revert` in a fresh process knows what to
 * restore even when the engine crashed between inject and journaling the undo (FaultProvider contract).
 *
 * A running container's labels cannot change, so the record is an empty, labelled volume named
 * `faultline-<runId>-<fault>-<container12>`: cheap (a directory), listable by label for orphan sweeps,
 * and it outlives both Faultline and the container. It is written BEFORE the fault acts, so "no record"
 * means "we never acted"; revert deletes it last.
 */
export class UndoRecords {
  constructor(private readonly api: DockerApi) {}

  static volumeName(runId: string, faultName: string, containerId: string): string {
    // Volume names allow [a-zA-Z0-9][a-zA-Z0-9_.-]; fault names are kebab-case but be safe.
    return `${artefactName(runId, faultName)}-${containerId.slice(0, 12)}`.replace(/[^a-zA-Z0-9_.-]/g, '_');
  }

  async read<U extends Json>(key: { runId: string; faultName: string; containerId: string }, ctx: CallContext): Promise<U | undefined> {
    const name = UndoRecords.volumeName(key.runId, key.faultName, key.containerId);
    try {
      const v = await this.api.call(`inspect volume ${name}`, ctx, (abortSignal) =>
        this.api.docker.getVolume(name).inspect({ abortSignal }));
      return parseUndo<U>(v.Labels?.[UNDO_LABELS.undo]);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async write(
    key: { runId: string; faultName: string; faultType: string; containerId: string },
    undo: Json,
    ctx: CallContext,
  ): Promise<void> {
    const name = UndoRecords.volumeName(key.runId, key.faultName, key.containerId);
    await this.api.call(`create undo-record volume ${name}`, ctx, (abortSignal) =>
      this.api.docker.createVolume({
        Name: name,
        Labels: {
          [UNDO_LABELS.runId]: key.runId,
          [UNDO_LABELS.fault]: key.faultName,
          [UNDO_LABELS.faultType]: key.faultType,
          [UNDO_LABELS.containerId]: key.containerId,
          [UNDO_LABELS.undo]: JSON.stringify(undo),
        },
        abortSignal,
      }));
  }

  /** Idempotent: a missing record is fine. */
  async remove(key: { runId: string; faultName: string; containerId: string }, ctx: CallContext): Promise<void> {
    const name = UndoRecords.volumeName(key.runId, key.faultName, key.containerId);
    try {
      await this.api.call(`remove undo-record volume ${name}`, ctx, (abortSignal) =>
        this.api.docker.getVolume(name).remove({ abortSignal }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Every undo record on the engine (for orphan sweeps). */
  async list(ctx: CallContext): Promise<UndoRecord[]> {
    const res = await this.api.call('list undo-record volumes', ctx, (abortSignal) =>
      this.api.docker.listVolumes({ filters: { label: [UNDO_LABELS.runId] }, abortSignal }));
    const out: UndoRecord[] = [];
    for (const v of res.Volumes ?? []) {
      const l = v.Labels ?? {};
      const undo = parseUndo(l[UNDO_LABELS.undo]);
      const runId = l[UNDO_LABELS.runId];
      const faultName = l[UNDO_LABELS.fault];
      const faultType = l[UNDO_LABELS.faultType];
      const containerId = l[UNDO_LABELS.containerId];
      if (undo === undefined || !runId || !faultName || !faultType || !containerId) continue;
      out.push({ volume: v.Name, runId, faultName, faultType, containerId, undo });
    }
    return out;
  }
}

function parseUndo<U extends Json>(text: string | undefined): U | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as U;
  } catch {
    // Someone edited the label by hand; treat as no record rather than failing every revert forever.
    return undefined;
  }
}

/** The key of a fault's undo record on one container: run, fault and container. */
export function undoRecordKey(target: Target, ctx: FaultContext): { runId: string; faultName: string; containerId: string } {
  return { runId: ctx.runId, faultName: ctx.faultName, containerId: containerIdOf(target) };
}
