import { formatDuration } from '@faultline/core';
import { markerSvg, type ChartMarker, type ChartWindow } from './chart.js';
import { esc } from './escape.js';
import { linear, niceTicks, px, tickLabel } from './scale.js';

export interface TimelinePhase {
  readonly state: string;
  readonly from: number;
  readonly to: number;
}

const W = 880;
const LEFT = 56;
const RIGHT = 20;

/**
 * The run on one time axis: a bar of phases, one bar per fault on each target, and the breach, abort
 * and all-reverted markers. Same horizontal scale as the probe charts below it, so they line up.
 */
export function timelineSvg(o: {
  phases: readonly TimelinePhase[];
  faults: readonly ChartWindow[];
  markers: readonly ChartMarker[];
  durationMs: number;
}): string {
  const rowH = 34;
  const top = 26;
  const phaseH = 26;
  const plotBottom = top + phaseH + 12 + o.faults.length * rowH;
  const H = plotBottom + 30;
  const x = linear([0, Math.max(1, o.durationMs)], [LEFT, W - RIGHT]);

  const phases = o.phases
    .map((p) => {
      const x0 = x(p.from);
      const width = Math.max(1, x(p.to) - x0);
      const label = `${p.state} ${formatDuration(p.to - p.from)}`;
      const fits = width > p.state.length * 7 + 10;
      return `<g class="phase s-${esc(p.state)}"><rect x="${px(x0)}" y="${top}" width="${px(width)}" height="${phaseH}"><title>${esc(label)}</title></rect>` +
        (fits ? `<text x="${px(x0 + width / 2)}" y="${top + 17}" text-anchor="middle">${esc(p.state)}</text>` : '') + '</g>';
    })
    .join('');

  const faults = o.faults
    .map((f, i) => {
      const y = top + phaseH + 12 + i * rowH;
      const x0 = x(f.from);
      const width = Math.max(2, x(f.to) - x0);
      // Bars that start in the right half carry their label leftwards from their end, so it stays on the page.
      const right = x0 > W / 2;
      return `<g class="fault-bar${f.open ? ' open' : ''}"><text x="${px(right ? x0 + width : x0)}" y="${y + 11}" text-anchor="${right ? 'end' : 'start'}">${esc(f.label)}</text>` +
        `<rect x="${px(x0)}" y="${y + 15}" width="${px(width)}" height="12" rx="2"><title>${esc(f.label)}</title></rect></g>`;
    })
    .join('');

  const unit = o.durationMs >= 180_000 ? 60_000 : 1000;
  const axis = niceTicks(0, o.durationMs / unit, 8)
    .map((v) => {
      const xx = px(x(v * unit));
      return `<line class="grid" x1="${xx}" x2="${xx}" y1="${top}" y2="${plotBottom}"/>` +
        `<text class="tick" x="${xx}" y="${plotBottom + 18}" text-anchor="middle">+${tickLabel(v)}${unit === 1000 ? 's' : 'm'}</text>`;
    })
    .join('');

  const markers = markerSvg(o.markers, x, top - 4, plotBottom, top - 8);

  return `<svg class="chart timeline" id="timeline-chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="timeline-chart-title">` +
    `<title id="timeline-chart-title">Run timeline: phases, fault windows and key moments</title>` +
    axis + phases + faults + markers + '</svg>';
}
