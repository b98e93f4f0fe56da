import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { testFaultProviderContract } from '@faultline/testing';
import { contractCases } from '../test-support/contract-cases.js';
import { callContext, configMap, deployment, faultContext, startHarness, type RecordedRequest } from '../test-support/stand-in.js';
import { recordPodNetworkRequests } from '../test-support/pod-network-cases.js';
import { isPermitted, permissions, permissionSubjects, rbacFile, renderRbacYaml, type PermissionSubject } from './permissions.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

describe('RBAC manifests', () => {
  for (const subject of permissionSubjects) {
    it(`${rbacFile(subject)} is up to date with the permissions table`, () => {
      const onDisk = readFileSync(join(root, rbacFile(subject)), 'utf8');
      expect(onDisk, 'regenerate: npx tsx packages/faults-kubernetes/scripts/generate-rbac.ts').toBe(renderRbacYaml(subject));
    });
  }

  it('renders valid YAML whose rules are exactly the table', () => {
    const docs = parseAllDocuments(renderRbacYaml('resolver')).map((d) => d.toJS() as { kind: string; rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> });
    expect(docs.map((d) => d.kind)).toEqual(['ClusterRole', 'ClusterRole', 'ClusterRoleBinding']);
    const rules = docs.flatMap((d) => d.rules ?? []);
    const inRenderOrder = [...permissions.resolver.filter((r) => r.scope === 'namespace'), ...permissions.resolver.filter((r) => r.scope === 'cluster')];
    expect(rules).toEqual(inRenderOrder.map((r) => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: [...r.verbs] })));
  });
});

/**
 * Every request the provider makes during the contract suites (and resolver, probe and sweeper use) is
 * recorded by the stand-in with the subject from the User-Agent; each must be allowed by the table.
 */
describe('permissions table covers every request the provider makes', () => {
  const recorded: RecordedRequest[] = [];
  for (const c of Object.values(contractCases(recorded))) testFaultProviderContract(`${c.type} (recorded)`, c.options);

  it('resolver, probe and sweeper requests are recorded too', async () => {
    const h = await startHarness();
    try {
      h.kube.seed([deployment('shop', 'checkout', { replicas: 2 }), configMap('shop', 'flags', { a: '1' })]);
      for (const kind of ['Pod', 'Deployment', 'StatefulSet', 'ConfigMap', 'Secret'] as const) {
        await h.resolve({ kind, namespace: 'shop' });
        await h.resolve({ kind, namespace: 'shop', name: 'x' });
      }
      const probe = h.plugin.probes?.[0];
      await probe?.observe({ namespace: 'shop', selector: 'app=checkout' }, callContext());
      await probe?.observe({ namespace: 'shop', kind: 'Deployment', name: 'checkout' }, callContext());
      await probe?.observe({ namespace: 'shop', kind: 'StatefulSet', name: 'db' }, callContext());
      const [t] = await h.resolve({ kind: 'ConfigMap', namespace: 'shop', name: 'flags' });
      await h.fault('kubernetes.config-flip').inject(t!, { data: { a: '2' }, rolloutRestart: true }, faultContext());
      const orphans = await h.plugin.sweepers![0]!.find([t!], callContext());
      expect(orphans).toHaveLength(1);
      await orphans[0]!.remove(callContext());
    } finally {
      recorded.push(...h.kube.requests);
      await h.close();
    }
  });

  it('pod network fault requests (pod read, agent discovery) are recorded too', async () => {
    await recordPodNetworkRequests(recorded);
  });

  it('every recorded (subject, verb, resource) is in the table', () => {
    const seen = new Set<string>();
    const missing: string[] = [];
    for (const r of recorded) {
      const m = /^faultline\/[^ ]+ \((.+)\)$/.exec(r.userAgent);
      expect(m, `request without a Faultline User-Agent: ${r.method} ${r.path}`).not.toBeNull();
      const subject = m![1] as PermissionSubject;
      const key = `${subject}: ${r.verb} ${r.group ? `${r.resource}.${r.group}` : r.resource}`;
      seen.add(key);
      if (!isPermitted(subject, r.group, r.resource, r.verb)) missing.push(key);
    }
    expect([...new Set(missing)]).toEqual([]);
    // The suites must actually have exercised every fault type and the shared parts.
    for (const s of permissionSubjects) expect([...seen].some((k) => k.startsWith(`${s}:`)), `no requests recorded for ${s}`).toBe(true);
  });
});
