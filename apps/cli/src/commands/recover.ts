import path from 'node:path';
import { exitCodes } from '@faultline/core';
import { FileJournal, recover, sweepOrphans } from '@faultline/engine';
import type { CliIo } from '../io.js';
import { clockOf, palette } from '../io.js';
import { cliLogger } from '../logger.js';
import { buildRegistry } from '../registry.js';
import { cliSecretResolver } from '../secrets.js';

/**
 * `faultline recover`: reverts whatever the local journal shows as possibly active (after SIGKILL, a
 * power cut or a revert that kept failing), then sweeps Faultline-tagged leftovers of finished runs.
 * Idempotent: running it twice is harmless. Exit 0 when everything is clean, 4 when something is still pending.
 */
export async function recoverCommand(io: CliIo, opts: { stateDir: string; force?: boolean; sweepUnknown?: boolean; output?: string; verbose?: boolean; kubeconfig?: string; context?: string }): Promise<number> {
  const p = palette(io);
  const journal = new FileJournal(path.resolve(io.cwd, opts.stateDir), clockOf(io));
  const kinds = new Set<string>();
  for (const runId of await journal.listRuns()) {
    for (const e of await journal.read(runId)) if (e.type === 'fault-injecting') kinds.add(e.target.kind);
  }
  const registry = await buildRegistry({ kinds: [...kinds], ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  const log = cliLogger(io, opts.verbose ?? false);
  const secrets = cliSecretResolver(io.env, { ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  const recovered = await recover({ registry, source: journal, sink: journal, log, clock: clockOf(io), secrets, ...(opts.force ? { force: true } : {}) });
  const swept = await sweepOrphans({ registry, source: journal, log, onlyKnownRuns: !opts.sweepUnknown });
  await journal.close();
  if (opts.output === 'json') {
    io.stdout.write(JSON.stringify({ recovered, swept }, null, 2) + '\n');
  } else {
    if (recovered.length === 0 && swept.length === 0) io.stdout.write(`${p.green('✓')} nothing to recover: no unfinished runs and no leftover faults in ${journal.stateDir}\n`);
    for (const r of recovered) {
      const mark = r.action === 'reverted' || r.action === 'nothing-to-revert' ? p.green('✓') : r.action === 'skipped-alive' ? p.yellow('…') : p.red('✗');
      io.stdout.write(`${mark} ${r.runId} ${p.dim(`(${r.experiment}, was ${r.previousState})`)}: ${r.detail}\n`);
      for (const f of r.faults) io.stdout.write(`    ${f.reverted ? p.green('reverted') : p.red('still active')} ${f.fault} on ${f.target}\n`);
    }
    for (const s of swept) io.stdout.write(`${s.removed ? p.green('✓ removed') : p.red('✗ could not remove')} leftover ${s.description} ${p.dim(`(run ${s.runId})`)}${s.error ? `: ${s.error}` : ''}\n`);
  }
  const pending = recovered.some((r) => r.action === 'revert-pending' || r.action === 'skipped-alive') || swept.some((s) => !s.removed);
  return pending ? exitCodes['revert-pending'] : 0;
}
