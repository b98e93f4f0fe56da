import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './index.js';
import { captureIo } from './test-support/capture-io.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const io = () => captureIo(root);

describe('faultline validate on game days', () => {
  it('checks the example day and the experiment files it names', async () => {
    const x = io();
    expect(await main(['validate', 'experiments/gameday/storefront.gameday.yaml'], x)).toBe(0);
    expect(x.out).toContain('game day storefront-slow-inventory: 5 step(s), 2 experiment(s), 1 gate(s), 1 day guard(s)');
  });
});
