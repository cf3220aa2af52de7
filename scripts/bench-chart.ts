/**
 * A small line chart for the benchmark's figures, as plain SVG text (no dependency): panels side
 * by side, each with its x values as ticks and one or two series, on a left and a right y axis
 * that both start at 0.
 */

export interface Series {
  name: string;
  axis: "left" | "right";
  color: string;
  /** [x, y], in the order of x. */
  points: Array<[number, number]>;
}

export interface Panel {
  title: string;
  xLabel: string;
  leftLabel: string;
  rightLabel?: string;
  series: Series[];
}

const W = 440;
const H = 300;
/** Space between panels. */
const GAP = 40;
const M = { left: 64, right: 64, top: 56, bottom: 48 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const num = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString("en-US") : String(Number(n.toPrecision(3))));

/** The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k) at or above `v` (1 for nothing). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((f) => f * p).find((c) => c >= v * (1 - 1e-9)) ?? 10 * p;
}

/** How many steps divide `max` into round ones (a step of 1, 2, 2.5 or 5 × 10^k). */
export function tickCount(max: number): number {
  for (const n of [4, 5, 3, 6, 2]) {
    const step = max / n;
    const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    if ([1, 2, 2.5, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)) return n;
  }
  return 4;
}

function panelSvg(p: Panel, dx: number): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const xs = [...new Set(p.series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const xMax = niceMax(Math.max(...xs, 1));
  const yMax = { left: niceMax(Math.max(0, ...p.series.filter((s) => s.axis === "left").flatMap((s) => s.points.map(([, y]) => y)))), right: niceMax(Math.max(0, ...p.series.filter((s) => s.axis === "right").flatMap((s) => s.points.map(([, y]) => y)))) };
  const X = (x: number) => dx + M.left + (x / xMax) * plotW;
  const Y = (y: number, axis: "left" | "right") => M.top + plotH - (y / yMax[axis]) * plotH;
  const out: string[] = [];
  out.push(`<text x="${dx + W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  p.series.forEach((s, i) => {
    const lx = dx + M.left + i * (plotW / Math.max(1, p.series.length));
    out.push(`<line x1="${lx}" y1="36" x2="${lx + 18}" y2="36" stroke="${s.color}" stroke-width="2"/><text x="${lx + 22}" y="40">${esc(s.name)}</text>`);
  });
  out.push(`<rect x="${dx + M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  // Grid lines at the left axis's ticks; the right axis gets its own labels at its own ticks.
  for (const axis of ["left", "right"] as const) {
    if (axis === "right" && !p.rightLabel) continue;
    const n = tickCount(yMax[axis]);
    for (let i = 0; i <= n; i++) {
      const y = M.top + plotH - (i / n) * plotH;
      if (axis === "left") out.push(`<line x1="${dx + M.left}" y1="${y}" x2="${dx + M.left + plotW}" y2="${y}" stroke="#eee"/>`);
      const x = axis === "left" ? dx + M.left - 6 : dx + M.left + plotW + 6;
      out.push(`<text x="${x}" y="${y + 4}"${axis === "left" ? ' text-anchor="end"' : ""}>${num((i / n) * yMax[axis])}</text>`);
    }
  }
  for (const x of xs) {
    out.push(`<line x1="${X(x)}" y1="${M.top + plotH}" x2="${X(x)}" y2="${M.top + plotH + 4}" stroke="#999"/>`);
    out.push(`<text x="${X(x)}" y="${M.top + plotH + 16}" text-anchor="middle">${num(x)}</text>`);
  }
  out.push(`<text x="${dx + M.left + plotW / 2}" y="${H - 10}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  out.push(`<text transform="translate(${dx + 14} ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(p.leftLabel)}</text>`);
  if (p.rightLabel) out.push(`<text transform="translate(${dx + W - 10} ${M.top + plotH / 2}) rotate(90)" text-anchor="middle">${esc(p.rightLabel)}</text>`);
  for (const s of p.series) {
    const pts = s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y, s.axis).toFixed(1)}`);
    out.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y, s.axis).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.name}: ${num(y)} at ${num(x)}`)}</title></circle>`);
  }
  return out.join("\n");
}

/** The panels side by side, with a caption line under them. */
export function svgChart(panels: Panel[], caption: string): string {
  const width = W * panels.length + GAP * (panels.length - 1);
  const height = H + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panelSvg(p, i * (W + GAP))),
    `<text x="8" y="${height - 6}" fill="#555">${esc(caption)}</text>`,
    "</svg>",
    "",
  ].join("\n");
}
