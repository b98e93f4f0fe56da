import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from './endpoint.js';
import { detectSelfContainerIds, isSelf } from './self-container.js';
import { parseRequiredLabel, TargetSafety } from './safety.js';
import { imageMatches } from './resolver.js';
import { commentOf, splitRule } from './netns-iptables.js';
import { checkPacketLossParams, packetLossRules } from '../packet-loss/packet-loss.js';
import { containerIdOf } from './target-ref.js';
import { UndoRecords } from './undo-record.js';

const ID = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8);

describe('resolveEndpoint', () => {
  it('defaults to the local socket and reads unix:// and tcp:// DOCKER_HOST', () => {
    expect(resolveEndpoint(undefined, {}).description).toBe('unix:///var/run/docker.sock');
    expect(resolveEndpoint(undefined, { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).options).toEqual({ socketPath: '/run/user/1000/docker.sock' });
    expect(resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toEqual({
      options: { host: '10.0.0.5', port: 2375, protocol: 'http' }, description: 'http://10.0.0.5:2375',
    });
    expect(resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1' }).description).toBe('https://10.0.0.5:2376');
    expect(resolveEndpoint({ socketPath: '/x.sock' }, { DOCKER_HOST: 'tcp://ignored:1' }).description).toBe('unix:///x.sock');
  });
  it('says what is wrong with a bad DOCKER_HOST or unreadable TLS files', () => {
    expect(() => resolveEndpoint(undefined, { DOCKER_HOST: 'ssh://me@host' })).toThrow(/uses ssh:/);
    expect(() => resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' }))
      .toThrow(/DOCKER_CERT_PATH=\/nonexistent/);
  });
});

describe('own-container detection and safety', () => {
  it('finds the id in cgroup v1 paths, cgroup v2 mountinfo and a docker hostname', () => {
    const files: Record<string, string> = {
      '/proc/self/cgroup': `12:memory:/docker/${ID}\n`,
      '/proc/self/mountinfo': `1 2 0:1 /var/lib/docker/containers/${ID}/hostname /etc/hostname rw\n`,
    };
    expect(detectSelfContainerIds((p) => files[p], 'vm')).toEqual([ID]);
    expect(detectSelfContainerIds(() => undefined, ID.slice(0, 12))).toEqual([ID.slice(0, 12)]);
    expect(detectSelfContainerIds(() => '0::/\n', 'laptop')).toEqual([]);
    expect(isSelf(ID, [ID.slice(0, 12)])).toBe(true);
    expect(isSelf(ID, ['c'.repeat(64)])).toBe(false);
  });
  it('enforces the opt-in label (key=value or bare key) and never our own container', () => {
    expect(parseRequiredLabel('a=b')).toEqual({ key: 'a', value: 'b' });
    expect(parseRequiredLabel('a')).toEqual({ key: 'a' });
    const s = new TargetSafety({ requireLabel: 'chaos=on', selfIds: [ID] });
    expect(s.refusal({ id: ID, labels: { chaos: 'on' } })).toMatch(/Faultline itself/);
    expect(s.refusal({ id: 'c'.repeat(64), labels: { chaos: 'off' } })).toMatch(/opt-in label chaos=on/);
    expect(s.refusal({ id: 'c'.repeat(64), labels: { chaos: 'on' } })).toBeUndefined();
  });
});

describe('selectors and targets', () => {
  it('matches images with or without a tag', () => {
    expect(imageMatches('nginx:1.27', 'nginx')).toBe(true);
    expect(imageMatches('nginx:1.27', 'nginx:1.27')).toBe(true);
    expect(imageMatches('nginx:1.27', 'nginx:1.26')).toBe(false);
    expect(imageMatches('nginx', 'nginx:latest')).toBe(true);
    expect(imageMatches('registry:5000/team/app:2', 'registry:5000/team/app')).toBe(true);
    expect(imageMatches('nginxx:1', 'nginx')).toBe(false);
  });
  it('reads the container id from ref or id, and rejects other targets', () => {
    expect(containerIdOf({ id: 'x', kind: 'docker', name: 'n', labels: {}, ref: { containerId: ID } })).toBe(ID);
    expect(containerIdOf({ id: `docker:container/${ID}`, kind: 'docker', name: 'n', labels: {}, ref: null })).toBe(ID);
    expect(() => containerIdOf({ id: 'toxiproxy:x', kind: 'toxiproxy', name: 'n', labels: {}, ref: {} })).toThrow(/not a docker container target/);
  });
  it('names undo records after the run, fault and container', () => {
    expect(UndoRecords.volumeName('r0123456789ab', 'slow db', ID)).toBe(`faultline-r0123456789ab-slow_db-${ID.slice(0, 12)}`);
  });
});

describe('packet-loss rules', () => {
  it('builds tagged statistic DROP rules per direction with port and peer filters', () => {
    expect(packetLossRules({ probability: 0.3, port: 80, peer: '10.0.0.0/8' }, 'faultline-r1-x')).toEqual([
      { chain: 'INPUT', rule: ['-p', 'tcp', '-s', '10.0.0.0/8', '-m', 'tcp', '--dport', '80', '-m', 'statistic', '--mode', 'random', '--probability', '0.3', '-m', 'comment', '--comment', 'faultline-r1-x', '-j', 'DROP'] },
      { chain: 'OUTPUT', rule: ['-p', 'tcp', '-d', '10.0.0.0/8', '-m', 'tcp', '--sport', '80', '-m', 'statistic', '--mode', 'random', '--probability', '0.3', '-m', 'comment', '--comment', 'faultline-r1-x', '-j', 'DROP'] },
    ]);
    expect(packetLossRules({ probability: 1, direction: 'egress' }, 'c')).toEqual([
      { chain: 'OUTPUT', rule: ['-m', 'statistic', '--mode', 'random', '--probability', '1', '-m', 'comment', '--comment', 'c', '-j', 'DROP'] },
    ]);
  });
  it('checks port/protocol and peer', () => {
    expect(checkPacketLossParams({ probability: 0.1, port: 53, protocol: 'udp', peer: '192.168.1.7' })).toEqual([]);
    expect(checkPacketLossParams({ probability: 0.1, port: 53, protocol: 'all' })).toEqual([{ path: 'protocol', message: expect.stringContaining('tcp or udp') }]);
    expect(checkPacketLossParams({ probability: 0.1, peer: '10.0.0.0/33' })[0]?.path).toBe('peer');
    expect(checkPacketLossParams({ probability: 0.1, peer: 'db.local' })[0]?.path).toBe('peer');
    expect(checkPacketLossParams({ probability: 0.1, peer: '::1' })[0]?.message).toMatch(/IPv6/);
  });
  it('parses iptables -S lines, quoted comments included', () => {
    const r = splitRule('-A INPUT -p tcp -m comment --comment "faultline-r1-slow db" -j DROP');
    expect(r).toEqual(['-A', 'INPUT', '-p', 'tcp', '-m', 'comment', '--comment', 'faultline-r1-slow db', '-j', 'DROP']);
    expect(commentOf(r.slice(2))).toBe('faultline-r1-slow db');
  });
});
