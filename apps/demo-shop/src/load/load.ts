import { Agent, request } from 'undici';
import { systemClock } from '@faultline/core';

export interface LoadOptions {
  /** Full URL to GET, e.g. http://127.0.0.1:8080/product/kb-001. */
  readonly url: string;
  /** Requests started per second (1..1000). */
  readonly rps: number;
  /** Stops by itself after this long; default 60 s, at most 1 h. */
  readonly durationMs?: number;
  /** Per-request timeout; default 5 s. */
  readonly timeoutMs?: number;
  /** At most this many requests in flight; beyond it ticks are skipped and counted. Default 200. */
  readonly maxInFlight?: number;
  /** Load may only go to loopback hosts unless this is true. */
  readonly allowRemote?: boolean;
}

export interface LoadStats {
  readonly sent: number;
  /** Answers by status code. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** 2xx answers. */
  readonly ok: number;
  /** Non-2xx answers, timeouts and connection errors. */
  readonly failed: number;
  readonly timeouts: number;
  readonly networkErrors: number;
  /** Requests not started because maxInFlight was reached. */
  readonly skipped: number;
  readonly inFlight: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly running: boolean;
}

export interface RunningLoad {
  /** Stops starting requests, waits for those in flight (bounded by timeoutMs), releases sockets. */
  stop(): Promise<LoadStats>;
  stats(): LoadStats;
  /** Resolves with the final stats when the load ends (duration over or stop()). */
  readonly done: Promise<LoadStats>;
}

const TICK_MS = 20;
const MAX_SAMPLES = 10_000;

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * A bounded load generator so the demo's metrics move during a game day: GETs `url` at `rps` on
 * fresh-enough keep-alive connections, stops after `durationMs` or stop(). Never throws per request;
 * failures are counted. Throws RangeError for out-of-range options.
 */
export function startLoad(opts: LoadOptions): RunningLoad {
  const url = new URL(opts.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`load url must be http(s), got ${opts.url}`);
  if (!opts.allowRemote && !isLoopback(url.hostname)) {
    throw new RangeError(`load url ${url.host} is not a loopback address; pass allowRemote: true to send load elsewhere`);
  }
  if (!(opts.rps >= 1 && opts.rps <= 1_000)) throw new RangeError(`rps must be between 1 and 1000, got ${opts.rps}`);
  const durationMs = opts.durationMs ?? 60_000;
  if (!(durationMs > 0 && durationMs <= 3_600_000)) throw new RangeError(`durationMs must be between 1 and 3600000, got ${durationMs}`);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const maxInFlight = opts.maxInFlight ?? 200;

  const agent = new Agent({ connections: maxInFlight, keepAliveTimeout: 4_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const byStatus: Record<string, number> = {};
  const latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  let timeouts = 0;
  let networkErrors = 0;
  let skipped = 0;
  const inFlight = new Set<Promise<void>>();
  let running = true;
  const started = systemClock.monotonic();
  let last = started;
  let credit = 0;

  const one = async () => {
    const t0 = systemClock.monotonic();
    try {
      const res = await request(url, { dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
      await res.body.dump();
      byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 200 && res.statusCode < 300) ok++;
    } catch (err) {
      const { name, code } = err as { name?: string; code?: string };
      if (name === 'TimeoutError' || name === 'AbortError' || /^UND_ERR_.*TIMEOUT$/.test(code ?? '')) timeouts++;
      else networkErrors++;
    } finally {
      const ms = systemClock.monotonic() - t0;
      // Keep a bounded, evenly thinned sample so percentiles stay cheap in long runs.
      if (latencies.length < MAX_SAMPLES) latencies.push(ms);
      else latencies[Math.floor(Math.random() * MAX_SAMPLES)] = ms;
    }
  };

  const stats = (): LoadStats => {
    const sorted = [...latencies].sort((a, b) => a - b);
    const answered = Object.values(byStatus).reduce((a, b) => a + b, 0);
    return {
      sent, byStatus: { ...byStatus }, ok, failed: answered - ok + timeouts + networkErrors, timeouts, networkErrors, skipped,
      inFlight: inFlight.size, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), running,
    };
  };

  let resolveDone!: (s: LoadStats) => void;
  const done = new Promise<LoadStats>((r) => (resolveDone = r));
  let stopping: Promise<LoadStats> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      running = false;
      clearInterval(ticker);
      clearTimeout(ender);
      await Promise.allSettled([...inFlight]);
      await agent.destroy();
      const final = stats();
      resolveDone(final);
      return final;
    })());

  const ticker = setInterval(() => {
    const now = systemClock.monotonic();
    credit = Math.min(credit + ((now - last) / 1000) * opts.rps, opts.rps); // no burst after a stall
    last = now;
    while (credit >= 1 && running) {
      credit -= 1;
      if (inFlight.size >= maxInFlight) {
        skipped++;
        continue;
      }
      sent++;
      const p = one().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }, TICK_MS);
  const ender = setTimeout(() => void stop(), durationMs);

  return { stop, stats, done };
}
