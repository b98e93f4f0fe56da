import path from 'node:path';
import { FileDayJournal, replayDay } from '@faultline/gameday';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';

/** `faultline gameday list`: every day journaled in the state directory, newest first. */
export async function gamedayListCommand(io: CliIo, opts: { stateDir: string; output?: string }): Promise<number> {
  const days = new FileDayJournal(path.resolve(io.cwd, opts.stateDir));
  const rows: { dayId: string; name: string; startedAt: string; outcome: string; steps: string }[] = [];
  for (const id of await days.listDays()) {
    const events = await days.read(id).catch(() => []);
    const r = replayDay(events);
    if (!r.day) continue;
    rows.push({
      dayId: id, name: r.day.metadata.name, startedAt: events[0]?.at ?? '',
      outcome: r.ended?.outcome ?? (r.inFlight ? `stopped in step ${r.inFlight.step + 1} (resume it)` : 'unfinished'),
      steps: `${r.statuses.size}/${r.day.spec.steps.length}`,
    });
  }
  rows.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  if (opts.output === 'json') io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else if (!rows.length) io.stdout.write(`no game days in ${opts.stateDir}\n`);
  else for (const r of rows) io.stdout.write(`${r.dayId}  ${r.startedAt.slice(0, 19).replace('T', ' ')}  ${r.name.padEnd(30)} ${palette(io).bold(r.outcome)}  ${palette(io).dim(`steps ${r.steps}`)}\n`);
  return 0;
}
