import { SpecInvalidError, USAGE_EXIT_CODE, formatSpecIssues, FaultlineError, type Registry } from '@faultline/core';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadExperiment, type Loaded } from '../load.js';
import { buildRegistry, kindsMentioned } from '../registry.js';
import { looksLikeGameDay } from '@faultline/gameday/detect';

/** `faultline validate FILE...`: every experiment (and `kind: Schedule`) file is checked; exit 64 if any is invalid. */
export async function validateCommand(io: CliIo, files: string[], opts: { output?: string }): Promise<number> {
  const p = palette(io);
  const registries = new Map<string, Promise<Registry>>();
  const registryFor = (kinds?: readonly string[]) => {
    const key = kinds ? kinds.join(',') : '*';
    let r = registries.get(key);
    if (!r) registries.set(key, (r = buildRegistry(kinds ? { kinds } : {})));
    return r;
  };
  // Start-up cost: the Kubernetes and Docker providers (and their clients) load only for files that
  // mention them. A file that fails with fewer providers is checked again with all of them, so its
  // verdict and messages (e.g. the allowed fault types, did-you-mean) are exactly those of the full set.
  const load = async (file: string, text: string): Promise<Loaded> => {
    const kinds = kindsMentioned(text);
    try {
      return await loadExperiment(file, { cwd: io.cwd, env: io.env, registry: await registryFor(kinds) });
    } catch (err) {
      if (!(err instanceof SpecInvalidError) || (kinds.includes('kubernetes') && kinds.includes('docker'))) throw err;
      return loadExperiment(file, { cwd: io.cwd, env: io.env, registry: await registryFor() });
    }
  };
  const results: { file: string; ok: boolean; name?: string; issues?: unknown }[] = [];
  for (const file of files) {
    try {
      const text = await readFile(path.resolve(io.cwd, file), 'utf8').catch(() => '');
      if (/^kind:\s*Schedule\s*$/m.test(text)) {
        const { parseSchedule } = await import('@faultline/scheduler');
        const schedule = parseSchedule(text, { file });
        results.push({ file, ok: true, name: schedule.metadata.name });
        if (opts.output !== 'json') io.stdout.write(`${p.green('✓')} ${file} ${p.dim(`(schedule ${schedule.metadata.name} for experiment ${schedule.spec.experiment}, ${schedule.spec.timeZone})`)}\n`);
        continue;
      }
      if (looksLikeGameDay(text)) {
        const { loadGameDay } = await import('../gameday/load-gameday.js');
        const { describeDay } = await import('../gameday/describe-step.js');
        const { day } = await loadGameDay(file, { cwd: io.cwd, env: io.env, registry: await registryFor() });
        results.push({ file, ok: true, name: day.metadata.name });
        if (opts.output !== 'json') io.stdout.write(`${p.green('✓')} ${file} ${p.dim(`(${describeDay(day)})`)}\n`);
        continue;
      }
      const { experiment } = await load(file, text);
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
