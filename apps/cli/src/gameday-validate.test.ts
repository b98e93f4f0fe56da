import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from './index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function io(): CliIo & { out: string; err: string } {
  const x = {
    out: '', err: '',
    stdout: { write: (s: string) => { x.out += s; return true; } },
    stderr: { write: (s: string) => { x.err += s; return true; } },
    env: { NO_COLOR: '1' } as NodeJS.ProcessEnv,
    cwd: root,
    onSignal: () => () => undefined,
  };
  return x;
}

describe('faultline validate on game days', () => {
  it('checks the example day and the experiment files it names', async () => {
    const x = io();
    expect(await main(['validate', 'experiments/gameday/storefront.gameday.yaml'], x)).toBe(0);
    expect(x.out).toContain('game day storefront-slow-inventory: 5 step(s), 2 experiment(s), 1 gate(s), 1 day guard(s)');
  });
});
