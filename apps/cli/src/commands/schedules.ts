import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '@faultline/core';
import { loadCalendars, parseSchedule, preview, type SchedulePreview } from '@faultline/scheduler';
import type { CliIo } from '../io.js';
import { clockOf, palette } from '../io.js';
import { clientFor, type RemoteOptions } from './remote.js';

type Action = 'list' | 'create' | 'show' | 'preview' | 'pause' | 'resume' | 'delete' | 'history';

/** Dates arrive as Date (local preview) or ISO strings (over JSON). */
const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : d);

function printPreview(io: CliIo, p: SchedulePreview): void {
  const c = palette(io);
  const fires = p.fires ?? [];
  io.stdout.write(c.bold(`next ${fires.length} fire time(s)`) + '\n');
  for (const f of fires) io.stdout.write(`  ${c.green('●')} ${iso(f.at)}  ${c.dim(f.local)}${f.dst ? c.yellow(`  (${f.dst})`) : ''}\n`);
  const skipped = p.skipped ?? [];
  if (skipped.length) io.stdout.write(c.bold('skipped') + '\n');
  for (const s of skipped) io.stdout.write(`  ${c.dim('○')} ${s.fromLocal} … ${s.toLocal}  ${s.reason}${s.count > 1 ? c.dim(` (${s.count} slots)`) : ''}\n`);
}

/**
 * `faultline schedules …` against a controller. `preview` also works offline on a local file:
 * `faultline schedules preview schedule.yaml --from 2026-12-20 --to 2027-01-05`.
 */
export async function schedulesCommand(io: CliIo, action: Action, opts: RemoteOptions & { target?: string; from?: string; to?: string; limit?: number }): Promise<number> {
  const from = opts.from ? new Date(opts.from) : clockOf(io).now();
  const to = opts.to ? new Date(opts.to) : new Date(from.getTime() + 14 * 86_400_000);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new UsageError('--from/--to want dates like 2026-12-20 or 2026-12-20T09:00:00Z');
  const local = opts.target && (opts.target.endsWith('.yaml') || opts.target.endsWith('.yml') || opts.target.endsWith('.json')) && existsSync(path.resolve(io.cwd, opts.target));
  if (action === 'preview' && local) {
    const file = path.resolve(io.cwd, opts.target!);
    const schedule = parseSchedule(await readFile(file, 'utf8'), { file: opts.target! });
    const calendars = await loadCalendars(schedule, { baseDir: path.dirname(file), timeoutMs: 5000 });
    const p = preview(schedule, { from, to, calendars, limit: opts.limit ?? 20 });
    if (opts.output === 'json') io.stdout.write(JSON.stringify(p, null, 2) + '\n');
    else printPreview(io, p);
    return 0;
  }
  const client = clientFor(io, opts);
  const id = encodeURIComponent(opts.target ?? '');
  if (action !== 'list' && !opts.target) throw new UsageError(`which schedule? faultline schedules ${action} <name|id${action === 'create' ? '|file' : ''}>`);
  let result: unknown;
  switch (action) {
    case 'list': result = await client.call('GET', '/v1/schedules'); break;
    case 'create': result = await client.call('POST', '/v1/schedules', { body: { definition: await readFile(path.resolve(io.cwd, opts.target!), 'utf8') } }); break;
    case 'show': result = await client.call('GET', `/v1/schedules/${id}`); break;
    case 'pause': result = await client.call('POST', `/v1/schedules/${id}/pause`); break;
    case 'resume': result = await client.call('POST', `/v1/schedules/${id}/resume`); break;
    case 'delete': result = await client.call('DELETE', `/v1/schedules/${id}`); break;
    case 'history': result = await client.call('GET', `/v1/schedules/${id}/history${opts.limit ? `?limit=${opts.limit}` : ''}`); break;
    case 'preview': {
      const p = await client.call<SchedulePreview>('GET', `/v1/schedules/${id}/preview?from=${from.toISOString()}&to=${to.toISOString()}${opts.limit ? `&limit=${opts.limit}` : ''}`);
      if (opts.output === 'json') io.stdout.write(JSON.stringify(p, null, 2) + '\n');
      else printPreview(io, p);
      return 0;
    }
  }
  if (opts.output === 'json' || typeof result !== 'object' || result === null) io.stdout.write(JSON.stringify(result ?? { ok: true }, null, 2) + '\n');
  else if (action === 'list') {
    for (const s of (result as { schedules: { scheduleId: string; name: string; paused: boolean; lastFire?: { at: string; decision: string; reason?: string } }[] }).schedules) {
      io.stdout.write(`${s.scheduleId}  ${s.name.padEnd(28)} ${s.paused ? 'paused ' : 'active '} ${s.lastFire ? `last: ${s.lastFire.decision} ${s.lastFire.at}${s.lastFire.reason ? ` (${s.lastFire.reason})` : ''}` : 'never fired'}\n`);
    }
  } else if (action === 'history') {
    for (const f of (result as { fires: { at: string; decision: string; reason?: string; runId?: string }[] }).fires) io.stdout.write(`${f.at}  ${f.decision.padEnd(8)} ${f.runId ?? ''}${f.reason ? `  ${f.reason}` : ''}\n`);
  } else io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  return 0;
}
