import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Command } from 'commander';
import { UsageError } from '@faultline/core';
import { manifestObjects, renderManifests } from './render.js';
import { resolveFaultSelection } from './fault-selection.js';
import { addManifestsCommand } from './command.js';
import type { CliIo } from '../io.js';

const kinds = (text: string) => parseAllDocuments(text).map((d) => (d.toJS() as { kind: string }).kind);

describe('resolveFaultSelection', () => {
  it('accepts short and full names, comma lists and all, in the table order, with the shared parts', () => {
    expect(resolveFaultSelection(['config-flip,kubernetes.pod-kill'])).toEqual(['resolver', 'probe', 'sweeper', 'kubernetes.pod-kill', 'kubernetes.config-flip']);
    expect(resolveFaultSelection(['all'])).toHaveLength(12);
    expect(resolveFaultSelection([])).toEqual([]);
  });

  it('names unknown fault types and lists the valid ones', () => {
    expect(() => resolveFaultSelection(['pod-kil'])).toThrow(UsageError);
    try {
      resolveFaultSelection(['pod-kill', 'pod-kil']);
    } catch (err) {
      expect((err as UsageError).message).toContain('"pod-kil"');
      expect((err as UsageError).hint).toContain('network-partition');
    }
  });
});

describe('renderManifests', () => {
  it('renders a single SQLite replica on a claim by default', () => {
    const objs = manifestObjects({ faults: ['pod-kill'], namespace: 'chaos', store: 'sqlite' });
    const dep = objs.find((o) => o.kind === 'Deployment') as any;
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    expect(dep.spec.template.spec.volumes[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'faultline-data' } });
    expect(dep.spec.template.spec.containers[0].env[0]).toEqual({ name: 'FAULTLINE_DATABASE', value: '/var/lib/faultline/faultline.db' });
    expect(objs.every((o) => o.kind.startsWith('Cluster') || o.kind === 'Namespace' || o.metadata.namespace === 'chaos')).toBe(true);
  });

  it('reads the PostgreSQL URL from a Secret and runs three replicas with postgres', () => {
    const objs = manifestObjects({ faults: ['all'], namespace: 'chaos', store: 'postgres' });
    const dep = objs.find((o) => o.kind === 'Deployment') as any;
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.template.spec.containers[0].env[0].valueFrom).toEqual({ secretKeyRef: { name: 'faultline-database', key: 'url' } });
    expect(objs.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    const np = objs.find((o) => o.kind === 'NetworkPolicy') as any;
    expect(np.spec.egress.some((e: any) => e.ports?.[0]?.port === 5432)).toBe(true);
  });

  it('refuses several replicas on the embedded store, bad names and bad CIDRs', () => {
    expect(() => manifestObjects({ faults: [], namespace: 'chaos', store: 'sqlite', replicas: 2 })).toThrow(/needs a shared store/);
    expect(() => manifestObjects({ faults: [], namespace: 'Chaos_NS', store: 'sqlite' })).toThrow(/not a valid Kubernetes namespace/);
    expect(() => manifestObjects({ faults: [], namespace: 'chaos', store: 'sqlite', egressCidrs: ['10.0.0.0'] })).toThrow(/not a CIDR/);
  });

  it('passes allow-listed hosts to the controller and binds roles only in target namespaces', () => {
    const objs = manifestObjects({ faults: ['scale'], namespace: 'chaos', store: 'sqlite', targetNamespaces: ['shop'], allowHosts: ['a.example', 'b.example'] });
    const dep = objs.find((o) => o.kind === 'Deployment') as any;
    expect(dep.spec.template.spec.containers[0].args).toEqual(['server', '--host', '0.0.0.0', '--port', '8080', '--kubernetes', '--allow-host', 'a.example', 'b.example']);
    expect(objs.filter((o) => o.kind === 'RoleBinding').map((o) => o.metadata.namespace)).toEqual(['shop', 'shop', 'shop', 'shop']);
  });

  it('prints multi-document YAML with a header, without YAML anchors', () => {
    const text = renderManifests({ faults: ['pod-kill', 'config-flip'], namespace: 'chaos', store: 'sqlite' });
    expect(text.split('\n')[1]).toBe('# Fault types: pod-kill, config-flip; roles bound in: chaos.');
    expect(text).not.toMatch(/[&*]a\d/);
    expect(kinds(text)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ClusterRole', 'RoleBinding', 'ClusterRole', 'RoleBinding', 'ClusterRole', 'RoleBinding', 'ClusterRole', 'RoleBinding', 'PersistentVolumeClaim', 'Service', 'Deployment', 'PodDisruptionBudget', 'NetworkPolicy']);
  });
});

describe('faultline manifests command', () => {
  async function run(argv: string[]) {
    let out = '';
    let code = -1;
    const io = { stdout: { write: (s: string) => { out += s; } }, stderr: { write: () => undefined }, env: {}, cwd: '.', onSignal: () => () => undefined } as CliIo;
    const program = new Command('faultline').exitOverride();
    addManifestsCommand(program, io, (c) => { code = c; });
    await program.parseAsync(['manifests', ...argv], { from: 'user' });
    return { out, code };
  }

  it('renders the selection given on the command line', async () => {
    const { out, code } = await run(['--faults', 'pod-kill,config-flip', '--namespace', 'chaos', '--store', 'postgres', '--replicas', '5', '--target-namespace', 'shop', 'payments', '--no-namespace-object']);
    expect(code).toBe(0);
    const docs = parseAllDocuments(out).map((d) => d.toJS());
    expect(docs.find((d) => d.kind === 'Deployment').spec.replicas).toBe(5);
    expect(docs.some((d) => d.kind === 'Namespace')).toBe(false);
    expect(docs.filter((d) => d.kind === 'RoleBinding').map((d) => d.metadata.namespace)).toContain('payments');
  });

  it('--faults none gives a controller without Kubernetes access', async () => {
    const { out } = await run(['--faults', 'none']);
    expect(kinds(out)).not.toContain('ClusterRole');
  });
});
