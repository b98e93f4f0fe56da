import { formatDuration } from '@faultline/core';
import type { GameDay, GameDayStep } from '@faultline/gameday';

/** One line per step for plans, progress and summaries: what it is and what it expects. */
export function describeStep(step: GameDayStep): string {
  switch (step.kind) {
    case 'experiment': {
      const name = step.experiment?.metadata.name ?? ('file' in step.source ? step.source.file : 'inline');
      const hold = step.experiment ? `, hold ${formatDuration(step.experiment.spec.durationMs)}` : '';
      return `experiment ${name} (expect ${step.expect}${hold})`;
    }
    case 'gate':
      return `gate: ${step.question} (default ${step.defaultAnswer} after ${formatDuration(step.timeoutMs)})`;
    case 'wait':
      return `wait ${formatDuration(step.durationMs)}`;
    case 'checklist':
      return `checklist: ${step.items.length} item${step.items.length === 1 ? '' : 's'}`;
  }
}

/** A short description of the whole day, for validate. */
export function describeDay(day: GameDay): string {
  const count = (k: GameDayStep['kind']) => day.spec.steps.filter((s) => s.kind === k).length;
  const parts = [`${day.spec.steps.length} step(s)`, `${count('experiment')} experiment(s)`, `${count('gate')} gate(s)`, `${day.spec.guards.length} day guard(s)`];
  return `game day ${day.metadata.name}: ${parts.join(', ')}`;
}
