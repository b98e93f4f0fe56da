import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type JournalEvent } from '@faultline/core';
import { FileJournal } from '@faultline/engine';
import { buildDayReport, FileDayJournal, renderDayHtml, renderDayMarkdown, type DayEvent } from '@faultline/gameday';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';

/** The day's journal and the journals of its runs, from a local state directory. */
export async function readDay(stateDir: string, dayId: string): Promise<{ events: DayEvent[]; runs: Map<string, JournalEvent[]> }> {
  const events = await new FileDayJournal(stateDir).read(dayId).catch(() => {
    throw new UsageError(`no game day ${dayId} in ${stateDir} (list them with \`faultline gameday list\`)`);
  });
  const journal = new FileJournal(stateDir);
  const runs = new Map<string, JournalEvent[]>();
  for (const e of events) {
    if (e.type !== 'step-run') continue;
    const list = await journal.read(e.runId).catch(() => undefined);
    if (list) runs.set(e.runId, list);
  }
  return { events, runs };
}

export type DayReportFormat = 'html' | 'md' | 'json';

export async function renderDay(stateDir: string, dayId: string, format: DayReportFormat): Promise<string> {
  const { events, runs } = await readDay(stateDir, dayId);
  const report = buildDayReport(events, runs);
  return format === 'html' ? renderDayHtml(report, events) : format === 'md' ? renderDayMarkdown(report) : JSON.stringify(report, null, 2) + '\n';
}

/** After a day: writes the HTML and/or Markdown report where asked. */
export async function writeDayReports(io: CliIo, stateDir: string, dayId: string, opts: { html?: string; markdown?: string }): Promise<void> {
  const p = palette(io);
  for (const [format, target] of [['html', opts.html], ['md', opts.markdown]] as const) {
    if (!target) continue;
    const file = path.resolve(io.cwd, target);
    await writeFile(file, await renderDay(stateDir, dayId, format), 'utf8');
    io.stdout.write(p.dim(`  ${format === 'html' ? 'html report' : 'markdown'}  ${file}\n`));
  }
}

/** `faultline gameday report ID`: HTML (default), Markdown or JSON to stdout or --out. */
export async function gamedayReportCommand(io: CliIo, dayId: string, opts: { stateDir: string; format: DayReportFormat; out?: string }): Promise<number> {
  const text = await renderDay(path.resolve(io.cwd, opts.stateDir), dayId, opts.format);
  if (opts.out) {
    await writeFile(path.resolve(io.cwd, opts.out), text, 'utf8');
    io.stdout.write(`${palette(io).green('✓')} ${opts.out}\n`);
  } else io.stdout.write(text);
  return 0;
}
