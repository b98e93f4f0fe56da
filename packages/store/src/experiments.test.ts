import { NotFoundError } from '@faultline/core';
import { expect, it } from 'vitest';
import { describeEachBackend } from './testing/backends.js';

const yaml = (n: number) => `apiVersion: faultline.dev/v1\nkind: Experiment\nmetadata: { name: checkout }\n# v${n}\n`;

describeEachBackend('experiments', ({ fresh }) => {
  it('stores each PUT as the next version and reads latest or a given version', async () => {
    const store = await (await fresh()).open();
    for (let n = 1; n <= 3; n++) {
      const rec = await store.putExperiment({ name: 'checkout', body: yaml(n), parsed: { n }, createdBy: 'alice' });
      expect(rec).toMatchObject({ name: 'checkout', version: n, body: yaml(n), parsed: { n }, createdBy: 'alice' });
    }
    await store.putExperiment({ name: 'search', body: '{}', parsed: {} });
    expect(await store.getExperiment('checkout')).toMatchObject({ version: 3, parsed: { n: 3 } });
    expect(await store.getExperiment('checkout', { version: 2 })).toMatchObject({ version: 2, body: yaml(2) });
    expect(await store.getExperiment('checkout', { version: 9 })).toBeUndefined();
    expect(await store.getExperiment('nope')).toBeUndefined();
    expect((await store.listExperiments()).map((e) => [e.name, e.version])).toEqual([['checkout', 3], ['search', 1]]);
    expect((await store.listExperimentVersions('checkout')).map((e) => e.version)).toEqual([1, 2, 3]);
  });

  it('soft-deletes: hidden from reads, kept for history, re-created as the next version', async () => {
    const store = await (await fresh()).open();
    await store.putExperiment({ name: 'checkout', body: yaml(1), parsed: { n: 1 } });
    await store.putExperiment({ name: 'checkout', body: yaml(2), parsed: { n: 2 } });
    await store.deleteExperiment('checkout', { by: 'bob' });
    expect(await store.getExperiment('checkout')).toBeUndefined();
    expect(await store.getExperiment('checkout', { version: 1 })).toBeUndefined();
    expect(await store.getExperiment('checkout', { version: 1, includeDeleted: true })).toMatchObject({ version: 1, body: yaml(1) });
    expect(await store.listExperiments()).toEqual([]);
    await expect(store.deleteExperiment('checkout')).rejects.toBeInstanceOf(NotFoundError);
    const again = await store.putExperiment({ name: 'checkout', body: yaml(3), parsed: { n: 3 } });
    expect(again.version).toBe(3);
    expect(await store.getExperiment('checkout')).toMatchObject({ version: 3 });
    expect((await store.listExperimentVersions('checkout')).map((e) => [e.version, e.deletedAt !== undefined])).toEqual([[1, true], [2, true], [3, false]]);
  });

  it('gives concurrent PUTs distinct consecutive versions (two store instances)', async () => {
    const db = await fresh();
    const [a, b] = await Promise.all([db.open(), db.open()]);
    const recs = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a! : b!).putExperiment({ name: 'race', body: `# ${i}`, parsed: { i } })));
    expect(recs.map((r) => r.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
