import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { GuardSeries, RunModel } from '../../src/run-model.js';
import { html } from '../html.js';

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * One guard's values over time against its threshold(s), with fault windows shaded and breaches marked.
 * uPlot draws on a canvas (no inline styles or scripts, so the strict CSP holds); the figure caption and
 * the text under it say the same things for screen readers.
 */
export function GuardChart({ guard, model, version, endS }: { guard: GuardSeries; model: RunModel; version: number; endS: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const state = useRef({ guard, model, endS });
  state.current = { guard, model, endS };

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const line = cssVar('--chart-line', '#2563eb');
    const bad = cssVar('--bad', '#b42318');
    const fault = cssVar('--chart-fault', 'rgba(180,35,24,0.12)');
    const thresholdColour = cssVar('--warn', '#b54708');
    const axis = cssVar('--muted', '#667085');
    const grid = cssVar('--grid', 'rgba(127,127,127,0.2)');
    const draw = (u: uPlot) => {
      const { guard: g, model: m } = state.current;
      const ctx = u.ctx;
      const { left, top, width, height } = u.bbox;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, height);
      ctx.clip();
      const xMax = u.scales.x?.max ?? 0;
      const first = m.firstAt ?? 0;
      for (const w of m.windows) {
        const x0 = u.valToPos((w.from - first) / 1000, 'x', true);
        const x1 = u.valToPos(w.to !== undefined ? (w.to - first) / 1000 : xMax, 'x', true);
        ctx.fillStyle = fault;
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      }
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.strokeStyle = thresholdColour;
      for (const t of g.thresholds) {
        const y = u.valToPos(t.value, 'y', true);
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + width, y);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.strokeStyle = bad;
      ctx.lineWidth = 2 * devicePixelRatio;
      for (const b of g.breaches) {
        const x = u.valToPos(b, 'x', true);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      }
      // Failed evaluations as red dots on the line; ones that could not evaluate (no value) as red ticks on top.
      ctx.fillStyle = bad;
      const r = 3 * devicePixelRatio;
      for (let i = 0; i < g.t.length; i++) {
        if (g.ok[i]) continue;
        const x = u.valToPos(g.t[i] as number, 'x', true);
        const y = g.y[i];
        if (y === null || y === undefined) {
          ctx.fillRect(x - r / 2, top, r, 3 * r);
          continue;
        }
        ctx.beginPath();
        ctx.arc(x, u.valToPos(y, 'y', true), r, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.restore();
    };
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 180,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        // Seconds since the run started, over the whole run: the fault window and the breach line up across guards.
        x: { time: false, range: () => [0, Math.max(1, state.current.endS)] },
        y: {
          range: (_u, min, max) => {
            const th = state.current.guard.thresholds.map((t) => t.value);
            const lo = Math.min(min ?? 0, ...th, 0);
            const hi = Math.max(max ?? 1, ...th);
            return [lo, hi === lo ? lo + 1 : hi * 1.1];
          },
        },
      },
      axes: [
        { stroke: axis, grid: { stroke: grid }, values: (_u, vals) => vals.map((v) => `${+v.toFixed(1)}s`) },
        { stroke: axis, grid: { stroke: grid }, size: 56 },
      ],
      series: [{}, { label: guard.name, stroke: line, width: 2, points: { show: false }, spanGaps: false }],
      hooks: { draw: [draw] },
    };
    plot.current = new uPlot(opts, [guard.t, guard.y], el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(280, el.clientWidth), height: 180 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, []);

  // Redraw only when this guard has new points or the time axis grew (not for every other guard's event).
  const drawn = useRef({ last: NaN, endS: -1 });
  useEffect(() => {
    const end = Math.round(endS);
    const last = guard.t.at(-1) ?? -1; // the newest point's time: changes with every point, even at the cap
    if (drawn.current.last === last && drawn.current.endS === end) return;
    drawn.current = { last, endS: end };
    plot.current?.setData([guard.t, guard.y]);
  }, [version, Math.round(endS)]);

  const lastRaw = guard.y.at(-1);
  const last = lastRaw === null || lastRaw === undefined ? (guard.t.length ? 'could not evaluate' : undefined) : +lastRaw.toPrecision(4);
  const unit = guard.unit === 'latency-ms' ? 'latency (ms)' : guard.unit === 'pass-fail' ? 'pass (1) / fail (0)' : 'value';
  return html`<figure class="guard">
    <figcaption>
      <strong>${guard.name}</strong> <span class="muted">— ${unit}; must be ${guard.expected}; every ${guard.everyMs}ms, breach after ${guard.breachAfter} failures</span>
    </figcaption>
    <div ref=${box} class="chart" role="img" aria-label=${`Guard ${guard.name}: ${guard.t.length} observations, last ${last ?? 'none'}, ${guard.breaches.length} breach(es)`}></div>
    <p class="chart-note">
      <span class=${`badge ${guard.lastOk ? 'ok' : 'bad'}`}>${guard.t.length === 0 ? 'no data yet' : guard.lastOk ? 'passing' : 'failing'}</span>
      ${' '}last: ${last ?? '—'}${guard.breaches.length ? html` · <strong class="error">breached</strong>` : null}${guard.lastReason ? html` · <span class="muted">${guard.lastReason}</span>` : null}
    </p>
  </figure>`;
}
