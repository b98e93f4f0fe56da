import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

/**
 * Test helpers for a real Prometheus started by scripts/prometheus-env.sh. Not part of the
 * package's main entry; import from '@faultline/probes/test-support'.
 *
 * Where it looks: FAULTLINE_PROMETHEUS_URL and FAULTLINE_PROMETHEUS_SD_DIR, else the files the script
 * writes: <dir>/.faultline/ci/prometheus.url and prometheus.sd-dir (FAULTLINE_CI_DIR overrides <dir>/.faultline/ci),
 * searched upwards from the working directory and from this file.
 */
export interface RealPrometheus {
  /** Base URL, e.g. http://127.0.0.1:9090. */
  readonly url: string;
  /** The file_sd directory Prometheus re-reads every second; undefined when only the URL is known. */
  readonly sdDir: string | undefined;
}

const POLL_MS = 250;

function ciDirs(): string[] {
  if (process.env['FAULTLINE_CI_DIR']) return [process.env['FAULTLINE_CI_DIR']];
  const dirs: string[] = [];
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    let dir = resolve(start);
    for (;;) {
      dirs.push(join(dir, '.faultline', 'ci'));
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return dirs;
}

function readTrimmed(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() || undefined : undefined;
}

/** Where the real Prometheus should be, from env or the script's files; undefined when nothing says. */
export function configuredPrometheus(): RealPrometheus | undefined {
  const envUrl = process.env['FAULTLINE_PROMETHEUS_URL'];
  const envSd = process.env['FAULTLINE_PROMETHEUS_SD_DIR'];
  for (const dir of ciDirs()) {
    const url = envUrl ?? readTrimmed(join(dir, 'prometheus.url'));
    if (!url) continue;
    const sdDir = envSd ?? readTrimmed(join(dir, 'prometheus.sd-dir'));
    return { url: url.replace(/\/+$/, ''), sdDir };
  }
  return envUrl ? { url: envUrl.replace(/\/+$/, ''), sdDir: envSd } : undefined;
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

/** The configured Prometheus if it answers /-/ready within 2 s, else undefined (with the reason). */
export async function locateRealPrometheus(): Promise<{ prometheus?: RealPrometheus; why: string }> {
  const p = configuredPrometheus();
  if (!p) return { why: 'no Prometheus configured (no FAULTLINE_PROMETHEUS_URL, no .faultline/ci/prometheus.url)' };
  try {
    const res = await fetch(`${p.url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return { why: `Prometheus at ${p.url} is not ready (HTTP ${res.status})` };
    return { prometheus: p, why: 'ready' };
  } catch (err) {
    return { why: `Prometheus at ${p.url} does not answer: ${(err as Error).message}` };
  }
}

/**
 * For test files: resolves the real Prometheus, or undefined after printing a loud skip notice.
 * Under CI=true a missing Prometheus throws instead, so CI can never silently skip these tests.
 */
export async function realPrometheusOrSkip(suite: string): Promise<RealPrometheus | undefined> {
  const { prometheus, why } = await locateRealPrometheus();
  if (prometheus) return prometheus;
  const how = 'start one with: scripts/prometheus-env.sh start';
  if (process.env['CI'] === 'true' || process.env['CI'] === '1') {
    throw new Error(`${suite} needs a real Prometheus under CI, but ${why}; ${how}`);
  }
  console.warn(`\n*** SKIPPING ${suite}: ${why}. ${how} ***\n`);
  return undefined;
}

/** A scrape target registered through file_sd; unregister() removes its file. */
export interface ScrapeRegistration {
  /** host:port, as Prometheus shows it in the `instance` label. */
  readonly target: string;
  readonly file: string;
  unregister(): Promise<void>;
}

/**
 * Adds `target` (host:port serving /metrics) to the scrape set by writing one file_sd file.
 * Written to a temp name and renamed, so Prometheus never reads half a file.
 */
export async function registerScrapeTarget(
  p: RealPrometheus,
  opts: { target: string; labels?: Record<string, string> },
): Promise<ScrapeRegistration> {
  if (!p.sdDir) {
    throw new Error(
      `cannot register scrape targets with Prometheus at ${p.url}: its file_sd directory is unknown; set FAULTLINE_PROMETHEUS_SD_DIR or start it with scripts/prometheus-env.sh`,
    );
  }
  await mkdir(p.sdDir, { recursive: true });
  const file = join(p.sdDir, `test-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  const content = JSON.stringify([{ targets: [opts.target], labels: { job: 'faultline-test', ...(opts.labels ?? {}) } }]);
  await writeFile(`${file}.tmp`, content);
  await rename(`${file}.tmp`, file);
  return { target: opts.target, file, unregister: () => rm(file, { force: true }) };
}

interface TargetsAnswer {
  data?: { activeTargets?: Array<{ labels?: Record<string, string>; health?: string; lastError?: string }> };
}

/** Polls /api/v1/targets until `target` is scraped successfully (health "up"); bounded by timeoutMs. */
export async function waitForTargetUp(p: RealPrometheus, target: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last = 'not discovered yet';
  while (Date.now() < deadline) {
    const answer = (await getJson(`${p.url}/api/v1/targets?state=active`, 2_000)) as TargetsAnswer;
    const t = answer.data?.activeTargets?.find((x) => x.labels?.['instance'] === target);
    if (t?.health === 'up') return;
    if (t) last = `health ${t.health ?? '?'}${t.lastError ? `: ${t.lastError}` : ''}`;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`Prometheus at ${p.url} did not scrape ${target} successfully within ${opts.timeoutMs ?? 20_000}ms (${last})`);
}

/**
 * Polls an instant query until `accept` returns true for its numeric result (first series or scalar);
 * bounded by timeoutMs. Useful because counters reach Prometheus only at the next scrape.
 */
export async function waitForQuery(
  p: RealPrometheus,
  query: string,
  accept: (value: number) => boolean,
  opts: { timeoutMs?: number } = {},
): Promise<number> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const answer = (await getJson(`${p.url}/api/v1/query?query=${encodeURIComponent(query)}`, 2_000)) as {
      data?: { resultType?: string; result?: unknown };
    };
    const r = answer.data?.result;
    const raw = answer.data?.resultType === 'scalar' ? (r as [number, string])[1] : (r as Array<{ value: [number, string] }> | undefined)?.[0]?.value[1];
    if (raw !== undefined) {
      const n = Number(raw);
      if (accept(n)) return n;
      last = `last value ${raw}`;
    } else {
      last = 'no series';
    }
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  throw new Error(`query ${JSON.stringify(query)} on ${p.url} did not reach the expected value within ${opts.timeoutMs ?? 20_000}ms (${last})`);
}
