import { judgeEffect, parseDuration, unverifiedEffect, type FaultEffect } from '@faultline/core';
import type { ExecContext, NetnsExec } from '../exec/netns-exec.js';
import type { NetnsHandle } from '../locate/netns-handle.js';
import { parseHostPort, type BandwidthParams, type LatencyParams, type LossParams, type PartitionParams } from '../scope/params.js';
import { probeInNetns } from './in-netns.js';

/**
 * Effect checks: measured from inside the namespace (as the target sees the network) against the
 * first destination the fault names, while the fault is active. Each is bounded (a fixed number of
 * probes with per-probe timeouts) and read-only. They are lower bounds by design: they catch a fault
 * that does (almost) nothing, e.g. netem made a no-op by an eBPF CNI, or a rule something else bypasses;
 * a measured value above the ask is never questioned (the path's own RTT or loss adds to it).
 */

/** The request a latency check sends: HTTP servers answer it, echo servers echo it, most others close. */
const LATENCY_PAYLOAD = 'HEAD / HTTP/1.0\r\n\r\n';
const LATENCY_SAMPLES = 9;

type RequestSample = { ok: boolean; connectMs?: number; exchangeMs?: number; err?: string };
type ConnectSample = { ok: boolean; ms: number; err?: string };

/** A single IPv4 address out of "a.b.c.d", "a.b.c.d/32" or "a.b.c.d:port"; undefined for wider CIDRs. */
function singleHost(dest: string): { host: string; port?: number } | undefined {
  const hp = parseHostPort(dest);
  if (typeof hp !== 'string') return hp;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/32)?$/.exec(dest);
  return m ? { host: m[1] as string } : undefined;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Latency: the p50 over a few round trips to the first destination. A round trip is the larger of
 * the TCP connect time (netem delays the SYN) and the time from sending a request to the first byte
 * back (both mechanisms delay what the target sends; the proxy does not delay connect set-up).
 * Ineffective below half the asked latency.
 */
export async function latencyEffect(exec: NetnsExec, ns: NetnsHandle, p: LatencyParams, mechanism: 'netem' | 'proxy', ctx: ExecContext): Promise<FaultEffect> {
  const dest = p.destinations?.[0];
  if (!dest) return unverifiedEffect('no destination named, so there is nothing to time a round trip against');
  const to = singleHost(dest);
  if (!to) return unverifiedEffect(`destination ${dest} is a network, not one host to time a round trip against`);
  const askedMs = parseDuration(p.latency);
  const port = to.port ?? 80;
  const perProbeMs = Math.min(Math.max(1_000, askedMs * 4), Math.floor(ctx.timeoutMs / (LATENCY_SAMPLES + 1)));
  const { samples } = await probeInNetns<{ samples: RequestSample[] }>(exec, ns, {
    kind: 'request-rtt', host: to.host, port, count: LATENCY_SAMPLES, timeoutMs: perProbeMs, payload: LATENCY_PAYLOAD,
  }, ctx);
  const rtts: number[] = [];
  for (const s of samples) {
    if (s.ok && s.exchangeMs !== undefined) rtts.push(Math.max(s.connectMs ?? 0, s.exchangeMs));
    // Without an answer only netem's delayed SYN is timed; the proxy accepts locally at once.
    else if (mechanism === 'netem' && s.connectMs !== undefined) rtts.push(s.connectMs);
  }
  const target = `${to.host}:${port}`;
  if (rtts.length === 0) {
    const why = samples.map((s) => s.err).filter(Boolean)[0] ?? 'no answer';
    return { ...unverifiedEffect(`${target} gave no round trip to time (${why}); name a destination that answers a request`), destination: target };
  }
  const p50 = median(rtts);
  const status = judgeEffect(askedMs, p50);
  return {
    status, metric: 'rtt-ms', asked: askedMs, measured: Math.round(p50 * 100) / 100, destination: target, samples: rtts.length,
    detail: `${status}: asked ${askedMs} ms, measured ${fmt(p50)} ms to ${target} (p50 of ${rtts.length} round trips)`,
  };
}

/**
 * Loss: TCP connects to the first destination, to port 9 unless ports are named (a reset from a closed
 * port counts as an answer). A destination that silently drops closed ports reads as full loss: the
 * check can only miss an ineffective fault that way, never invent one. A connect fails when the SYN (egress) or the answer (ingress) is dropped, so the
 * expected failure share is p one way and 1-(1-p)^2 both ways. Probes scale with 1/p (40..200).
 * Ineffective when below half the expected share AND more than two standard deviations below it, so
 * sampling noise alone does not call a working fault ineffective.
 */
