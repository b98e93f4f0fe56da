import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type JournalEvent } from '@faultline/core';
import { FileJournal } from '@faultline/engine';
import {
  buildDayReport, compareDays, FileDayJournal, renderDayHtml, renderDayMarkdown, renderDaysComparisonHtml, renderDaysComparisonMarkdown, type DayEvent,
} from '@faultline/gameday';
import { clientFor } from '../commands/remote.js';
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

/** Several local days as one report (days in start order, steps side by side). */
export async function renderDays(stateDir: string, dayIds: readonly string[], format: DayReportFormat): Promise<string> {
  const reports = [];
  for (const id of new Set(dayIds)) {
    const { events, runs } = await readDay(stateDir, id);
    reports.push(buildDayReport(events, runs));
  }
  const c = compareDays(reports);
  return format === 'html' ? renderDaysComparisonHtml(c) : format === 'md' ? renderDaysComparisonMarkdown(c) : JSON.stringify(c, null, 2) + '\n';
}

/**
 * `faultline gameday report ID [ID...]`: HTML (default), Markdown or JSON to stdout or --out; several ids
 * give one report across the days. With --server, the controller's days.
 */
export async function gamedayReportCommand(io: CliIo, dayIds: string[], opts: { stateDir: string; format: DayReportFormat; out?: string; server?: string; token?: string }): Promise<number> {
  const ids = [...new Set(dayIds)];
  if (ids.length === 0) throw new UsageError('which day? pass one day id, or several to compare');
  const text = opts.server
    ? await clientFor(io, opts).call<string>('GET', ids.length === 1
      ? `/v1/gamedays/${encodeURIComponent(ids[0] as string)}/report?format=${opts.format}`
      : `/v1/gamedays/compare?days=${ids.map(encodeURIComponent).join(',')}&format=${opts.format}`, { raw: true })
    : ids.length === 1
      ? await renderDay(path.resolve(io.cwd, opts.stateDir), ids[0] as string, opts.format)
      : await renderDays(path.resolve(io.cwd, opts.stateDir), ids, opts.format);
  if (opts.out) {
    await writeFile(path.resolve(io.cwd, opts.out), text, 'utf8');
    io.stdout.write(`${palette(io).green('✓')} ${opts.out}\n`);
  } else io.stdout.write(text);
  return 0;
}
