import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from './index.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function io(cwd: string): CliIo & { out: string; err: string } {
  const x = {
    out: '', err: '',
    stdout: { write: (s: string) => { x.out += s; return true; } },
    stderr: { write: (s: string) => { x.err += s; return true; } },
    env: { NO_COLOR: '1' } as NodeJS.ProcessEnv,
    cwd,
    onSignal: () => () => undefined,
  };
  return x;
}

// A day without experiments needs no provider: a gate whose default ends the day, then a short wait.
const day = `apiVersion: faultline.dev/v1
kind: GameDay
metadata: { name: local-series }
spec:
  steps:
    - title: Go?
      gate: { question: Go on?, default: no-go }
    - title: Settle
      wait: { duration: 10ms }
`;

describe('gameday rerun, clone and a report across days (local state directory)', () => {
  it('reruns a stopped day from its first unrun step, clones it, and reports the three days side by side', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'faultline-rerun-'));
    dirs.push(cwd);
    writeFileSync(join(cwd, 'day.yaml'), day);
    const first = io(cwd);
    expect(await main(['gameday', 'run', 'day.yaml', '--yes'], first)).toBe(2); // stopped: the gate's default is no-go
    const firstId = /day\s+(d[0-9a-z]{12})/.exec(first.out)?.[1] as string;
    expect(firstId).toBeDefined();

    const rerun = io(cwd);
    expect(await main(['gameday', 'rerun', firstId, '--yes'], rerun)).toBe(0);
    expect(rerun.out).toContain(`rerun of ${firstId} (local-series) from step 2 of 2`);
    const rerunId = /day\s+(d[0-9a-z]{12})/.exec(rerun.out)?.[1] as string;
    expect(rerunId).not.toBe(firstId);

    const clone = io(cwd);
    expect(await main(['gameday', 'clone', firstId, '--yes'], clone)).toBe(2);
    const cloneId = /day\s+(d[0-9a-z]{12})/.exec(clone.out)?.[1] as string;

    const bad = io(cwd);
    expect(await main(['gameday', 'rerun', firstId, '--from-step', '3', '--yes'], bad)).toBe(64); // a usage error
    expect(bad.err).toContain('step 3 does not exist');

    const md = io(cwd);
    expect(await main(['gameday', 'report', firstId, rerunId, cloneId, '--format', 'md'], md)).toBe(0);
    expect(md.out).toContain('# Game days compared: 3 days');
    expect(md.out).toContain(`| \`${rerunId}\` | local-series |`);
    expect(md.out).toContain(`rerun of ${firstId} from step 2`);
    expect(md.out).toMatch(/\| 1 \| Go\? \(gate\) \| done, answered no-go \| skipped \| done, answered no-go \| \*\*no\*\* \|/);
    expect(md.out).toMatch(/\| 2 \| Settle \(wait\) \| not run \| done \| not run \| \*\*no\*\* \|/);
    const one = io(cwd);
    expect(await main(['gameday', 'report', rerunId, '--format', 'json'], one)).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ dayId: rerunId, origin: { kind: 'rerun', dayId: firstId, fromStep: 1 }, outcome: 'passed' });
  });
});
