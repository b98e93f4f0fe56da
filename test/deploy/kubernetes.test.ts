import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { permissions, permissionSubjects, renderRbacYaml, type PermissionSubject } from '@faultline/faults-kubernetes';
import { manifestObjects, type ManifestOptions } from '../../apps/cli/src/manifests/index.js';
import { generatedKustomizeFiles, KUSTOMIZE_NAMESPACE } from '../../apps/cli/src/manifests/kustomize-files.js';
import { findKubectl, grantedTriples, inCI, kustomize, objectKey, parseKubeYaml, validateKubeObject, type KubeDoc } from './kube-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const k8sDir = join(root, 'deploy', 'kubernetes');

const tableTriples = (subjects: readonly PermissionSubject[]) =>
  [...new Set(subjects.flatMap((s) => permissions[s].flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroup}|${res}|${v}`))))) ].sort();

const byKey = (docs: readonly KubeDoc[]) => Object.fromEntries(docs.map((d) => [objectKey(d), d]));
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as KubeDoc[];

describe('generated kustomize files', () => {
  for (const [path, content] of Object.entries(generatedKustomizeFiles())) {
    it(`deploy/kubernetes/${path} is up to date`, () => {
      expect(readFileSync(join(k8sDir, path), 'utf8'), 'regenerate: npx tsx --conditions=@faultline/source deploy/kubernetes/generate.ts').toBe(content);
    });
  }

  for (const subject of permissionSubjects) {
    it(`components/rbac for ${subject} grants exactly the provider table's (group, resource, verb) triples`, () => {
      const dir = subject.replace(/^kubernetes\./, '');
      const docs = parseKubeYaml(readFileSync(join(k8sDir, 'components', 'rbac', dir, 'rbac.yaml'), 'utf8'), dir);
      expect(grantedTriples(docs)).toEqual(tableTriples([subject]));
      // ...and the same rules as the provider's own rendering in deploy/kubernetes/rbac.
      expect(grantedTriples(parseKubeYaml(renderRbacYaml(subject), subject))).toEqual(grantedTriples(docs));
      for (const d of docs.filter((x) => x.kind === 'RoleBinding' || x.kind === 'ClusterRoleBinding')) {
        expect(d.subjects).toEqual([{ kind: 'ServiceAccount', name: 'faultline', namespace: KUSTOMIZE_NAMESPACE }]);
      }
    });
  }
});

const kubectl = findKubectl();
if (!kubectl) {
  const msg = 'kubectl is not installed: `kubectl kustomize` rendering of deploy/kubernetes is NOT tested (install kubectl)';
  console.warn(`\n*** SKIPPED: ${msg} ***\n`);
  if (inCI) it('kubectl is available in CI', () => { throw new Error(msg); });
}

const overlays: Record<string, ManifestOptions> = {
  base: { faults: [], namespace: KUSTOMIZE_NAMESPACE, store: 'sqlite' },
  'overlays/single': { faults: ['all'], namespace: KUSTOMIZE_NAMESPACE, store: 'sqlite' },
  'overlays/ha': { faults: ['all'], namespace: KUSTOMIZE_NAMESPACE, store: 'postgres', replicas: 3 },
};

describe.skipIf(!kubectl)('kubectl kustomize deploy/kubernetes', () => {
  for (const [dir, opts] of Object.entries(overlays)) {
    describe(dir, () => {
      const render = () => parseKubeYaml(kustomize(kubectl!, join(k8sDir, dir)), dir);

      it('renders, and every object validates against the Kubernetes schema of its kind', async () => {
        const docs = render();
        expect(docs.length).toBeGreaterThan(5);
        const errors = (await Promise.all(docs.map(validateKubeObject))).flat();
        expect(errors).toEqual([]);
      });

      it(`is the same as \`faultline manifests\` for ${JSON.stringify(opts)}`, () => {
        const rendered = byKey(render());
        const expected = byKey(plain(manifestObjects(opts)));
        expect(Object.keys(rendered).sort()).toEqual(Object.keys(expected).sort());
        for (const key of Object.keys(expected)) expect(rendered[key], key).toEqual(expected[key]);
      });

      it('grants exactly the provider table for the enabled subjects', () => {
        const subjects = opts.faults.length ? permissionSubjects : [];
        expect(grantedTriples(render())).toEqual(tableTriples(subjects));
      });
    });
  }

  it('the controller runs non-root on a read-only root filesystem with probes on /healthz and /readyz', () => {
    for (const dir of Object.keys(overlays)) {
      const dep = render(dir).find((d) => d.kind === 'Deployment') as any;
      const pod = dep.spec.template.spec;
      const c = pod.containers[0];
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path, c.startupProbe.httpGet.path]).toEqual(['/healthz', '/readyz', '/healthz']);
      expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain('/var/lib/faultline');
    }
    function render(dir: string) {
      return parseKubeYaml(kustomize(kubectl!, join(k8sDir, dir)), dir);
    }
  });
});

describe('the schema validator', () => {
  it('rejects unknown fields, missing required fields, wrong types and unknown kinds', async () => {
    const bad = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 3, securityContext: { readOnlyRootFileSystem: true } }] } } },
    } as unknown as KubeDoc;
    const errors = await validateKubeObject(bad);
    expect(errors.join('\n')).toMatch(/required property selector/);
    expect(errors.join('\n')).toMatch(/containers\/0\/image: must be string/);
    expect(errors.join('\n')).toMatch(/readOnlyRootFileSystem: unknown field/);
    expect(await validateKubeObject({ apiVersion: 'v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toEqual([expect.stringMatching(/no schema/)]);
  });
});
