import { UsageError } from '@faultline/core';
import type { ForgottenRunView } from '@faultline/client';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { clientFor } from './remote.js';

export interface RemoteForgetOptions {
  server: string;
  token?: string;
  forget?: string;
  reason?: string;
  output?: string;
}

/**
 * `faultline recover --server URL --forget RUN --reason "…"`: the controller-hosted equivalent of forgetting
 * a CLI run (POST /v1/runs/:runId/forget, admin scope, audited). The controllers recover their own runs
 * (adoption, revert retries); from the CLI, only acknowledging a run whose backend is gone needs a call.
 * The controller refuses while the run's owner lease is alive; that error is printed as is.
 */
export async function recoverRemoteCommand(io: CliIo, opts: RemoteForgetOptions): Promise<number> {
  if (opts.forget === undefined) {
    throw new UsageError('with --server, recover only forgets a run (--forget <runId> --reason "…")', {
      hint: 'Controllers revert their runs themselves (a live replica adopts the runs of a dead one); for runs of this machine, drop --server.',
    });
  }
  const client = clientFor(io, { server: opts.server, ...(opts.token ? { token: opts.token } : {}) });
  const { forgotten, run } = await client.forgetRun(opts.forget, opts.reason ?? '');
  const report: { server: string; forgotten: ForgottenRunView; state: string; mayStillBeActive: boolean } = { server: opts.server, forgotten, state: run.state, mayStillBeActive: false };
  if (opts.output === 'json') {
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const p = palette(io);
    io.stdout.write(`${p.yellow('forgotten')} ${forgotten.runId} ${p.dim(`(${forgotten.experiment}, was ${forgotten.previousState}; now ${run.state}) on ${opts.server}`)}: ${forgotten.detail}\n`);
  }
  return 0;
}
