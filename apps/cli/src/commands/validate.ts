import { SpecInvalidError, USAGE_EXIT_CODE, formatSpecIssues, FaultlineError } from '@faultline/core';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSchedule } from '@faultline/scheduler';
import { looksLikeGameDay } from '@faultline/gameday';
import { loadExperiment } from '../load.js';
import { buildRegistry } from '../registry.js';

/** `faultline validate FILE...`: every experiment (and `kind: Schedule`) file is checked; exit 64 if any is invalid. */
export async function validateCommand(io: CliIo, files: string[], opts: { output?: string }): Promise<number> {
  const p = palette(io);
  const registry = await buildRegistry();
  const results: { file: string; ok: boolean; name?: string; issues?: unknown }[] = [];
  for (const file of files) {
    try {
      const text = await readFile(path.resolve(io.cwd, file), 'utf8').catch(() => '');
      if (/^kind:\s*Schedule\s*$/m.test(text)) {
        const schedule = parseSchedule(text, { file });
        results.push({ file, ok: true, name: schedule.metadata.name });
        if (opts.output !== 'json') io.stdout.write(`${p.green('✓')} ${file} ${p.dim(`(schedule ${schedule.metadata.name} for experiment ${schedule.spec.experiment}, ${schedule.spec.timeZone})`)}\n`);
        continue;
      }
      if (looksLikeGameDay(text)) {
        const { loadGameDay } = await import('../gameday/load-gameday.js');
        const { describeDay } = await import('../gameday/describe-step.js');
        const { day } = await loadGameDay(file, { cwd: io.cwd, env: io.env, registry });
        results.push({ file, ok: true, name: day.metadata.name });
        if (opts.output !== 'json') io.stdout.write(`${p.green('✓')} ${file} ${p.dim(`(${describeDay(day)})`)}\n`);
        continue;
      }
      const { experiment } = await loadExperiment(file, { cwd: io.cwd, env: io.env, registry });
      results.push({ file, ok: true, name: experiment.metadata.name });
      if (opts.output !== 'json') io.stdout.write(`${p.green('✓')} ${file} ${p.dim(`(${experiment.metadata.name}: ${experiment.spec.faults.length} fault(s), ${experiment.spec.guards.length} guard(s))`)}\n`);
    } catch (err) {
      if (!(err instanceof FaultlineError)) throw err;
      const issues = err instanceof SpecInvalidError ? err.issues : [{ path: '', message: err.message }];
      results.push({ file, ok: false, issues });
      if (opts.output !== 'json') io.stdout.write(`${p.red('✗')} ${file}\n${formatSpecIssues(issues, file).split('\n').map((l) => `    ${l}`).join('\n')}\n`);
    }
  }
  if (opts.output === 'json') io.stdout.write(JSON.stringify(results, null, 2) + '\n');
  return results.every((r) => r.ok) ? 0 : USAGE_EXIT_CODE;
}
