import type { Json } from '@faultline/core';
import { esc } from './escape.js';
import { linear, niceTicks, px, tickLabel } from './scale.js';

/** One observation on the run's time axis (ms since the run started). */
export interface ChartPoint {
  readonly t: number;
  readonly value: Json;
  readonly ok: boolean;
  /** The probe could not evaluate (timeout, 5xx, empty result). */
  readonly error: boolean;
  /** Tooltip text: time, value, reason. */
  readonly label: string;
}

/** A span during which a fault was (possibly) active; `open` = never confirmed reverted. */
export interface ChartWindow {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly open: boolean;
}

export interface ChartMarker {
  readonly t: number;
  readonly label: string;
  readonly kind: 'breach' | 'abort' | 'reverted';
}

export interface ChartOptions {
  /** Used for element ids (must be unique in the page, already safe: [a-z0-9-]). */
  readonly id: string;
  /** Accessible name, e.g. 'guard checkout-p99: values over time'. */
  readonly title: string;
  readonly points: readonly ChartPoint[];
  readonly windows: readonly ChartWindow[];
  readonly markers: readonly ChartMarker[];
  /** Length of the shared time axis (the whole run). */
  readonly durationMs: number;
  /** Horizontal reference lines: `below 0.5` draws at 0.5. */
  readonly thresholds: ReadonlyArray<{ readonly value: number; readonly label: string }>;
  /** Evaluation interval, for the width of strip cells; defaults to the typical gap between points. */
  readonly everyMs?: number;
  /** Join points with a line (guards); off for sparse before/after checks, where a line would invent data. */
  readonly connect?: boolean;
}

const W = 880;
/** Above this many points, passing dots and strip cells are merged away (the file stays small). */
const MAX_MARKS = 300;
const M = { left: 56, right: 20, top: 22, bottom: 30 };

/** Numbers a chart can plot; strings like "0.25" count (Prometheus returns them). */
export function numericValue(v: Json): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** True when most successful evaluations are numbers: draw a line, otherwise a pass/fail strip. */
export function isNumericSeries(points: readonly ChartPoint[]): boolean {
  const evaluated = points.filter((p) => !p.error);
  const numeric = evaluated.filter((p) => numericValue(p.value) !== undefined).length;
  return numeric >= 1 && numeric * 2 >= evaluated.length;
}

/** An SVG chart of one probe over the run: a line for numbers, a pass/fail strip for anything else. */
export function probeChart(o: ChartOptions): string {
  return isNumericSeries(o.points) ? lineChart(o) : stripChart(o);
}

function timeAxis(durationMs: number, plotHeight: number, x: (t: number) => number): string {
  const inMinutes = durationMs >= 180_000;
  const unit = inMinutes ? 60_000 : 1000;
  const ticks = niceTicks(0, durationMs / unit, 8);
  return ticks
    .map((v) => {
      const xx = px(x(v * unit));
      return `<line class="grid" x1="${xx}" x2="${xx}" y1="${M.top}" y2="${px(M.top + plotHeight)}"/>` +
        `<text class="tick" x="${xx}" y="${px(M.top + plotHeight + 18)}" text-anchor="middle">+${tickLabel(v)}${inMinutes ? 'm' : 's'}</text>`;
    })
    .join('');
}

function windowsAndMarkers(o: ChartOptions, plotHeight: number, x: (t: number) => number): { under: string; over: string } {
  const under = o.windows
    .map((w) => {
      const x0 = x(w.from);
      const width = Math.max(1.5, x(w.to) - x0);
      return `<rect class="fault-window${w.open ? ' open' : ''}" x="${px(x0)}" y="${M.top}" width="${px(width)}" height="${px(plotHeight)}"><title>${esc(w.label)}</title></rect>`;
    })
    .join('');
  const over = markerSvg(o.markers, x, M.top - 6, M.top + plotHeight, M.top - 9);
  return { under, over };
}

