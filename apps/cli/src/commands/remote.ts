import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { exitCodeOf, exitCodes, parseDuration, UsageError, type JournalEvent, type Outcome, type RunTimings } from '@faultline/core';
import { FaultlineClient, ciIdempotencyKey, ciLabels, type RunView } from '@faultline/client';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { substituteEnv } from '../load.js';
import { ProgressView } from '../render/progress.js';
import { printSummary } from '../render/summary.js';
import { runResultDocument } from '../render/result-document.js';

export interface RemoteOptions {
  server?: string;
  token?: string;
  output?: string;
}

export function clientFor(io: CliIo, opts: RemoteOptions): FaultlineClient {
  const server = opts.server ?? io.env.FAULTLINE_SERVER;
  if (!server) throw new UsageError('which controller? pass --server http://host:8080 or set FAULTLINE_SERVER');
  const token = opts.token ?? io.env.FAULTLINE_TOKEN;
  return new FaultlineClient({ baseUrl: server, ...(token ? { token } : {}) });
}

function parseLabels(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list ?? []) {
    const i = l.indexOf('=');
    if (i <= 0) throw new UsageError(`--label wants key=value, got "${l}"`);
    out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

export interface SubmitOptions extends RemoteOptions {
  wait?: boolean;
  timeout: string;
  junit?: string;
  report?: string;
  idempotencyKey?: string;
  label?: string[];
}

/**
 * `faultline submit FILE --server URL [--wait]`: starts a run on a controller (idempotent per CI job),
 * streams its progress, and exits with the verdict's exit code. SIGTERM (a cancelled CI job) or the
 * --timeout asks the controller to abort the run, then waits for its revert before exiting.
 */
export async function submitCommand(io: CliIo, file: string, opts: SubmitOptions): Promise<number> {
  const client = clientFor(io, opts);
  const p = palette(io);
  const raw = await readFile(path.resolve(io.cwd, file), 'utf8').catch(() => {
    throw new UsageError(`experiment file not found: ${file}`);
  });
  const definition = substituteEnv(raw, io.env, file);
  const idempotencyKey = opts.idempotencyKey ?? ciIdempotencyKey(io.env, definition);
  const { run, created } = await client.submitRun({
    definition, labels: { ...ciLabels(io.env), ...parseLabels(opts.label) }, ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  const json = opts.output === 'json' || opts.output === 'jsonl';
  const stream = opts.output === 'jsonl';
  const runUrl = `${(opts.server ?? io.env.FAULTLINE_SERVER ?? '').replace(/\/$/, '')}${run.links.self}`;
  if (!json) io.stdout.write(`${created ? 'submitted' : 're-attached to'} run ${p.bold(run.runId)} (${run.experiment}) ${p.dim(runUrl)}\n`);
  if (!opts.wait) {
    if (json) io.stdout.write(JSON.stringify({ run, created }, null, stream ? undefined : 2) + '\n');
    return 0;
  }

  const view = json ? undefined : new ProgressView(io);
  view?.start();
  const stop = new AbortController();
  let aborting = false;
  const abortRun = (why: string) => {
    if (aborting) return;
    aborting = true;
    io.stderr.write(p.yellow(`${why}: asking the controller to abort run ${run.runId} (it reverts every fault)…\n`));
    void client.abortRun(run.runId, why).catch((err) => io.stderr.write(`could not abort: ${(err as Error).message}\n`));
    // Give the revert time to finish and be reported, but never hang a CI job forever.
    setTimeout(() => stop.abort(new Error('gave up waiting for the revert report')), 120_000).unref();
  };
  const unregister = io.onSignal((signal) => abortRun(`${signal} (CI job cancelled?)`));
  const deadline = setTimeout(() => abortRun(`--timeout ${opts.timeout} reached`), parseDuration(opts.timeout));
  let verdict: Extract<JournalEvent, { type: 'verdict' }> | undefined;
  // Kept for the -o json document; a reconnect resumes after the last seq, so nothing is counted twice.
  const events: JournalEvent[] = [];
  try {
    for await (const e of client.events(run.runId, {
      signal: stop.signal,
      onReconnect: (n, err) => io.stderr.write(p.dim(`event stream interrupted (${(err as Error).message}); reconnecting (attempt ${n})…\n`)),
    })) {
      events.push(e);
      if (stream) io.stdout.write(JSON.stringify(e) + '\n');
      else view?.onEvent(e);
      if (e.type === 'verdict') verdict = e;
    }
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  } finally {
    clearTimeout(deadline);
    unregister();
    view?.stop();
  }
  const final: RunView = await client.getRun(run.runId);
  const outcome = (final.outcome ?? verdict?.outcome ?? (final.phase === 'finished' ? final.state : 'revert-pending')) as Outcome;
  const timings: RunTimings = verdict?.timings ?? { startedAt: final.createdAt, endedAt: final.updatedAt, durationMs: Date.parse(final.updatedAt) - Date.parse(final.createdAt) };
  if (stream) io.stdout.write(JSON.stringify({ type: 'result', run: final }) + '\n');
  else if (json) io.stdout.write(JSON.stringify(runResultDocument({ runId: run.runId, outcome, reason: final.reason ?? verdict?.reason ?? '', timings, events, url: runUrl }), null, 2) + '\n');
  else printSummary(io, { runId: run.runId, outcome, reason: final.reason ?? verdict?.reason ?? '', timings, pending: [], ...(verdict?.ineffective ? { ineffective: verdict.ineffective } : {}) });
  if (opts.junit) {
    await writeFile(path.resolve(io.cwd, opts.junit), await client.report(run.runId, 'junit'));
    if (!json) io.stdout.write(p.dim(`  junit           ${path.resolve(io.cwd, opts.junit)}\n`));
  }
  if (opts.report) {
    await writeFile(path.resolve(io.cwd, opts.report), await client.report(run.runId, 'html'));
    if (!json) io.stdout.write(p.dim(`  report          ${path.resolve(io.cwd, opts.report)}\n`));
  }
  return outcome in exitCodes ? exitCodeOf(outcome, verdict?.ineffective) : 3;
}

/** `faultline runs list|show|abort`. */
export async function runsCommand(io: CliIo, action: 'list' | 'show' | 'abort', opts: RemoteOptions & { runId?: string; state?: string; experiment?: string; label?: string; limit?: number; reason?: string }): Promise<number> {
  const client = clientFor(io, opts);
  const p = palette(io);
  if (action === 'list') {
    const page = await client.listRuns({ ...(opts.state ? { state: opts.state } : {}), ...(opts.experiment ? { experiment: opts.experiment } : {}), ...(opts.label ? { label: opts.label } : {}), limit: opts.limit ?? 20 });
    if (opts.output === 'json') io.stdout.write(JSON.stringify(page, null, 2) + '\n');
    else {
      io.stdout.write(p.dim(`${'RUN'.padEnd(14)} ${'EXPERIMENT'.padEnd(32)} ${'STATE'.padEnd(15)} CREATED\n`));
      for (const r of page.runs) io.stdout.write(`${r.runId.padEnd(14)} ${r.experiment.slice(0, 32).padEnd(32)} ${r.state.padEnd(15)} ${r.createdAt}\n`);
      if (page.nextCursor) io.stdout.write(p.dim(`more: --cursor ${page.nextCursor}\n`));
    }
    return 0;
  }
  if (!opts.runId) throw new UsageError(`which run? faultline runs ${action} <runId>`);
  const run = action === 'show' ? await client.getRun(opts.runId) : await client.abortRun(opts.runId, opts.reason);
  if (opts.output === 'json') io.stdout.write(JSON.stringify(run, null, 2) + '\n');
  else io.stdout.write(`${run.runId}  ${run.experiment}  ${p.bold(run.state)}${run.reason ? `\n  ${run.reason}` : ''}${action === 'abort' ? p.dim('\n  abort requested: the run reverts every fault, then ends aborted') : ''}\n`);
  return 0;
}

/** `faultline halt [--reason]` / `faultline resume`: the global kill switch. */
export async function haltCommand(io: CliIo, action: 'halt' | 'resume', opts: RemoteOptions & { reason?: string }): Promise<number> {
  const client = clientFor(io, opts);
  const state = action === 'halt' ? await client.halt(opts.reason) : await client.resume();
  if (opts.output === 'json') io.stdout.write(JSON.stringify(state) + '\n');
  else if (state.halted) io.stdout.write(`HALTED: ${state.abortedRuns?.length ?? 0} active run(s) aborted and reverting; new runs are refused until \`faultline resume\`\n`);
  else io.stdout.write('halt lifted: runs may start again\n');
  return 0;
}

/** `faultline report RUN --format junit|html|json [--server URL | --state-dir DIR]`. */
export async function reportCommand(io: CliIo, runId: string, opts: RemoteOptions & { format: 'json' | 'junit' | 'html'; out?: string; stateDir: string }): Promise<number> {
  let text: string;
  if (opts.server ?? io.env.FAULTLINE_SERVER) {
    text = await clientFor(io, opts).report(runId, opts.format);
  } else {
    const { FileJournal } = await import('@faultline/engine');
    const { buildRunReport, renderHtml, renderJUnit } = await import('@faultline/report');
    const events = await new FileJournal(path.resolve(io.cwd, opts.stateDir)).read(runId).catch(() => {
      throw new UsageError(`no journal for run ${runId} in ${opts.stateDir} (pass --server for runs on a controller)`);
    });
    text = opts.format === 'junit' ? renderJUnit(events) : opts.format === 'html' ? renderHtml(events) : JSON.stringify(buildRunReport(events), null, 2);
  }
  if (opts.out) await writeFile(path.resolve(io.cwd, opts.out), text);
  else io.stdout.write(text.endsWith('\n') ? text : text + '\n');
  return 0;
}
