import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { agentManifests } from './daemonset.js';

describe('agent manifests', () => {
  it('least privilege: no API token, no RBAC, capabilities listed and not privileged', () => {
    const [sa, ds] = agentManifests({ namespace: 'faultline', image: 'faultline:dev' }) as Array<Record<string, any>>;
    expect(sa?.['automountServiceAccountToken']).toBe(false);
    const pod = ds?.['spec'].template.spec;
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBeUndefined();
    const sc = pod.containers[0].securityContext;
    expect(sc.privileged).toBe(false);
    expect(sc.capabilities).toEqual({ drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_PTRACE', 'SETGID', 'SETUID', 'SYS_NICE'] });
    expect(agentManifests({ namespace: 'x', image: 'i' }).map((o) => (o as { kind: string }).kind)).not.toContain('ClusterRole');
  });

  it('the committed deploy/kubernetes/agent/agent.yaml is what the code generates', () => {
    const committed = readFileSync(new URL('../../../../deploy/kubernetes/agent/agent.yaml', import.meta.url), 'utf8');
    expect(committed).toContain(JSON.stringify(agentManifests({ namespace: 'faultline', image: 'ghcr.io/faultline/faultline-agent:latest' })[1], null, 2));
  });
});