/**
 * Vertical marker lines with their labels. Markers closer than ~100px (breach, abort and all-reverted are
 * often milliseconds apart) share one label so the text never overprints.
 */
export function markerSvg(markers: readonly ChartMarker[], x: (t: number) => number, y1: number, y2: number, labelY: number): string {
  const sorted = [...markers].sort((a, b) => a.t - b.t);
  const groups: ChartMarker[][] = [];
  for (const m of sorted) {
    const g = groups.at(-1);
    if (g && x(m.t) - x((g[0] as ChartMarker).t) < 100) g.push(m);
    else groups.push([m]);
  }
  return groups
    .map((g) => {
      const lines = g.map((m) => `<line class="marker ${m.kind}" x1="${px(x(m.t))}" x2="${px(x(m.t))}" y1="${px(y1)}" y2="${px(y2)}"/>`).join('');
      const first = x((g[0] as ChartMarker).t);
      const anchor = first > W - 260 ? 'end' : 'start';
      const lx = anchor === 'end' ? x((g.at(-1) as ChartMarker).t) + 4 : first + 4;
      const text = g.map((m) => `<tspan class="${m.kind}">${esc(m.label)}</tspan>`).join('<tspan class="sep"> · </tspan>');
      return `<g class="markers">${lines}<text x="${px(anchor === 'end' ? lx - 8 : lx)}" y="${px(labelY)}" text-anchor="${anchor}">${text}</text></g>`;
    })
    .join('');
}

function svgOpen(o: ChartOptions, height: number, kind: string): string {
  return `<svg class="chart ${kind}" id="${o.id}" viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="${o.id}-title" preserveAspectRatio="xMidYMid meet">` +
    `<title id="${o.id}-title">${esc(o.title)}</title>`;
}

function lineChart(o: ChartOptions): string {
  const H = 230;
  const plotH = H - M.top - M.bottom;
  const x = linear([0, Math.max(1, o.durationMs)], [M.left, W - M.right]);
  const values = o.points.map((p) => numericValue(p.value)).filter((v): v is number => v !== undefined);
  const refs = o.thresholds.map((t) => t.value);
  let lo = Math.min(...values, ...refs);
  let hi = Math.max(...values, ...refs);
  if (lo >= 0 && lo <= hi * 0.6) lo = 0; // anchor at zero unless that squashes the series
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
  hi += pad;
  if (lo !== 0) lo -= pad;
  const yTicks = niceTicks(lo, hi, 5);
  const y = linear([lo, hi], [M.top + plotH, M.top]);
  const { under, over } = windowsAndMarkers(o, plotH, x);

  const grid = yTicks
    .map((v) => `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${px(y(v))}" y2="${px(y(v))}"/>` +
      `<text class="tick" x="${M.left - 8}" y="${px(y(v) + 4)}" text-anchor="end">${tickLabel(v)}</text>`)
    .join('');
  const thresholds = o.thresholds
    .map((t) => `<g class="threshold"><line x1="${M.left}" x2="${W - M.right}" y1="${px(y(t.value))}" y2="${px(y(t.value))}"/>` +
      `<text x="${M.left + 6}" y="${px(y(t.value) - 5)}">${esc(t.label)}</text></g>`)
    .join('');

  const numeric = o.points.filter((p) => numericValue(p.value) !== undefined);
  const path = numeric.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(x(p.t))},${px(y(numericValue(p.value) as number))}`).join(' ');
  // Thousands of passing dots add megabytes and no information the line does not carry.
  const showPassing = o.points.length <= MAX_MARKS;
  const dots = o.points
    .filter((p) => showPassing || !p.ok || p.error)
    .map((p) => {
      const v = numericValue(p.value);
      const cx = px(x(p.t));
      if (v === undefined) {
        // Could not evaluate (or not a number): a cross on the axis, so the gap in the line is explained.
        const cy = M.top + plotH - 6;
        return `<g class="pt err"><title>${esc(p.label)}</title><path d="M${px(x(p.t) - 4)},${px(cy - 4)} l8,8 m0,-8 l-8,8"/></g>`;
      }
      const cy = y(v);
      return p.ok
        ? `<circle class="pt ok" cx="${cx}" cy="${px(cy)}" r="3"><title>${esc(p.label)}</title></circle>`
        : `<path class="pt fail" d="M${cx},${px(cy - 5)} l5,5 l-5,5 l-5,-5 z"><title>${esc(p.label)}</title></path>`;
    })
    .join('');

  // With only a few points, print the values: the reader should not have to hover.
  const valueLabels = numeric.length <= 4
    ? numeric.map((p) => {
      const xx = x(p.t);
      const anchor = xx > W - 120 ? 'end' : 'start';
      return `<text class="value-label" x="${px(xx + (anchor === 'end' ? -8 : 8))}" y="${px(y(numericValue(p.value) as number) - 8)}" text-anchor="${anchor}">${esc(tickLabel(numericValue(p.value) as number))}</text>`;
    }).join('')
    : '';
  return svgOpen(o, H, 'line') +
    `<rect class="plot" x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${plotH}"/>` +
    under + grid + timeAxis(o.durationMs, plotH, x) + thresholds +
    (numeric.length > 1 && o.connect !== false ? `<path class="series" d="${path}"/>` : '') + dots + valueLabels + over + '</svg>';
}

