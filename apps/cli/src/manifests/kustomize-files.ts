import { permissionSubjects } from '@faultline/faults-kubernetes/permissions';
import { manifestObjects } from './render.js';
import { rbacForSubject } from './rbac.js';
import { names } from './kube-object.js';
import { shortFaultName } from './fault-selection.js';
import { toYaml, toYamlStream } from './to-yaml.js';

/** The namespace the static kustomize tree installs into (change it with `faultline manifests --namespace`). */
export const KUSTOMIZE_NAMESPACE = 'faultline';

const GENERATED = [
  '# Generated from apps/cli/src/manifests (the same code as `faultline manifests`); do not edit by hand.',
  '# Regenerate: npx tsx --conditions=@faultline/source deploy/kubernetes/generate.ts',
].join('\n');

const fileOf: Record<string, string> = {
  Namespace: 'namespace.yaml', ServiceAccount: 'serviceaccount.yaml', PersistentVolumeClaim: 'pvc.yaml', Service: 'service.yaml',
  Deployment: 'deployment.yaml', PodDisruptionBudget: 'pdb.yaml', NetworkPolicy: 'networkpolicy.yaml',
};

/**
 * The generated part of deploy/kubernetes, keyed by path relative to that folder: the base (a single
 * SQLite-backed controller without Kubernetes access) and one kustomize Component per permission subject
 * with exactly the rules of the provider's table. Overlays and the `kubernetes` component are hand-written
 * patches; a test renders them with kubectl and compares them with `manifestObjects`.
 */
export function generatedKustomizeFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const base = manifestObjects({ faults: [], namespace: KUSTOMIZE_NAMESPACE, store: 'sqlite' });
  const resources: string[] = [];
  for (const obj of base) {
    const file = fileOf[obj.kind];
    if (!file) throw new Error(`no base file name for kind ${obj.kind}; add it to fileOf in kustomize-files.ts`);
    files[`base/${file}`] = `${GENERATED}\n${toYaml(obj)}`;
    resources.push(file);
  }
  files['base/kustomization.yaml'] = `${GENERATED}\n${toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources })}`;
  for (const subject of permissionSubjects) {
    const dir = `components/rbac/${shortFaultName(subject)}`;
    const objects = rbacForSubject(subject, { namespace: KUSTOMIZE_NAMESPACE, serviceAccount: names.serviceAccount, targetNamespaces: [KUSTOMIZE_NAMESPACE] });
    files[`${dir}/rbac.yaml`] = `${GENERATED}\n# RBAC for ${subject}. Bound in namespace ${KUSTOMIZE_NAMESPACE}; bind the ClusterRole in each namespace experiments may touch.\n${toYamlStream(objects)}`;
    files[`${dir}/kustomization.yaml`] = `${GENERATED}\n${toYaml({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: ['rbac.yaml'] })}`;
  }
  return files;
}
