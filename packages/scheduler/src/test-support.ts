import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSchedule } from './spec/parse-schedule.js';
import type { Schedule } from './spec/schedule.js';

/** Absolute path of a file in packages/scheduler/test-fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url));
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** Builds a schedule from a spec fragment in YAML (indented two spaces under `spec:`). */
export function scheduleFrom(specYaml: string, name = 'nightly-chaos'): Schedule {
  const body = specYaml
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return parseSchedule(`apiVersion: faultline.dev/v1\nkind: Schedule\nmetadata:\n  name: ${name}\nspec:\n  experiment: checkout-latency\n${body}\n`);
}
