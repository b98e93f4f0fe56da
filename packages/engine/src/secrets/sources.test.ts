import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactSecrets, resolveSecretValues, secretRefsIn, type Json } from '@faultline/core';
import { defaultSecretResolver } from './sources.js';
import { scrubbingLogger } from './scrubbing-logger.js';

describe('secret sources', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'fl-secrets-')); });
  afterAll(async () => rm(dir, { recursive: true, force: true }));
  const signal = new AbortController().signal;

  it('resolves env and file references inside parameters, reading the file again on every use', async () => {
    const file = path.join(dir, 'token');
    await writeFile(file, 'from-file-value\n');
    const resolver = defaultSecretResolver([], { HOOK_TOKEN: 'from-env-value' });
    const params: Json = { headers: { authorization: { secretRef: { env: 'HOOK_TOKEN' } }, 'x-key': { secretRef: { file } } }, body: 'plain' };
    expect(await resolveSecretValues(params, resolver, signal)).toEqual({ headers: { authorization: 'from-env-value', 'x-key': 'from-file-value' }, body: 'plain' });
    await writeFile(file, 'rotated-value');
    expect(await resolveSecretValues({ secretRef: { file } }, resolver, signal)).toBe('rotated-value');
    expect(secretRefsIn(params)).toEqual([{ env: 'HOOK_TOKEN' }, { file }]);
  });

  it('names the missing reference, never a value', async () => {
    const resolver = defaultSecretResolver([], {});
    await expect(resolver.resolve({ env: 'UNLEASH_TOKEN' }, signal)).rejects.toThrow('secret reference (env UNLEASH_TOKEN) cannot be resolved: environment variable UNLEASH_TOKEN is not set in this process');
    await expect(resolver.resolve({ file: path.join(dir, 'missing') }, signal)).rejects.toThrow(/secret reference \(file .*missing\) cannot be resolved: file .*missing does not exist/);
    await expect(resolver.resolve({ kubernetes: { name: 's', key: 'k' } }, signal)).rejects.toThrow(/no kubernetes secret source is configured/);
  });

  it('redaction keeps references (recover needs them) and the logger scrubs values it handed out', async () => {
    expect(redactSecrets({ token: { secretRef: { env: 'T' } }, password: 'x' })).toEqual({ token: { secretRef: { env: 'T' } }, password: '[redacted]' });
    const resolver = defaultSecretResolver([], { T: 'value-of-t' });
    await resolver.resolve({ env: 'T' }, signal);
    const lines: unknown[] = [];
    const log = scrubbingLogger({ debug() {}, info: (f, m) => lines.push([f, m]), warn() {}, error() {} }, resolver);
    log.info({ err: new Error('server said value-of-t'), nested: { a: ['x value-of-t'] } }, 'got value-of-t');
    expect(JSON.stringify(lines)).not.toContain('value-of-t');
    expect(lines).toEqual([[{ err: 'server said [redacted]', nested: { a: ['x [redacted]'] } }, 'got [redacted]']]);
  });
});
