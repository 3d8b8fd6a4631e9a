// Medians, spreads and rates of a measurement's rounds.
import type { Measurement, Unit } from "./types.js";

/** The median of `v` (the mean of the middle two for an even count). */
export function median(v: readonly number[]): number {
  if (v.length === 0) throw new Error("median: no values");
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A value in the kernel's unit from seconds per call: a rate (work / s) or a time. */
export function inUnit(seconds: number, unit: Unit, work = 0): number {
  switch (unit) {
    case "GFLOP/s":
    case "GB/s":
      return work / seconds;
    case "ms":
      return seconds * 1e3;
    case "ns":
      return seconds * 1e9;
  }
}

/** Whether larger is better in the unit (rates) or smaller (times). */
export function higherIsBetter(unit: Unit): boolean {
  return unit === "GFLOP/s" || unit === "GB/s";
}

/** Median and the slowest / fastest round, in the kernel's unit (with the entry's own work if it has one). */
export function summarize(m: Measurement, unit: Unit, work?: number): { median: number; lo: number; hi: number } {
  const vals = m.seconds.map((s) => inUnit(s, unit, m.work ?? work));
  return { median: median(vals), lo: Math.min(...vals), hi: Math.max(...vals) };
}

/**
 * How many times faster `a` is than `b` (> 1: a is better), from their medians in the unit:
 * a rate ratio a / b, or for times b / a.
 */
export function speedRatio(a: number, b: number, unit: Unit): number {
  return higherIsBetter(unit) ? a / b : b / a;
}
