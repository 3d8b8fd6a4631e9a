// The chart of a run's ratios as a self-contained SVG: for every kernel and baseline, tejit's
// speed ratio (> 1: tejit faster) as one bar a thread count, on a linear axis from 0 to 2 (longer
// bars are clipped and labelled with their value), with a line at 1.
import type { RatioRow } from "./report.js";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const COLORS = ["#3b6fb6", "#e07b39", "#5a9e4b", "#9b59b6"];

/** The SVG text for `rows` measured on `threads`. */
export function ratioChart(rows: RatioRow[], threads: number[], title: string): string {
  const labelW = 420;
  const plotW = 400;
  const barH = 9;
  const gap = 6;
  const rowH = threads.length * barH + gap;
  const top = 50;
  const max = 2;
  const height = top + rows.length * rowH + 40;
  const x = (v: number): number => labelW + (Math.min(v, max) / max) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 70}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="34">tejit speed ÷ baseline speed (&gt; 1: tejit faster); ${threads.map((t, i) => `<tspan fill="${COLORS[i % COLORS.length]}">■ ${t} thread${t === 1 ? "" : "s"}</tspan>`).join(" ")}</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${labelW - 6}" y="${y + rowH / 2}" text-anchor="end">${esc(`${r.title} vs ${r.against}`)}</text>`);
    r.speed.forEach((v, j) => {
      if (Number.isNaN(v)) return;
      const by = y + j * barH;
      parts.push(`<rect x="${labelW}" y="${by}" width="${(x(v) - labelW).toFixed(1)}" height="${barH - 1}" fill="${COLORS[j % COLORS.length]}"><title>${esc(`${r.title} vs ${r.against}, ${threads[j]} thread(s): ${v.toFixed(3)}`)}</title></rect>`);
      parts.push(`<text x="${(x(v) + 3).toFixed(1)}" y="${by + barH - 1}" font-size="9">${v.toFixed(2)}${v > max ? " ▶" : ""}</text>`);
    });
  });
  const bottom = top + rows.length * rowH;
  for (const t of [0, 0.5, 1, 1.5, 2]) {
    parts.push(`<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${bottom}" stroke="${t === 1 ? "#000" : "#ccc"}" stroke-width="${t === 1 ? 1.5 : 0.5}"/>`);
    parts.push(`<text x="${x(t)}" y="${bottom + 14}" text-anchor="middle">${t}</text>`);
  }
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
