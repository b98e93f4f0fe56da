import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocuments } from '../source/source-document.js';
import { designExample, edit, fullJsonExample, minimalExample } from '../test/examples.js';
import { fakeRegistry } from '../test/fake-registry.js';
import { buildExperimentJsonSchema, EXPERIMENT_SCHEMA_ID, renderExperimentJsonSchema } from './build-json-schema.js';

const addFormats = ((addFormatsModule as unknown as { default?: (a: Ajv) => Ajv }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;

/** Editors validate with their own engine; a fresh, strict-ish Ajv stands in for them. */
function compile(schema: object): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const json = (yamlText: string): unknown => parseDocuments(yamlText)[0]?.value;

describe('buildExperimentJsonSchema', () => {
  let withRegistry: ValidateFunction;
  let structural: ValidateFunction;
  beforeAll(() => {
    withRegistry = compile(buildExperimentJsonSchema(fakeRegistry()));
    structural = compile(buildExperimentJsonSchema());
  });

  it('is a draft-07 schema with an $id editors can reference', () => {
    const schema = buildExperimentJsonSchema();
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['$id']).toBe(EXPERIMENT_SCHEMA_ID);
    expect(JSON.parse(renderExperimentJsonSchema())).toEqual(schema);
  });

  it('accepts every valid example, with and without a registry', () => {
    for (const doc of [json(designExample), json(minimalExample), JSON.parse(fullJsonExample)]) {
      expect(withRegistry(doc), JSON.stringify(withRegistry.errors)).toBe(true);
      expect(structural(doc), JSON.stringify(structural.errors)).toBe(true);
    }
  });

  it('rejects structural mistakes with or without a registry', () => {
    const invalid = [
      edit(designExample, 'duration: 2m', 'duration: 2 minutes'),
      edit(designExample, 'latencyBelow: 1s', 'latencyBelo: 1s'),
      edit(designExample, 'fixed-percent', 'fixed-prcent'),
      edit(designExample, '  faults:\n', '  faultz:\n'),
      edit(designExample, 'kind: Experiment', 'kind: Schedule'),
      edit(designExample, 'breachAfter: 3', 'breachAfter: 0'),
      edit(designExample, 'name: slow-redis', 'name: Slow_Redis'),
      edit(designExample, 'status: 200', 'status: ok'),
    ];
    for (const text of invalid) {
      expect(withRegistry(json(text)), text).toBe(false);
      expect(structural(json(text)), text).toBe(false);
    }
  });

  it('with a registry, validates fault types, each type\'s with:, selectors and probe params', () => {
    const invalid = [
      edit(designExample, 'type: toxiproxy.latency', 'type: toxiproxy.latncy'),
      edit(designExample, 'stream: downstream', 'stream: sideways'),
      edit(designExample, 'latency: 300ms,', 'latncy: 300ms,'),
      edit(designExample, '      with: { latency: 300ms, jitter: 50ms, stream: downstream }\n', ''),
      edit(designExample, 'kind: Pod,', 'kind: Service,'),
      edit(designExample, 'kubernetes: { kind: Pod', 'kubernets: { kind: Pod'),
      edit(designExample, '      mode: { type: fixed-percent, value: 30 }', '      toxiproxy: { api: http://127.0.0.1:8474, proxy: x }'),
      edit(designExample, 'query: \'sum', 'qery: \'sum'),
      edit(designExample, '      http: { url: http://127.0.0.1:8080/health, timeout: 500ms }\n', ''),
    ];
    for (const text of invalid) {
      expect(withRegistry(json(text)), text).toBe(false);
    }
    // Structure-only accepts types and kinds it cannot know.
    expect(structural(json(edit(designExample, 'type: toxiproxy.latency', 'type: custom.fault')))).toBe(true);
  });

  it('describes every property, for editor hovers', () => {
    const undocumented: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const obj = node as Record<string, unknown>;
      if (obj['properties'] && typeof obj['properties'] === 'object') {
        for (const [key, prop] of Object.entries(obj['properties'] as Record<string, unknown>)) {
          const p = prop as Record<string, unknown>;
          // Inside if/then only `with` is overridden; fake provider schemas carry no descriptions.
          if (path.includes('.if') || path.includes('.then')) continue;
          if (typeof p['description'] !== 'string' || p['description'] === '') undocumented.push(`${path}.${key}`);
        }
      }
      for (const [k, v] of Object.entries(obj)) walk(v, `${path}.${k}`);
    };
    walk(buildExperimentJsonSchema(), '#');
    walk(buildExperimentJsonSchema(fakeRegistry()), '#');
    // Only the fake providers' own parameters (written without descriptions) may lack one.
    expect(undocumented.filter((p) => !/\.properties\.(toxiproxy|kubernetes|http|prometheus)\.[^.]+$/.test(p))).toEqual([]);
  });
});