export async function lossEffect(exec: NetnsExec, ns: NetnsHandle, p: LossParams, ctx: ExecContext): Promise<FaultEffect> {
  const dest = p.destinations?.[0];
  if (!dest) return unverifiedEffect('no destination named, so there is no peer to count lost connects against');
  const to = singleHost(dest);
  if (!to) return unverifiedEffect(`destination ${dest} is a network, not one host to probe`);
  if (p.protocol === 'udp') return { ...unverifiedEffect('the loss applies to UDP only; the check counts TCP connects'), destination: dest };
  const direction = p.direction ?? 'both';
  const expected = direction === 'both' ? 1 - (1 - p.probability) ** 2 : p.probability;
  const count = Math.min(200, Math.max(40, Math.ceil(20 / expected)));
  // A closed port answers each SYN with a reset at once; a listening server's backlog (half-open
  // connections piling up under load) would add its own failures. 9 (discard) is rarely open.
  const port = p.ports?.[0] ?? 9;
  const concurrency = 8;
  const perProbeMs = Math.min(300, Math.floor(ctx.timeoutMs / (Math.ceil(count / concurrency) + 2)));
  const { samples } = await probeInNetns<{ samples: ConnectSample[] }>(exec, ns, {
    kind: 'connect', host: to.host, port, count, timeoutMs: perProbeMs, refusedIsAnswer: true, concurrency,
  }, ctx);
  const lost = samples.filter((s) => !s.ok).length;
  const measured = lost / samples.length;
  const mean = expected * samples.length;
  const sigma = Math.sqrt(mean * (1 - expected));
  const status = judgeEffect(expected, measured) === 'ineffective' && lost < mean - 2 * sigma ? 'ineffective' : 'effective';
  const target = `${to.host}:${port}`;
  return {
    status, metric: 'loss-ratio', asked: Math.round(expected * 1000) / 1000, measured: Math.round(measured * 1000) / 1000, destination: target, samples: samples.length,
    detail: `${status}: asked loss ${p.probability}${direction === 'both' ? ` each way (${fmt(expected * 100)}% of connects)` : ''}, measured ${fmt(measured * 100)}% of ${samples.length} connects to ${target} failed`,
  };
}

/**
 * Partition: a few TCP connects to the first destination (port: the first named, else 80). With
 * `drop`, any answer (even a reset) means the packets got through; with `reject` our own rule answers
 * with a reset, so only a completed connect counts. Ineffective when any connect got through.
 */
export async function partitionEffect(exec: NetnsExec, ns: NetnsHandle, p: PartitionParams, ctx: ExecContext): Promise<FaultEffect> {
  const dest = p.destinations?.[0];
  if (!dest) return unverifiedEffect('no destination named, so there is no peer to test reachability against');
  const to = singleHost(dest);
  if (!to) return unverifiedEffect(`destination ${dest} is a network, not one host to probe`);
  if (p.protocol === 'udp') return { ...unverifiedEffect('the partition applies to UDP only; the check uses TCP connects'), destination: dest };
  const port = p.ports?.[0] ?? 80;
  const count = 3;
  const perProbeMs = Math.min(1_000, Math.floor(ctx.timeoutMs / (count + 2)));
  const { samples } = await probeInNetns<{ samples: ConnectSample[] }>(exec, ns, {
    kind: 'connect', host: to.host, port, count, timeoutMs: perProbeMs, refusedIsAnswer: (p.action ?? 'drop') === 'drop',
  }, ctx);
  const through = samples.filter((s) => s.ok).length;
  const status = through > 0 ? 'ineffective' : 'effective';
  const target = `${to.host}:${port}`;
  return {
    status, metric: 'reachable-ratio', asked: 0, measured: through / samples.length, destination: target, samples: samples.length,
    detail: `${status}: asked unreachable, ${through} of ${samples.length} connects to ${target} got through`,
  };
}

/** Bandwidth is not measured: a throughput test needs a receiver at the destination that we do not run there. */
export function bandwidthEffect(p: BandwidthParams): FaultEffect {
  return unverifiedEffect(`throughput to ${p.destinations?.[0] ?? 'the network'} needs a receiver at the destination; the limit ${p.rate} was not measured`);
}
