import { FaultlineError, SpecInvalidError, type Experiment, type Registry, type SpecIssue } from '@faultline/core';
import { parseExperiment, type Environment } from '@faultline/spec';
import type { ExperimentStep, GameDay, GameDayStep } from '../model.js';

export interface ResolveOptions {
  /** Reads an experiment file named by a step (the path as written, relative to the game day file). */
  readText(path: string): Promise<string>;
  /** Name of the game day file, for "not found" issues. */
  readonly file?: string;
  readonly registry?: Registry;
  readonly env?: Environment;
  /** What to say when a file does not exist (the controller resolves `file:` to stored experiments). */
  readonly missing?: (path: string) => string;
}

/**
 * Reads and parses every `file:` experiment of a day, so the whole day is checked before anything
 * starts. Issues of an experiment file name that file; a missing file names the step.
 * @throws SpecInvalidError listing every issue of every file.
 */
export async function resolveGameDay(day: GameDay, options: ResolveOptions): Promise<GameDay> {
  const issues: SpecIssue[] = [];
  const steps: GameDayStep[] = [];
  for (const step of day.spec.steps) {
    if (step.kind !== 'experiment' || step.experiment || !('file' in step.source)) {
      steps.push(step);
      continue;
    }
    const path = step.source.file;
    let text: string;
    try {
      text = await options.readText(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      issues.push({
        path: `spec.steps[${step.index}].experiment.file`,
        message: code === 'ENOENT'
          ? (options.missing?.(path) ?? `experiment file not found: ${path} (paths are relative to the game day file)`)
          : `cannot read ${path}: ${(err as Error).message}`,
        ...(options.file !== undefined ? { file: options.file } : {}),
      });
      continue;
    }
    try {
      const experiment: Experiment = parseExperiment(text, { file: path, ...(options.registry ? { registry: options.registry } : {}), ...(options.env ? { env: options.env } : {}) });
      steps.push({ ...step, experiment } satisfies ExperimentStep);
    } catch (err) {
      if (err instanceof SpecInvalidError) issues.push(...err.issues.map((i) => ({ ...i, file: i.file ?? path })));
      else if (err instanceof FaultlineError) issues.push({ path: '', message: err.message, file: path });
      else throw err;
    }
  }
  if (issues.length > 0) throw new SpecInvalidError(issues, options.file !== undefined ? { file: options.file } : {});
  return { ...day, spec: { ...day.spec, steps } };
}

/** The experiment of a step, or an error saying the day was not resolved. */
export function experimentOf(step: ExperimentStep): Experiment {
  if (!step.experiment) throw new Error(`step ${step.index + 1} ("${step.title}") names ${'file' in step.source ? step.source.file : 'an experiment'} but the day was not resolved; call resolveGameDay first`);
  return step.experiment;
}
