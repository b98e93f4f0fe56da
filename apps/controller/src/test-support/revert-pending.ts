import type { Controller } from '../server.js';

// Shared steps of the revert-pending tests (one per backend: Toxiproxy API, Kubernetes API, Docker engine).

/** Polls `pred` every 20 ms, at most 3000 times (a bound, not a timing assertion). */
export async function until(what: string, pred: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: not reached`);
}

/** The run as the store has it now. */
export async function runState(controller: Controller, runId: string) {
  const run = await controller.store.getRun(runId);
  if (!run) throw new Error(`run ${runId} is not in the store`);
  return run;
}

/** Waits until the run holds its faults; fails at once if it ends first. */
export function untilHolding(controller: Controller, runId: string): Promise<void> {
  return until('holding', async () => {
    const r = await runState(controller, runId);
    if (['failed', 'aborted', 'completed'].includes(r.state)) throw new Error(`run ended early: ${r.state} ${r.reason}`);
    return r.state === 'holding';
  });
}

/** `faultline_runs_revert_pending` as served on /metrics. */
export async function revertPendingMetric(controller: Controller): Promise<number> {
  const text = await (await fetch(`${controller.url}/metrics`)).text();
  return Number(/^faultline_runs_revert_pending (\d+)/m.exec(text)?.[1]);
}

/** The background-retry notes the owner journaled for the run. */
export async function backgroundRetryNotes(controller: Controller, runId: string): Promise<string[]> {
  return (await controller.store.read(runId)).flatMap((e) => (e.type === 'note' && e.message.includes('background retry') ? [e.message] : []));
}

/** The reason the owner records when a background retry reverted the run's `records` fault record(s). */
export const retriedReason = (replicaId: string, records = 1) =>
  new RegExp(`^revert-pending run retried by its owner, replica ${replicaId} \\(background retry \\d+\\); reverted ${records} fault record\\(s\\) in \\d+ ms$`);