function stripChart(o: ChartOptions): string {
  const H = 112;
  const plotH = H - M.top - M.bottom;
  const x = linear([0, Math.max(1, o.durationMs)], [M.left, W - M.right]);
  const { under, over } = windowsAndMarkers(o, plotH, x);
  const bandY = M.top + 14;
  const bandH = plotH - 28;
  const gaps = o.points.slice(1).map((p, i) => p.t - (o.points[i] as ChartPoint).t).sort((a, b) => a - b);
  // Sparse series (a before and an after check) get narrow cells, not one cell stretched across the run.
  const typical = o.everyMs ?? Math.min(gaps[Math.floor(gaps.length / 2)] ?? Infinity, Math.max(1, o.durationMs / 80));
  const spans = o.points.map((p, i) => {
    const next = o.points[i + 1];
    const end = Math.min(o.durationMs, next && next.t - p.t <= typical * 1.5 ? next.t : p.t + typical);
    return { from: p.t, to: end, cls: p.error ? 'err' : p.ok ? 'ok' : 'fail', label: p.label, count: 1 };
  });
  const cells = (spans.length > MAX_MARKS ? mergeSpans(spans) : spans)
    .map((c) => {
      const x0 = x(c.from);
      const width = Math.max(3, x(c.to) - x0 - (c.count === 1 ? 1 : 0));
      return `<rect class="cell ${c.cls}" x="${px(x0)}" y="${bandY}" width="${px(width)}" height="${bandH}"><title>${esc(c.label)}</title></rect>`;
    })
    .join('');
  return svgOpen(o, H, 'strip') +
    `<rect class="plot" x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${plotH}"/>` +
    under + timeAxis(o.durationMs, plotH, x) +
    `<text class="tick" x="${M.left - 8}" y="${bandY + bandH / 2 + 4}" text-anchor="end">pass/fail</text>` +
    cells + over + '</svg>';
}

interface Span { from: number; to: number; cls: string; label: string; count: number }

/** Joins adjacent checks with the same result into one cell labelled with the count. */
function mergeSpans(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const last = out.at(-1);
    if (last && last.cls === s.cls && s.from - last.to <= 1) {
      last.to = s.to;
      last.count += 1;
      last.label = `${last.count} consecutive checks: ${s.cls === 'ok' ? 'pass' : s.cls === 'fail' ? 'fail' : 'could not evaluate'} (last: ${s.label})`;
    } else {
      out.push({ ...s });
    }
  }
  return out;
}
