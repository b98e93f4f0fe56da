import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artefactName, newRunId } from '@faultline/core';
import { Containers, dockerAvailable } from './test-support/docker-cli.js';
import { NetnsFaults } from './netns-faults.js';
import { findContainerNetns, type NetnsHandle } from './locate/netns-handle.js';
import { LEDGER_CHAIN, shq, tagState } from './iptables/tagged-rules.js';

const available = await dockerAvailable();
const ctx = () => ({ signal: new AbortController().signal, timeoutMs: 20_000 });

describe('tagState / shq (pure)', () => {
  const save = [
    '*filter', ':INPUT ACCEPT [0:0]', `:${LEDGER_CHAIN} - [0:0]`,
    '-A OUTPUT -d 10.0.0.1/32 -m comment --comment faultline-rabcdefghijkl-cut -j DROP',
    `-A ${LEDGER_CHAIN} -o eth0 -m comment --comment faultline-rabcdefghijkl-cut -j RETURN`,
    `-A ${LEDGER_CHAIN} -o eth1 -m comment --comment faultline-rzzzzzzzzzzzz-slow -j RETURN`, 'COMMIT', '',
  ].join('\n');
  it('lists the tag\'s rules and drops the ledger chain only when nothing else is in it', () => {
    expect(tagState(save, 'faultline-rabcdefghijkl-cut')).toMatchObject({ dropLedger: false, mine: [{ chain: 'OUTPUT' }, { chain: LEDGER_CHAIN }] });
    expect(tagState(save.replace(/.*rzzzzzzzzzzzz.*\n/, ''), 'faultline-rabcdefghijkl-cut').dropLedger).toBe(true);
    expect(tagState(save, 'faultline-rnothingthere0-x')).toEqual({ mine: [], dropLedger: false });
  });
  it('quotes for sh only what needs it', () => {
    expect(shq('--comment')).toBe('--comment');
    expect(shq('!')).toBe("'!'");
    expect(shq("it's")).toBe("'it'\\''s'");
  });
});

describe.skipIf(!available)('batched apply and revert in a real container namespace', () => {
  const docker = new Containers();
  const batched = new NetnsFaults();
  let ns: NetnsHandle;
  beforeAll(async () => {
    const a = await docker.start('batch');
    ns = findContainerNetns(a.id) as NetnsHandle;
  });
  afterAll(() => docker.cleanup());

  const tagged = async (tag: string) => (await batched.rules.list(ns, ctx())).filter((r) => r.tag === tag);

  it('revert removes everything tagged, including what the apply did not make (state differs), and is idempotent', async () => {
    const tag = artefactName(newRunId(), 'mixed');
    await batched.applyBandwidth(ns, { rate: '1MiB/s' }, tag, ctx());
    await batched.applyPartition(ns, { destinations: ['10.255.0.1', '10.255.0.2'], direction: 'both' }, tag, ctx());
    await batched.applyPartition(ns, { destinations: ['10.255.0.1', '10.255.0.2'], direction: 'both' }, tag, ctx()); // idempotent
    expect((await tagged(tag)).filter((r) => r.chain !== LEDGER_CHAIN)).toHaveLength(4);
    // Someone (an older agent, a crashed apply with other params) left more under the same tag, in another table.
    await batched.exec.run(ns, ['iptables', '-t', 'nat', '-I', 'OUTPUT', '1', '-d', '10.255.0.9/32', '-m', 'comment', '--comment', tag, '-j', 'RETURN'], ctx());
    // And another fault's rule that must survive.
    const other = artefactName(newRunId(), 'other');
    await batched.applyPartition(ns, { destinations: ['10.255.0.3'], direction: 'egress' }, other, ctx());

    const removed = await batched.revert(ns.inode, tag, ctx(), ns);
    expect(removed).toEqual(['1 qdisc(s)', '5 iptables rule(s)']);
    expect(await tagged(tag)).toEqual([]);
    expect((await batched.qdiscs.roots(ns, ctx())).filter((q) => q.handle === 'fa11:')).toEqual([]);
    expect(await batched.exec.run(ns, ['iptables', '-S'], ctx())).not.toContain(LEDGER_CHAIN); // emptied chain dropped
    expect(await tagged(other)).toHaveLength(1);
    expect(await batched.revert(ns.inode, tag, ctx(), ns)).toEqual([]); // again: nothing left, still fine
    await batched.revert(ns.inode, other, ctx(), ns);
    expect(await batched.rules.list(ns, ctx())).toEqual([]);
  });

  it('the per-command mode (batch: false) reverts what the batched mode applied, and the other way round', async () => {
    const perCommand = new NetnsFaults({ batch: false });
    const t1 = artefactName(newRunId(), 'one');
    await batched.applyBandwidth(ns, { rate: '512KB/s', destinations: ['10.255.0.1'], ports: [80] }, t1, ctx());
    await batched.applyLoss(ns, { probability: 0.2, destinations: ['10.255.0.4'] }, t1, ctx());
    expect(await perCommand.revert(ns.inode, t1, ctx(), ns)).toEqual(['1 qdisc(s)', '2 iptables rule(s)']);
    const t2 = artefactName(newRunId(), 'two');
    await perCommand.applyBandwidth(ns, { rate: '512KB/s' }, t2, ctx());
    await perCommand.applyPartition(ns, { destinations: ['10.255.0.5'] }, t2, ctx());
    expect(await batched.revert(ns.inode, t2, ctx(), ns)).toEqual(['1 qdisc(s)', '2 iptables rule(s)']);
    expect(await batched.rules.list(ns, ctx())).toEqual([]);
    expect(await batched.exec.run(ns, ['iptables', '-S'], ctx())).not.toContain(LEDGER_CHAIN);
  });
});
