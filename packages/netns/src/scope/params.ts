import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { DurationString, RateString, SizeString, parseDuration, parseRate } from '@faultline/core';

/** A problem with params, keyed by param path (FaultProvider.check). */
export type ParamProblem = { path: string; message: string };

const destinations = Type.Array(Type.String({ description: 'IPv4 address or CIDR, e.g. 172.18.0.5 or 10.0.0.0/8' }), {
  minItems: 1, maxItems: 64, description: 'Only traffic to/from these addresses; default: all (loopback is never touched)',
});
const ports = Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), {
  minItems: 1, maxItems: 32, description: 'Only these remote ports (egress) / own ports (ingress); needs protocol tcp or udp',
});
const protocol = Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('all')], {
  description: 'Default tcp when ports are given, otherwise all',
});

export const partitionParams = Type.Object({
  destinations: Type.Optional(destinations),
  ports: Type.Optional(ports),
  protocol: Type.Optional(protocol),
  direction: Type.Optional(Type.Union([Type.Literal('egress'), Type.Literal('ingress'), Type.Literal('both')], {
    description: 'egress: packets the target sends (OUTPUT); ingress: packets it receives (INPUT). Default both.',
  })),
  action: Type.Optional(Type.Union([Type.Literal('drop'), Type.Literal('reject')], {
    description: 'drop (default): packets vanish, callers hang until their timeouts; reject: TCP reset / ICMP unreachable, callers fail fast',
  })),
}, { additionalProperties: false });
export type PartitionParams = Static<typeof partitionParams>;

export const lossParams = Type.Object({
  probability: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Share of matching packets dropped, e.g. 0.3' }),
  destinations: Type.Optional(destinations),
  ports: Type.Optional(ports),
  protocol: Type.Optional(protocol),
  direction: Type.Optional(Type.Union([Type.Literal('egress'), Type.Literal('ingress'), Type.Literal('both')], {
    description: 'egress: packets the target sends; ingress: packets it receives. Default both.',
  })),
}, { additionalProperties: false });
export type LossParams = Static<typeof lossParams>;

export function checkLossParams(p: LossParams): ParamProblem[] {
  return scopeProblems(p);
}

export const bandwidthParams = Type.Object({
  rate: RateString('Egress limit such as 128KB/s or 1MiB/s (tc tbf / htb on every interface of the namespace but lo)'),
  burst: Type.Optional(SizeString('Bucket size; default max(rate/10, 16KB)')),
  destinations: Type.Optional(destinations),
  ports: Type.Optional(ports),
}, { additionalProperties: false });
export type BandwidthParams = Static<typeof bandwidthParams>;

export const latencyParams = Type.Object({
  latency: DurationString('Added to every packet/chunk the target sends to a destination, e.g. 50ms'),
  jitter: Type.Optional(DurationString('Uniform +/- variation, e.g. 10ms; must not exceed latency')),
  destinations: Type.Optional(Type.Array(Type.String({ description: 'IPv4:port (proxy) or IPv4/CIDR (netem), e.g. 172.18.0.5:80' }), {
    minItems: 1, maxItems: 32,
    description: 'Where traffic is delayed. netem: addresses or CIDRs, default all. Proxy (kernels without sch_netem): IPv4:port required.',
  })),
  mechanism: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('netem'), Type.Literal('proxy')], {
    description: 'auto (default): tc netem when the kernel has sch_netem, else a transparent TCP proxy inside the namespace',
  })),
}, { additionalProperties: false });
export type LatencyParams = Static<typeof latencyParams>;

/** "a.b.c.d" or "a.b.c.d/n": a problem message, or undefined when fine. */
export function cidrProblem(text: string): string | undefined {
  const [addr, bits, extra] = text.split('/');
  const family = isIP(addr ?? '');
  if (family === 6) return `"${text}": IPv6 is not supported yet (rules use iptables, not ip6tables)`;
  if (family !== 4 || extra !== undefined || (bits !== undefined && !(/^\d{1,2}$/.test(bits) && Number(bits) <= 32))) {
    return `"${text}" is not an IPv4 address or CIDR`;
  }
  return undefined;
}

/** "a.b.c.d:port" parsed, or a problem message. */
export function parseHostPort(text: string): { host: string; port: number } | string {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  if (!m || isIP(m[1] as string) !== 4 || Number(m[2]) < 1 || Number(m[2]) > 65535) return `"${text}" is not IPv4:port (e.g. 172.18.0.5:80)`;
  return { host: m[1] as string, port: Number(m[2]) };
}

function scopeProblems(p: { destinations?: string[] | undefined; ports?: number[] | undefined; protocol?: string | undefined }): ParamProblem[] {
  const problems: ParamProblem[] = [];
  (p.destinations ?? []).forEach((d, i) => {
    const msg = cidrProblem(d);
    if (msg) problems.push({ path: `destinations/${i}`, message: msg });
  });
  if (p.ports && p.protocol === 'all') problems.push({ path: 'protocol', message: 'a port filter needs protocol tcp or udp' });
  return problems;
}

export function checkPartitionParams(p: PartitionParams): ParamProblem[] {
  return scopeProblems(p);
}

export function checkBandwidthParams(p: BandwidthParams): ParamProblem[] {
  const problems = scopeProblems(p);
  try {
    // tc counts in bits; below 1 kbit/s tbf is meaningless.
    if (parseRate(p.rate) < 125) problems.push({ path: 'rate', message: `${p.rate} is below the 1 kbit/s tc can shape` });
  } catch (err) {
    problems.push({ path: 'rate', message: (err as Error).message });
  }
  return problems;
}

export function checkLatencyParams(p: LatencyParams, mechanism?: 'netem' | 'proxy'): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const latency = durationMs(p.latency);
  const jitter = p.jitter === undefined ? 0 : durationMs(p.jitter);
  if (jitter > latency) problems.push({ path: 'jitter', message: `jitter ${p.jitter} exceeds latency ${p.latency}; delays cannot go below zero` });
  const mech = mechanism ?? (p.mechanism === 'auto' ? undefined : p.mechanism);
  (p.destinations ?? []).forEach((d, i) => {
    const proxyForm = typeof parseHostPort(d) !== 'string';
    if (mech === 'proxy' && !proxyForm) problems.push({ path: `destinations/${i}`, message: `${parseHostPort(d) as string}; the proxy mechanism needs an address and port` });
    if (mech === 'netem' && !proxyForm && cidrProblem(d)) problems.push({ path: `destinations/${i}`, message: cidrProblem(d) as string });
  });
  if (mech === 'proxy' && !p.destinations) {
    problems.push({ path: 'destinations', message: 'the proxy mechanism (used where the kernel has no sch_netem) needs named destinations IPv4:port' });
  }
  return problems;
}

function durationMs(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return NaN;
  }
}
