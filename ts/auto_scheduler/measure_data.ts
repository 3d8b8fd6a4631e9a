// The data a measurement runs on: input arrays made from the job's seed (the same on every
// machine, so the candidate and the reference see the same numbers wherever they run), output
// arrays the reference starts from zero and the candidate from a sentinel (so an element the
// candidate never writes cannot pass for right), and the check of a candidate's outputs against
// the reference's: floats within rtol relative to the element plus the output's RMS (sums
// reorder under a schedule, and an element near zero has no relative precision of its own),
// integers and bools exactly, NaN only where the reference has NaN.
import { ArgumentError } from "../errors.js";
import { prng } from "../interp/prng.js";
import { dtypeInfo, empty, type NDArray, type TypedArray } from "../runtime/ndarray.js";
import type { MeasureArg } from "./measure_job.js";

type Elements = { length: number; [i: number]: number | bigint };

/** A 32-bit seed for argument `index` of a job seeded with `dataSeed`. */
function argSeed(dataSeed: number, index: number): number {
  return (Math.imul(dataSeed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
}

/** Elements an argument's shape holds; an Error naming it when the shape is not a list of sizes. */
function elementCount(a: MeasureArg): number {
  if (!Array.isArray(a.shape) || a.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ArgumentError(`measure: argument '${a.name}' has shape ${JSON.stringify(a.shape)}; expected a list of non-negative integers`);
  }
  return a.shape.reduce((p, d) => p * d, 1);
}

/** The array for `args[index]`: inputs filled from the seed, outputs zero (reference) or the sentinel (candidate). */
export function makeArray(a: MeasureArg, index: number, dataSeed: number, forCandidate: boolean): NDArray<TypedArray> {
  elementCount(a);
  const info = dtypeInfo(a.dtype);
  const arr = empty(a.shape, a.dtype) as NDArray<TypedArray>;
  const data = arr.data as unknown as Elements;
  if (a.role === "output") {
    if (forCandidate) {
      const sentinel = info.code === 2 ? Number.NaN : info.name === "bool" ? 0 : 0x5a;
      for (let i = 0; i < data.length; i++) data[i] = info.big ? BigInt(sentinel) : sentinel;
    }
    return arr;
  }
  const r = prng(argSeed(dataSeed, index));
  for (let i = 0; i < data.length; i++) {
    // Floats in [-1, 1); integers small and positive (safe as divisors and indices); bools 0/1.
    const v = info.code === 2 ? r() * 2 - 1 : info.name === "bool" ? (r() < 0.5 ? 0 : 1) : 1 + Math.floor(r() * 7);
    data[i] = info.big ? BigInt(v) : v;
  }
  return arr;
}

/** Why `got` (a candidate's output) differs from `want` (the reference's), or undefined when it is within `rtol`. */
export function compareOutput(name: string, got: TypedArray, want: TypedArray, dtype: string, rtol: number): string | undefined {
  if (got.length !== want.length) return `output '${name}' has ${got.length} elements, the reference ${want.length}`;
  const g = got as unknown as Elements;
  const w = want as unknown as Elements;
  if (dtypeInfo(dtype).code !== 2) {
    for (let i = 0; i < g.length; i++) {
      if (g[i] !== w[i]) return `output '${name}'[${i}] is ${g[i]}, the reference gives ${w[i]} (${dtype}: compared exactly)`;
    }
    return undefined;
  }
  let sq = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i] as number;
    if (Number.isFinite(x)) sq += x * x;
  }
  const rms = w.length > 0 ? Math.sqrt(sq / w.length) : 0;
  for (let i = 0; i < g.length; i++) {
    const a = g[i] as number;
    const b = w[i] as number;
    if (Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= rtol * (Math.abs(b) + rms)) continue;
    return `output '${name}'[${i}] is ${a}, the reference gives ${b} (rtol ${rtol} of |reference| + RMS ${rms.toPrecision(3)})`;
  }
  return undefined;
}
