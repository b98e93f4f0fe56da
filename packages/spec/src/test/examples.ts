import { SpecInvalidError, type SpecIssue } from '@faultline/core';
import { expect } from 'vitest';

/** The DESIGN.md example, valid against the fake registry. */
export const designExample = `apiVersion: faultline.dev/v1
kind: Experiment
metadata:
  name: checkout-survives-slow-redis
  labels: { team: payments }
spec:
  description: Checkout keeps errors under 1% while Redis answers 300 ms slower.
  duration: 2m
  targets:
    redis:
      toxiproxy: { api: http://127.0.0.1:8474, proxy: redis }
    checkout-pods:
      kubernetes: { kind: Pod, namespace: shop, selector: app=checkout }
      mode: { type: fixed-percent, value: 30 }
  steadyState:
    - name: error-rate
      prometheus: { url: http://127.0.0.1:9090, query: 'sum(rate(errors_total[1m]))/sum(rate(requests_total[1m]))' }
      expect: { below: 0.01 }
  faults:
    - name: slow-redis
      type: toxiproxy.latency
      target: redis
      with: { latency: 300ms, jitter: 50ms, stream: downstream }
    - name: kill-one-checkout
      type: kubernetes.pod-kill
      target: checkout-pods
      after: 30s
  guards:
    - name: checkout-healthy
      http: { url: http://127.0.0.1:8080/health, timeout: 500ms }
      expect: { status: 200, latencyBelow: 1s }
      every: 1s
      breachAfter: 3
  blastRadius:
    maxTargets: 5
    namespaces: [shop]
    requireLabel: faultline.dev/enabled=true
`;

/** The smallest valid experiment. */
export const minimalExample = `apiVersion: faultline.dev/v1
kind: Experiment
metadata:
  name: minimal
spec:
  duration: 30s
  targets:
    redis:
      toxiproxy: { api: http://127.0.0.1:8474, proxy: redis }
  faults:
    - name: redis-down
      type: toxiproxy.down
      target: redis
`;

/** Every optional key set, in JSON. */
export const fullJsonExample = JSON.stringify(
  {
    apiVersion: 'faultline.dev/v1',
    kind: 'Experiment',
    metadata: { name: 'full', labels: { team: 'payments', 'faultline.dev/owner': 'sre' } },
    spec: {
      description: 'everything',
      duration: '5m',
      settle: '10s',
      maxDuration: '10m',
      revert: { timeout: '5s', maxAttempts: 3, initialBackoff: '100ms', maxBackoff: '2s' },
      targets: {
        api: { toxiproxy: { api: 'http://127.0.0.1:8474', proxy: 'api' }, mode: { type: 'one' } },
        pods: { kubernetes: { kind: 'Deployment', namespace: 'shop' }, mode: { type: 'fixed', value: 2 } },
      },
      steadyState: [
        { name: 'home', http: { url: 'http://127.0.0.1:8080/' }, expect: { status: [200, 204], latencyBelow: '250ms' }, timeout: '1s' },
        { name: 'ratio', prometheus: { url: 'http://127.0.0.1:9090', query: 'up' }, expect: { between: [0.5, 1], in: [1, 0.5], equals: 1 } },
        { name: 'version', http: { url: 'http://127.0.0.1:8080/v' }, expect: { matches: '^v\\d+', above: -1 } },
      ],
      faults: [
        { name: 'slow-api', type: 'toxiproxy.latency', target: 'api', with: { latency: '1s' }, after: '1m', for: '2m' },
        { name: 'kill', type: 'kubernetes.pod-kill', target: 'pods', with: {} },
      ],
      guards: [{ name: 'alive', http: { url: 'http://127.0.0.1:8080/health' }, expect: { status: 200 }, every: '500ms' }],
      blastRadius: { maxTargets: 3, maxPercent: 50, namespaces: ['shop', 'cart'], requireLabel: 'chaos=', allowKubeSystem: false },
    },
  },
  null,
  2,
);

/** Runs `fn`, expects a SpecInvalidError, returns its issues. */
export function issuesOf(fn: () => unknown): readonly SpecIssue[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecInvalidError);
    return (err as SpecInvalidError).issues;
  }
  throw new Error('expected a SpecInvalidError, but parsing succeeded');
}

/** Replaces exactly one occurrence (fails loudly when the fixture drifted). */
export function edit(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  if (i < 0 || text.indexOf(from, i + 1) >= 0) throw new Error(`fixture edit: '${from}' must occur exactly once`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

/** Line and column (1-based) where `needle` starts in `text` (it must occur exactly once). */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const i = text.indexOf(needle);
  if (i < 0 || text.indexOf(needle, i + 1) >= 0) throw new Error(`positionOf: '${needle}' must occur exactly once`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}
