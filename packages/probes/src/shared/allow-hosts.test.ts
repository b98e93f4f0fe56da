import { describe, expect, it } from 'vitest';
import { isHostAllowed } from './allow-hosts.js';

describe('isHostAllowed', () => {
  it.each([
    ['anything.example', undefined, true],
    ['127.0.0.1', ['127.0.0.1'], true],
    ['PROM.Monitoring.svc', ['prom.monitoring.svc'], true],
    ['prom.monitoring.svc.', ['prom.monitoring.svc'], true],
    ['[::1]', ['::1'], true],
    ['a.b.example.com', ['*.example.com'], true],
    ['example.com', ['*.example.com'], false],
    ['badexample.com', ['*.example.com'], false],
    ['10.0.0.1', ['*'], true],
    ['10.0.0.1', [], false],
    ['127.0.0.2', ['127.0.0.1', 'localhost'], false],
  ] as const)('%s with %j -> %s', (host, allow, expected) => {
    expect(isHostAllowed(host, allow as readonly string[] | undefined)).toBe(expected);
  });
});
