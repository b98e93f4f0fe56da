import { describe, expect, it } from 'vitest';
import { cgroupNamesContainer } from './locate/netns-handle.js';
import { partitionRules, lossRules } from './scope/partition-rules.js';
import { bandwidthCommands, netemCommands, parseDevices, parseRootQdiscs } from './tc/qdiscs.js';
import { parseTaggedRules } from './iptables/tagged-rules.js';
import { checkBandwidthParams, checkLatencyParams, checkPartitionParams, parseHostPort } from './scope/params.js';
import { redirectRules } from './latency/latency-proxy.js';

const TAG = 'faultline-rabcdefghijkl-cut';
const ID = 'c012a0ec544733e8d4231fa11ac1558bbee42d35976d818a543af504087ddb6e';

describe('locating a container by cgroup', () => {
  it('matches docker (v1), containerd and CRI-O (v2) cgroup paths by full id or 12-char prefix', () => {
    expect(cgroupNamesContainer(`9:name=systemd:/docker/${ID}\n8:pids:/docker/${ID}\n`, ID)).toBe(true);
    expect(cgroupNamesContainer(`0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-${ID}.scope\n`, ID.slice(0, 12))).toBe(true);
    expect(cgroupNamesContainer(`0::/kubepods/besteffort/pod1/crio-${ID}.scope\n`, ID)).toBe(true);
    expect(cgroupNamesContainer(`0::/user.slice/session-1.scope\n`, ID)).toBe(false);
    expect(cgroupNamesContainer(`0::/docker/${'d'.repeat(64)}\n`, ID)).toBe(false);
  });
});

describe('partition and loss rules', () => {
  it('one rule per direction and destination, loopback excluded, ports in one multiport match', () => {
    expect(partitionRules({ destinations: ['10.0.0.5', '10.1.0.0/16'], ports: [80, 443], direction: 'egress', action: 'reject' }, TAG)).toEqual([
      { table: 'filter', chain: 'OUTPUT', args: ['!', '-o', 'lo', '-p', 'tcp', '-d', '10.0.0.5', '-m', 'multiport', '--dports', '80,443', '-m', 'comment', '--comment', TAG, '-j', 'REJECT', '--reject-with', 'tcp-reset'] },
      { table: 'filter', chain: 'OUTPUT', args: ['!', '-o', 'lo', '-p', 'tcp', '-d', '10.1.0.0/16', '-m', 'multiport', '--dports', '80,443', '-m', 'comment', '--comment', TAG, '-j', 'REJECT', '--reject-with', 'tcp-reset'] },
    ]);
    const both = partitionRules({}, TAG);
    expect(both.map((r) => r.chain)).toEqual(['OUTPUT', 'INPUT']);
    expect(both[1]?.args).toEqual(['!', '-i', 'lo', '-m', 'comment', '--comment', TAG, '-j', 'DROP']);
    expect(lossRules({ probability: 0.3, direction: 'ingress', destinations: ['10.0.0.5'] }, TAG)[0]?.args).toEqual(
      ['!', '-i', 'lo', '-s', '10.0.0.5', '-m', 'statistic', '--mode', 'random', '--probability', '0.3', '-m', 'comment', '--comment', TAG, '-j', 'DROP'],
    );
  });

  it('redirect rules exclude the proxy group by owner match', () => {
    expect(redirectRules([{ upstream: '10.0.0.5:80', port: 4000 }], TAG)[0]).toEqual({
      table: 'nat', chain: 'OUTPUT',
      args: ['-p', 'tcp', '-d', '10.0.0.5/32', '--dport', '80', '-m', 'owner', '!', '--gid-owner', '64017', '-m', 'comment', '--comment', TAG, '-j', 'REDIRECT', '--to-ports', '4000'],
    });
  });
});

describe('tc commands and parsing', () => {
  it('tbf for all traffic; htb with an unshaped default and u32 filters when scoped', () => {
    expect(bandwidthCommands('eth0', { rate: '1MiB/s' })).toEqual([['qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', 'fa11:', 'tbf', 'rate', '8388608bit', 'burst', '104858', 'latency', '400ms']]);
    const htb = bandwidthCommands('eth0', { rate: '128KB/s', destinations: ['10.0.0.5'], ports: [80] });
    expect(htb[0]).toEqual(['qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', 'fa11:', 'htb', 'default', '0']);
    expect(htb[2]).toEqual(['filter', 'add', 'dev', 'eth0', 'parent', 'fa11:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dst', '10.0.0.5/32', 'match', 'ip', 'dport', '80', '0xffff', 'flowid', 'fa11:1']);
    expect(netemCommands('eth0', 50, 10)).toEqual([['qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', 'fa11:', 'netem', 'delay', '50ms', '10ms', 'distribution', 'uniform']]);
    expect(netemCommands('eth0', 50, 0, ['10.0.0.5:80'])[2]).toEqual(['filter', 'add', 'dev', 'eth0', 'parent', 'fa11:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dst', '10.0.0.5/32', 'match', 'ip', 'dport', '80', '0xffff', 'flowid', 'fa11:3']);
  });

  it('parses qdisc, link and iptables-save output', () => {
    expect(parseRootQdiscs('qdisc noqueue 0: dev lo root refcnt 2\nqdisc tbf fa11: dev eth0 root refcnt 2 rate 1Mbit burst 16Kb lat 400ms\nqdisc netem fa12: dev eth0 parent fa11:3 limit 1000')).toEqual([
      { kind: 'noqueue', handle: '0:', dev: 'lo' }, { kind: 'tbf', handle: 'fa11:', dev: 'eth0' },
    ]);
    expect(parseDevices('1: lo: <LOOPBACK,UP> mtu 65536\n12: eth0@if13: <BROADCAST> mtu 1500\n')).toEqual(['eth0']);
    const save = `*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 10.0.0.5/32 -p tcp -m comment --comment ${TAG} -j REDIRECT --to-ports 4000\nCOMMIT\n*filter\n:FAULTLINE-LEDGER - [0:0]\n-A FAULTLINE-LEDGER -o eth0 -m comment --comment "${TAG}" -j RETURN\n-A OUTPUT -m comment --comment "someone else" -j DROP\nCOMMIT\n*mangle\n-A OUTPUT -m comment --comment ${TAG} -j MARK --set-mark 1\nCOMMIT\n`;
    expect(parseTaggedRules(save).map((r) => `${r.table}/${r.chain}/${r.tag}`)).toEqual([`nat/OUTPUT/${TAG}`, `filter/FAULTLINE-LEDGER/${TAG}`]);
  });
});

describe('param checks', () => {
  it('names each problem by path', () => {
    expect(checkPartitionParams({ destinations: ['10.0.0.0/33', '::1'], ports: [80], protocol: 'all' }).map((p) => p.path)).toEqual(['destinations/0', 'destinations/1', 'protocol']);
    expect(checkBandwidthParams({ rate: '10B/s' })[0]?.message).toContain('below the 1 kbit/s');
    expect(checkLatencyParams({ latency: '10ms', jitter: '20ms' })[0]?.path).toBe('jitter');
    expect(checkLatencyParams({ latency: '10ms' }, 'proxy')[0]?.message).toContain('needs named destinations');
    expect(checkLatencyParams({ latency: '10ms', destinations: ['10.0.0.0/8'] }, 'proxy')[0]?.path).toBe('destinations/0');
    expect(parseHostPort('10.0.0.5:80')).toEqual({ host: '10.0.0.5', port: 80 });
    expect(parseHostPort('10.0.0.5:0')).toMatch(/not IPv4:port/);
  });
});
