import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  abortedJournal, completedJournal, deviatedJournal, failedBeforeJournal, hostileJournal, ineffectiveJournal, longJournal, revertPendingJournal, vetoedJournal,
} from './fixtures/journals.js';
import { buildRunReport, RunReportSchema } from './index.js';

// The published schema is checked as plain JSON, the way editors and other tools will consume it.
const published = JSON.parse(JSON.stringify(RunReportSchema)) as object;
const ajv = new Ajv({ strict: true, allErrors: true });
// ajv-formats is CommonJS with a `default` export; NodeNext sees the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
addFormats(ajv);
const validate = ajv.compile(published);

const fixtures = { completed: completedJournal, deviated: deviatedJournal, aborted: abortedJournal, 'revert-pending': revertPendingJournal, vetoed: vetoedJournal, 'failed-before': failedBeforeJournal, hostile: hostileJournal, long: longJournal, ineffective: ineffectiveJournal };

describe('RunReport JSON Schema', () => {
  it.each(Object.entries(fixtures))('validates the %s report', (_, journal) => {
    const ok = validate(JSON.parse(JSON.stringify(buildRunReport(journal()))));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('validates the report of every prefix of a journal (runs seen mid-flight)', () => {
    for (const journal of [abortedJournal(), revertPendingJournal()]) {
      for (let n = 1; n <= journal.length; n++) {
        if (!validate(buildRunReport(journal.slice(0, n)))) throw new Error(`prefix ${n}: ${ajv.errorsText(validate.errors)}`);
      }
    }
  });

  it('rejects reports that break the contract', () => {
    const good = buildRunReport(abortedJournal());
    const { runId: _drop, ...noRunId } = good;
    expect(validate(noRunId)).toBe(false);
    expect(validate({ ...good, surprise: true })).toBe(false);
    expect(validate({ ...good, outcome: 'exploded' })).toBe(false);
    expect(validate({ ...good, timings: { ...good.timings, timeToRevertMs: -1 } })).toBe(false);
    expect(validate({ ...good, timings: { ...good.timings, breachAt: 'yesterday' } })).toBe(false);
  });

  it('is published as schema/run-report.schema.json (regenerate with `npx vitest run packages/report -u`)', async () => {
    await expect(`${JSON.stringify(published, null, 2)}\n`).toMatchFileSnapshot('../schema/run-report.schema.json');
  });
});
