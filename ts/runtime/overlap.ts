// The aliasing check of a kernel call. A tir.noalias function (every function lowered from a
// schedule, as in TVM) assumes its tensor arguments are distinct memory: the C declares their
// pointers `restrict`, and the C compiler keeps values in registers and reorders loads and stores
// on that promise. Passing the same array as an input and as the output (or two views whose
// elements overlap) would then give wrong numbers, so such a call is refused with an Error naming
// both arguments. Two tensors overlap when they are views of the same ArrayBuffer (or
// SharedArrayBuffer) object and the byte ranges from their lowest to their highest element
// intersect (a conservative test: two interleaved views, e.g. the even and the odd columns of one
// matrix, are refused too); reading one array through two arguments is allowed. Two distinct
// buffer objects can show one memory too: a SharedArrayBuffer cloned within the process (or a
// shared WebAssembly memory), and a callback's view of kernel memory passed back next to the
// array it came from. Such pairs are compared by the addresses of their memory (the addon's
// dataAddress), only when one side is shared or a kernel view, so ordinary calls pay nothing.
import { ArgumentError } from "../errors.js";
import { addonBinary } from "./addon_binary.js";
import type { ParamInfo } from "./marshal.js";
import { layoutOf, type NDLayout } from "./ndarray.js";

export { markKernelView } from "./shared_memory.js";

/** The pairs (written, other) of noalias parameters to compare, by parameter list. */
const pairsOf = new WeakMap<readonly ParamInfo[], readonly (readonly [number, number])[]>();

/** The last parameter list asked for and its pairs: a kernel called in a loop skips the WeakMap. */
let lastParams: readonly ParamInfo[] | undefined;
let lastPairs: readonly (readonly [number, number])[] = [];

/** The pairs (written, other) of noalias parameter indices a call of `params` compares. */
export function noaliasPairs(params: readonly ParamInfo[]): readonly (readonly [number, number])[] {
  if (params === lastParams) return lastPairs;
  let p = pairsOf.get(params);
  if (p) {
    lastParams = params;
    lastPairs = p;
    return p;
  }
  const out: [number, number][] = [];
  params.forEach((a, i) => {
    if (a.kind !== "tensor" || a.noalias !== "written") return;
    params.forEach((b, j) => {
      if (j === i || b.kind !== "tensor" || b.noalias === undefined) return;
      // Two written tensors are compared once.
      if (b.noalias === "written" && j < i) return;
      out.push([i, j]);
    });
  });
  p = out;
  pairsOf.set(params, p);
  lastParams = params;
  lastPairs = p;
  return p;
}

/**
 * Byte range [begin, end) of a view, from `origin` (the address of its typed array's byte 0 less
 * the array's byteOffset, or 0 to count inside its ArrayBuffer); undefined when it holds no element.
 */
function byteRange(l: NDLayout, origin = 0): [number, number] | undefined {
  let lo = 0;
  let hi = 0;
  for (let d = 0; d < l.shape.length; d++) {
    const n = l.shape[d];
    if (n === 0) return undefined;
    const span = (n - 1) * l.strides[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  const bytes = l.info.bytes;
  const base = origin + l.data.byteOffset + l.byteOffset;
  return [base + lo * bytes, base + (hi + 1) * bytes];
}

function label(i: number, p: ParamInfo): string {
  return `${i}${p.name ? ` ('${p.name}')` : ""}`;
}

/**
 * Refuses a call whose arguments overlap in memory where the kernel writes one of them and
 * assumes they do not alias (ParamInfo.noalias). `args` were checked by encodeArgs.
 * @throws Error naming both arguments and the bytes they share.
 */
export function checkNoOverlap(fname: string, args: readonly unknown[], params: readonly ParamInfo[]): void {
  for (const [w, o] of noaliasPairs(params)) {
    const lw = layoutOf(args[w]);
    const lo = layoutOf(args[o]);
    if (!lw || !lo) continue;
    const same = lw.buffer === lo.buffer;
    if (!same && !lw.sharedMemory && !lo.sharedMemory) continue;
    // Distinct buffer objects: ranges by address (the typed array's address less its byteOffset).
    const origin = (l: NDLayout): number => (same ? 0 : addonBinary().dataAddress(l.data) - l.data.byteOffset);
    const rw = byteRange(lw, origin(lw));
    const ro = byteRange(lo, origin(lo));
    if (!rw || !ro || rw[1] <= ro[0] || ro[1] <= rw[0]) continue;
    const [a, b, ra, rb] = w < o ? [w, o, rw, ro] : [o, w, ro, rw];
    const hex = (n: number): string => `0x${n.toString(16)}`;
    const where = same
      ? `bytes ${ra[0]}..${ra[1] - 1} and ${rb[0]}..${rb[1] - 1} of one ArrayBuffer`
      : `addresses ${hex(ra[0])}..${hex(ra[1] - 1)} and ${hex(rb[0])}..${hex(rb[1] - 1)}, seen through two buffer objects`;
    throw new ArgumentError(
      `${fname}: arguments ${label(a, params[a])} and ${label(b, params[b])} share memory (${where}) ` +
      `and the kernel writes argument ${label(w, params[w])}: it assumes its tensor arguments do not overlap (tir.noalias, restrict pointers), so the result would be wrong; pass a copy of one of them`,
    );
  }
}
