// Helpers for this app's tests only (not exported from index.ts).
import { request } from 'undici';

export async function getJson(url: string, timeoutMs = 5_000): Promise<{ status: number; body: any; ms: number }> {
  const t0 = performance.now();
  const res = await request(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.body.text();
  return { status: res.statusCode, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text, ms: performance.now() - t0 };
}

/** The value of one sample line in Prometheus text format, matching every given label. */
export function sample(metricsText: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}
