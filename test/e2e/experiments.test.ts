import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRegistry, silentLogger, type Registry, type Target, type TargetResolver } from '@faultline/core';
import { Engine } from '@faultline/engine';
import { dockerPlugin } from '@faultline/faults-docker';
import { httpPlugin } from '@faultline/faults-http';
import { kubernetesPlugin } from '@faultline/faults-kubernetes';
import { toxiproxyPlugin } from '@faultline/faults-toxiproxy';
import { probesPlugin } from '@faultline/probes';
import { parseSchedule } from '@faultline/scheduler';
import { parseExperiment, renderExperimentJsonSchema } from '@faultline/spec';
import { MemoryJournal } from '@faultline/testing';

// Every file in experiments/ must parse, and every experiment must plan (targets resolved by fake
// resolvers with the real selector schemas; real fault and probe schemas) within its own limits.
const dir = fileURLToPath(new URL('../../experiments/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.json'));
const real = () => [toxiproxyPlugin(), kubernetesPlugin(), dockerPlugin({}), probesPlugin(), httpPlugin()];

/** Four opted-in candidates per target, in the namespace the selector names. */
function fakeResolver(r: TargetResolver<any>): TargetResolver<any> {
  return {
    kind: r.kind,
    selectorSchema: r.selectorSchema,
    async resolve(selector: Record<string, unknown>): Promise<Target[]> {
      const namespace = typeof selector.namespace === 'string' ? selector.namespace : undefined;
      return Array.from({ length: selector.name || selector.proxy ? 1 : 4 }, (_, i) => ({
        id: `${r.kind}:fake/${namespace ?? '-'}/${i}`, kind: r.kind, name: `${r.kind}-${i}`, ...(namespace ? { namespace } : {}),
        labels: { 'faultline.dev/enabled': 'true', 'namespace:faultline.dev/enabled': 'true' }, ref: {},
      }));
    },
  };
}

function fakeBackendsRegistry(): Registry {
  const plugins = real();
  return createRegistry(plugins.map((p) => ({ ...p, resolvers: (p.resolvers ?? []).map(fakeResolver), sweepers: [] })));
}

describe('experiments/', () => {
  it('has realistic examples for every provider', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s parses and plans within its limits', async (file) => {
    const text = readFileSync(dir + file, 'utf8');
    if (/^kind:\s*Schedule\s*$/m.test(text)) {
      const schedule = parseSchedule(text, { file });
      expect(files.some((f) => readFileSync(dir + f, 'utf8').includes(`name: ${schedule.spec.experiment}`))).toBe(true);
      return;
    }
    const registry = fakeBackendsRegistry();
    const experiment = parseExperiment(text, { file, registry, env: {} });
    const plan = await new Engine({ registry, journal: new MemoryJournal(), log: silentLogger }).plan(experiment, { seed: 1 });
    expect(plan.faults.length).toBe(experiment.spec.faults.length);
    expect(plan.limits.filter((l) => !l.ok)).toEqual([]);
  });

  it('the published editor schema is up to date with every provider', () => {
    const committed = readFileSync(dir + 'schema/experiment.schema.json', 'utf8');
    expect(committed, 'regenerate: npx tsx --conditions=@faultline/source experiments/schema/generate.ts').toBe(renderExperimentJsonSchema(createRegistry(real())));
  });
});
