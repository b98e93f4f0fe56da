import { describe, expect, it } from 'vitest';
import { permissions, type PermissionSubject } from '@faultline/faults-kubernetes';
import { kubernetesFaultTypes, renderManifests, sharedSubjects, shortFaultName } from '../../apps/cli/src/manifests/index.js';
import { grantedTriples, parseKubeYaml, validateKubeObject } from './kube-schema.js';

const triples = (subjects: readonly PermissionSubject[]) =>
  [...new Set(subjects.flatMap((s) => permissions[s].flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroup}|${res}|${v}`)))))].sort();

const selections: Array<{ label: string; faults: string[]; subjects: readonly PermissionSubject[] }> = [
  ...kubernetesFaultTypes.map((t) => ({ label: shortFaultName(t), faults: [shortFaultName(t)], subjects: [...sharedSubjects, t] })),
  { label: 'all', faults: ['all'], subjects: [...sharedSubjects, ...kubernetesFaultTypes] },
  { label: 'none', faults: [], subjects: [] },
];

describe('faultline manifests output validates against the Kubernetes schemas', () => {
  for (const sel of selections) {
    for (const store of ['sqlite', 'postgres'] as const) {
      it(`--faults ${sel.label} --store ${store}`, async () => {
        const text = renderManifests({ faults: sel.faults, namespace: 'chaos', store, targetNamespaces: ['shop', 'payments'], allowHosts: ['prometheus.monitoring'], egressCidrs: ['10.20.0.0/16'] });
        const docs = parseKubeYaml(text, sel.label);
        expect((await Promise.all(docs.map(validateKubeObject))).flat()).toEqual([]);
        // RBAC covers exactly the calls the selected fault types (and the shared resolver/probe/sweeper) make.
        expect(grantedTriples(docs)).toEqual(triples(sel.subjects));
        const bindings = docs.filter((d) => d.kind === 'RoleBinding');
        const namespacedSubjects = sel.subjects.filter((s) => permissions[s].some((r) => r.scope === 'namespace'));
        expect(bindings.map((b) => b.metadata.namespace).sort()).toEqual(namespacedSubjects.flatMap(() => ['payments', 'shop']).sort());
        const dep = docs.find((d) => d.kind === 'Deployment') as any;
        expect(dep.spec.template.spec.containers[0].args.includes('--kubernetes')).toBe(sel.subjects.length > 0);
        expect(dep.spec.template.spec.automountServiceAccountToken).toBe(sel.subjects.length > 0);
      });
    }
  }
});
