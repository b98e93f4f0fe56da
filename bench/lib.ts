/** Small helpers shared by the benchmark scripts: percentiles and a plain-text table. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) => '| ' + r.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(cells[0]!), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.slice(1).map(line)].join('\n');
}

export function cpuPercent<T>(fn: () => Promise<T>): Promise<{ result: T; cpuPercent: number; wallMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return fn().then((result) => {
    const c = process.cpuUsage(c0);
    const wallMs = performance.now() - t0;
    return { result, cpuPercent: ((c.user + c.system) / 1000 / wallMs) * 100, wallMs };
  });
}
