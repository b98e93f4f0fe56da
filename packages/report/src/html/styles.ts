/** The report's only stylesheet, inlined: the file must render offline, attached to a ticket or an email. */
export const styles = `
:root {
  --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --paper: #ffffff; --soft: #f6f8fa;
  --ok: #1a7f37; --fail: #cf222e; --err: #82071e; --warn: #8a5a00; --fault: #f0883e; --accent: #0b57d0;
  --completed: #1a7f37; --deviated: #8a5a00; --aborted: #b42318; --failed: #7a1010; --revert-pending: #8e1c8e; --running: #0b57d0;
}
* { box-sizing: border-box; }
html { color-scheme: light; }
body { margin: 0; background: var(--soft); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
.page { max-width: 1060px; margin: 0 auto; padding: 0 20px 40px; }
header.verdict { color: #fff; padding: 22px 28px 20px; border-radius: 0 0 10px 10px; background: var(--running); }
header.verdict.v-completed { background: var(--completed); }
header.verdict.v-deviated { background: var(--deviated); }
header.verdict.v-aborted { background: var(--aborted); }
header.verdict.v-failed { background: var(--failed); }
header.verdict.v-revert-pending { background: var(--revert-pending); }
.eyebrow { margin: 0; font-size: 13px; letter-spacing: .06em; text-transform: uppercase; opacity: .9; }
h1 { margin: 4px 0 6px; font-size: 28px; line-height: 1.2; overflow-wrap: anywhere; }
.verdict-line { margin: 0; font-size: 17px; }
.badge { display: inline-block; padding: 1px 10px; margin-right: 8px; border-radius: 999px; background: #fff; color: var(--ink); font-weight: 700; font-size: 14px; letter-spacing: .04em; }
.desc { margin: 8px 0 0; opacity: .95; }
dl.meta { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 14px 0 0; font-size: 14px; }
dl.meta div { min-width: 0; }
dl.meta dt { opacity: .85; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
dl.meta dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
main section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px; margin-top: 18px; }
h2 { margin: 0 0 12px; font-size: 20px; }
h3 { margin: 18px 0 6px; font-size: 16px; }
h3 code, td code { font-size: 13px; }
.alert { border: 2px solid var(--revert-pending); background: #fbeffb; border-radius: 10px; padding: 14px 20px; margin-top: 18px; }
.alert h2 { color: var(--revert-pending); }
.cards { margin: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(165px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--soft); }
.card.primary { border-color: var(--ink); background: #fff; }
.card .label { font-size: 13px; color: var(--muted); font-weight: 600; }
.card dd { margin: 0; }
.card .value { font-size: 30px; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.25; }
.card .value.none { color: var(--muted); font-size: 17px; padding: 6px 0 4px; }
.card .hint { font-size: 12px; color: var(--muted); }
figure { margin: 8px 0 4px; break-inside: avoid; }
figcaption { font-size: 13px; color: var(--muted); }
svg.chart { width: 100%; height: auto; display: block; font: 12px system-ui, "DejaVu Sans", sans-serif; }
svg .plot { fill: #fff; stroke: var(--line); }
svg .grid { stroke: #eaeef2; }
svg .tick { fill: var(--muted); font-size: 11px; }
svg .value-label { fill: var(--ink); font-size: 12px; font-weight: 600; }
svg .fault-window { fill: var(--fault); fill-opacity: .16; }
svg .fault-window.open { fill-opacity: .28; }
svg .series { fill: none; stroke: var(--accent); stroke-width: 2; stroke-linejoin: round; }
svg .pt.ok { fill: var(--accent); }
svg .pt.fail { fill: var(--fail); }
svg .pt.err path, svg path.pt.err { stroke: var(--err); stroke-width: 2.2; fill: none; }
svg .threshold line { stroke: var(--fail); stroke-dasharray: 6 4; stroke-width: 1.3; }
svg .threshold text { fill: var(--fail); font-size: 11px; font-weight: 600; }
svg line.marker { stroke-width: 2; }
svg line.marker.breach { stroke: var(--fail); }
svg line.marker.abort { stroke: var(--ink); stroke-dasharray: 3 3; }
svg line.marker.reverted { stroke: var(--ok); }
svg .markers text { font-size: 11.5px; font-weight: 700; }
svg tspan.breach { fill: var(--fail); } svg tspan.abort { fill: var(--ink); } svg tspan.reverted { fill: var(--ok); } svg tspan.sep { fill: var(--muted); }
svg .cell.ok { fill: var(--ok); } svg .cell.fail { fill: var(--fail); } svg .cell.err { fill: var(--err); }
svg .phase rect { stroke: #fff; stroke-width: 1; }
svg .phase text { fill: #fff; font-size: 11.5px; font-weight: 600; }
svg .phase.s-pending rect, svg .phase.s-planning rect { fill: #6e7781; }
svg .phase.s-checking-before rect, svg .phase.s-checking-after rect { fill: #0969da; }
svg .phase.s-injecting rect { fill: #bc4c00; } svg .phase.s-holding rect { fill: #953800; }
svg .phase.s-reverting rect { fill: #1a7f37; } svg .phase.s-revert-pending rect { fill: var(--revert-pending); }
svg .phase.s-completed rect { fill: var(--completed); } svg .phase.s-deviated rect { fill: var(--deviated); }
svg .phase.s-aborted rect { fill: var(--aborted); } svg .phase.s-failed rect { fill: var(--failed); }
svg .fault-bar rect { fill: var(--fault); } svg .fault-bar.open rect { fill: var(--revert-pending); }
svg .fault-bar text { fill: var(--ink); font-size: 12px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0 0; padding: 0; list-style: none; font-size: 12.5px; color: var(--muted); }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 5px; }
.sw.fault { background: var(--fault); opacity: .5; } .sw.ok { background: var(--accent); border-radius: 50%; } .sw.fail { background: var(--fail); transform: rotate(45deg) scale(.8); }
.sw.pass { background: var(--ok); } .sw.bad { background: var(--fail); } .sw.err { background: var(--err); }
.sw.threshold { height: 0; border-top: 2px dashed var(--fail); border-radius: 0; vertical-align: 3px; }
.sw.breach { width: 3px; background: var(--fail); } .sw.reverted { width: 3px; background: var(--ok); }
.callout { border-left: 4px solid var(--fail); background: #fff5f5; padding: 8px 12px; margin: 8px 0; border-radius: 0 6px 6px 0; }
.stats { color: var(--muted); font-size: 13.5px; margin: 0; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { font-size: 12.5px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
tbody th { font-weight: 600; }
tbody th code { white-space: nowrap; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
.pill { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12.5px; font-weight: 700; color: #fff; white-space: nowrap; }
.pill.ok { background: var(--ok); } .pill.fail { background: var(--fail); } .pill.err { background: var(--err); } .pill.skip { background: #6e7781; }
.pill.pending { background: var(--revert-pending); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
code { overflow-wrap: anywhere; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px; font-size: 12px; overflow: auto; max-height: 480px; white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin-top: 10px; } summary { cursor: pointer; font-weight: 600; }
ul.plain { margin: 6px 0; padding-left: 20px; }
td ul.plain li { overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12.5px; text-align: center; margin-top: 24px; }
.muted { color: var(--muted); }
.print-only { display: none; }
@media (max-width: 900px) { td.num, .pill, tbody th code { white-space: normal; } }
@media (max-width: 640px) { .page { padding: 0 8px 24px; } header.verdict { padding: 16px; } .card dd { margin: 0; }
.card .value { font-size: 24px; } }
@media print {
  body { background: #fff; font-size: 12px; }
  .page { max-width: none; padding: 0; }
  header.verdict, .pill, .badge, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main section { border: none; padding: 8px 0; break-inside: auto; }
  figure, table, .card { break-inside: avoid; }
  pre { max-height: none; overflow: visible; }
  .scroll { overflow: visible; }
  table { font-size: 11px; }
  td.num, .pill, tbody th code { white-space: normal; }
  details { display: none; }
  .print-only { display: block; }
}
`;
