// The trials-to-best chart: for each workload, the best median so far after each trial, relative
// to the workload's own final best (so workloads of different speeds share one axis: 1 is the
// final best, 2 twice as slow), one point a trial, on a log y axis. Plain SVG, no dependency.
import type { CurvePoint } from "./harness.js";

/** A workload's curve, named. */
export interface NamedCurve {
  name: string;
  curve: CurvePoint[];
}

const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** The chart as SVG text; each curve is a <polyline> with one vertex a trial that has a best so far. */
export function trialsToBestSvg(curves: NamedCurve[], title: string): string {
  const W = 720;
  const H = 420;
  const [left, right, top, bottom] = [60, 190, 40, 50];
  const maxTrial = Math.max(1, ...curves.map((c) => c.curve.length));
  const rel = curves.map((c) => {
    const final = c.curve.at(-1)?.best;
    return c.curve.filter((p) => p.best !== undefined && final !== undefined).map((p) => ({ trial: p.trial, r: p.best! / final! }));
  });
  const maxRel = Math.max(2, ...rel.flat().map((p) => p.r));
  const x = (t: number) => left + ((t - 1) / Math.max(1, maxTrial - 1)) * (W - left - right);
  const y = (r: number) => top + (1 - Math.log(r) / Math.log(maxRel)) * (H - top - bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${H - bottom}" stroke="black"/>`,
    `<text x="${(left + W - right) / 2}" y="${H - 12}" text-anchor="middle">trial</text>`,
    `<text x="14" y="${(top + H - bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(top + H - bottom) / 2})">best so far ÷ final best (log)</text>`,
  ];
  for (const r of [1, 1.5, 2, 4, 8, 16, 32, 64].filter((v) => v <= maxRel)) {
    out.push(`<line x1="${left - 4}" y1="${y(r).toFixed(1)}" x2="${W - right}" y2="${y(r).toFixed(1)}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${(y(r) + 4).toFixed(1)}" text-anchor="end">${r}</text>`);
  }
  for (const t of [1, Math.ceil(maxTrial / 4), Math.ceil(maxTrial / 2), Math.ceil((3 * maxTrial) / 4), maxTrial].filter((v, i, a) => a.indexOf(v) === i)) {
    out.push(`<text x="${x(t).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${t}</text>`);
  }
  curves.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = rel[i].map((p) => `${x(p.trial).toFixed(1)},${y(p.r).toFixed(1)}`).join(" ");
    out.push(`<polyline data-workload="${escapeXml(c.name)}" fill="none" stroke="${colour}" stroke-width="1.5" points="${pts}"/>`);
    out.push(`<text x="${W - right + 10}" y="${top + 16 * i + 4}" fill="${colour}">${escapeXml(c.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
