import { UsageError } from '@faultline/core';

/** Parses a label selector `team=payments,env=staging` into pairs (all must match). */
export function parseLabelSelector(selector: string): Record<string, string> {
  const pairs: Array<[string, string]> = [];
  for (const part of selector.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    if (!key) {
      throw new UsageError(`invalid label selector "${selector}": "${part}" is not key=value`, {
        hint: 'Write labels as key=value pairs separated by commas, e.g. team=payments,env=staging.',
      });
    }
    pairs.push([key, part.slice(eq + 1).trim()]);
  }
  // fromEntries defines own properties: a label named __proto__ or constructor is a label, not a prototype.
  return Object.fromEntries(pairs);
}
