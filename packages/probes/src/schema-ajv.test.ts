import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { probesPlugin } from './plugin.js';

// The spec package validates experiment files with Ajv (strict, unicode regexps): the schemas must compile there too.
describe('probe params schemas under Ajv', () => {
  it('compile in strict mode and validate like TypeBox', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    for (const probe of probesPlugin().probes ?? []) {
      const validate = ajv.compile(probe.paramsSchema);
      expect(typeof validate).toBe('function');
    }
    const http = ajv.compile((probesPlugin().probes ?? [])[0]!.paramsSchema);
    expect(http({ url: 'http://127.0.0.1/x', jsonPath: "$.a['b c'][-1]", timeout: '1s' })).toBe(true);
    expect(http({ url: 'http://127.0.0.1/x', jsonPath: '$..a' })).toBe(false);
  });
});
