import { SpecInvalidError } from '@faultline/core';
import { FakeBackend, fakeRegistry, scriptedProbe } from '@faultline/testing';
import { describe, expect, it } from 'vitest';
import { fullGameDay } from '../test/examples.js';
import { parseGameDay } from './parse-gameday.js';
import { resolveGameDay } from './resolve-gameday.js';

const registry = fakeRegistry(new FakeBackend(), [scriptedProbe('ok', () => ({ value: 'ok' }))]);

function issuesOf(text: string) {
  try {
    parseGameDay(text, { file: 'day.yaml', registry });
  } catch (err) {
    if (err instanceof SpecInvalidError) return err.issues;
    throw err;
  }
  throw new Error('expected the game day to be invalid');
}

describe('parseGameDay', () => {
  it('normalizes every step kind, metadata and day guards', () => {
    const day = parseGameDay(fullGameDay, { file: 'day.yaml', registry });
    expect(day.metadata).toEqual({
      name: 'storefront-q3', facilitator: 'alice', participants: ['bob', 'carol'],
      hypothesis: 'The storefront survives a slow inventory service.', labels: { team: 'shop' },
    });
    expect(day.spec.guards).toEqual([expect.objectContaining({ name: 'error-budget', kind: 'ok', everyMs: 1000, breachAfter: 1 })]);
    const [announce, fragile, gate, wait, file] = day.spec.steps;
    expect(announce).toMatchObject({ index: 0, kind: 'checklist', items: ['Status page updated', 'On-call informed'] });
    expect(fragile).toMatchObject({ kind: 'experiment', expect: 'aborted', source: { inline: true }, briefing: 'Watch the 504 dashboard.' });
    expect(fragile?.kind === 'experiment' && fragile.experiment?.spec.durationMs).toBe(1000);
    expect(gate).toMatchObject({ kind: 'gate', defaultAnswer: 'go', timeoutMs: 300_000 });
    expect(wait).toMatchObject({ kind: 'wait', durationMs: 30_000 });
    expect(file).toMatchObject({ kind: 'experiment', source: { file: 'resilient.yaml' }, expect: 'completed', seed: 7 });
  });

  it('fills defaults: a gate answers no-go after 15m', () => {
    const day = parseGameDay(fullGameDay.replace('{ question: Was on-call paged? Note when., default: go, timeout: 5m }', '{ question: Paged? }'));
    expect(day.spec.steps[2]).toMatchObject({ defaultAnswer: 'no-go', timeoutMs: 900_000 });
  });

  it('locates unknown keys with a did-you-mean, and wrong gate answers with the allowed values', () => {
    const issues = issuesOf(fullGameDay.replace('    - title: Let it settle\n      wait:', '    - title: Let it settle\n      wiat:').replace('default: go', 'default: yes'));
    const unknown = issues.find((i) => i.path === 'spec.steps[3].wiat');
    expect(unknown).toMatchObject({ file: 'day.yaml', line: 35, column: 7 });
    expect(unknown?.message).toMatch(/did you mean 'wait'/);
    const answer = issues.find((i) => i.path === 'spec.steps[2].gate.default');
    expect(answer?.allowed).toEqual(['go', 'skip', 'no-go']);
    expect(answer?.line).toBe(33);
  });

  it('checks inline experiments with the experiment rules, located inside the game day file', () => {
    const issues = issuesOf(fullGameDay.replace('type: fake.break, target: things', 'type: fake.brake, target: thingz'));
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('spec.steps[1].experiment.inline.spec.faults[0].type');
    expect(paths).toContain('spec.steps[1].experiment.inline.spec.faults[0].target');
    for (const i of issues) expect(i.line).toBe(31);
    expect(issues.find((i) => i.path.endsWith('.type'))?.message).toMatch(/fake\.break/);
  });

  it('checks day guards like experiment guards', () => {
    const issues = issuesOf(fullGameDay.replace('      ok: {}\n', '      okk: {}\n'));
    expect(issues[0]).toMatchObject({ path: 'spec.guards[0].okk', line: 13 });
  });

  it('wants exactly one kind per step and one experiment source', () => {
    const none = issuesOf(fullGameDay.replace('      wait: { duration: 30s }\n', ''));
    expect(none[0]).toMatchObject({ path: 'spec.steps[3]', message: expect.stringMatching(/exactly one of experiment, gate, wait, checklist/) });
    const two = issuesOf(fullGameDay.replace('      wait: { duration: 30s }\n', '      wait: { duration: 30s }\n      gate: { question: q }\n'));
    expect(two[0]?.message).toMatch(/split it into 2 steps/);
    const both = issuesOf(fullGameDay.replace('{ file: resilient.yaml, seed: 7 }', '{ file: a.yaml, inline: {} }'));
    expect(both.some((i) => i.path === 'spec.steps[4].experiment' && /both file and inline/.test(i.message))).toBe(true);
    const zero = issuesOf(fullGameDay.replace('wait: { duration: 30s }', 'wait: { duration: 0s }'));
    expect(zero[0]).toMatchObject({ path: 'spec.steps[3].wait.duration', message: expect.stringMatching(/longer than 0/) });
  });

  it('rejects a wrong kind and several documents', () => {
    expect(issuesOf(fullGameDay.replace('kind: GameDay', 'kind: Gameday'))[0]?.path).toBe('kind');
    expect(issuesOf(`${fullGameDay}---\n${fullGameDay}`)[0]?.message).toMatch(/exactly one document/);
  });
});

describe('resolveGameDay', () => {
  const resilient = `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: resilient }
spec:
  duration: 2s
  targets: { things: { fake: {} } }
  faults: [{ name: slow, type: fake.break, target: things }]
`;
  it('reads file experiments relative to the day and parses them', async () => {
    const day = parseGameDay(fullGameDay, { registry });
    const read: string[] = [];
    const resolved = await resolveGameDay(day, { registry, readText: async (p) => { read.push(p); return resilient; } });
    expect(read).toEqual(['resilient.yaml']);
    const step = resolved.spec.steps[4];
    expect(step?.kind === 'experiment' && step.experiment?.metadata.name).toBe('resilient');
  });

  it('reports a missing file at the step and an invalid file at its own line', async () => {
    const day = parseGameDay(fullGameDay, { registry });
    const missing = await resolveGameDay(day, { file: 'day.yaml', registry, readText: async () => { throw Object.assign(new Error('nope'), { code: 'ENOENT' }); } }).catch((e: SpecInvalidError) => e);
    expect((missing as SpecInvalidError).issues[0]).toMatchObject({ file: 'day.yaml', path: 'spec.steps[4].experiment.file', message: expect.stringMatching(/not found: resilient.yaml/) });
    const bad = await resolveGameDay(day, { registry, readText: async () => resilient.replace('duration: 2s', 'duration: 2') }).catch((e: SpecInvalidError) => e);
    expect((bad as SpecInvalidError).issues[0]).toMatchObject({ file: 'resilient.yaml', path: 'spec.duration', line: 5 });
  });
});
