// The aliasing check of a kernel call. A tir.noalias function (every function lowered from a
// schedule, as in TVM) assumes its tensor arguments are distinct memory: the C declares their
// pointers `restrict`, and the C compiler keeps values in registers and reorders loads and stores
// on that promise. Passing the same array as an input and as the output (or two views whose
// elements overlap) would then give wrong numbers, so such a call is refused with an Error naming
// both arguments. Two tensors overlap when they are views of the same ArrayBuffer (or
// SharedArrayBuffer) object and the byte ranges from their lowest to their highest element
// intersect (a conservative test: two interleaved views, e.g. the even and the odd columns of one
// matrix, are refused too); reading one array through two arguments is allowed. Not seen here:
// two distinct buffer objects over the same memory (a SharedArrayBuffer cloned within the
// process, a callback view of kernel memory passed back next to the array it came from).
import type { ParamInfo } from "./marshal.js";
import { layoutOf, type NDLayout } from "./ndarray.js";

/** The pairs (written, other) of noalias parameters to compare, by parameter list. */
const pairsOf = new WeakMap<readonly ParamInfo[], readonly (readonly [number, number])[]>();

function pairs(params: readonly ParamInfo[]): readonly (readonly [number, number])[] {
  let p = pairsOf.get(params);
  if (p) return p;
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
  return p;
}

/** Byte range [begin, end) of a view inside its ArrayBuffer; undefined when it holds no element. */
function byteRange(l: NDLayout): [number, number] | undefined {
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
  const base = l.data.byteOffset + l.byteOffset;
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
  for (const [w, o] of pairs(params)) {
    const lw = layoutOf(args[w]);
    const lo = layoutOf(args[o]);
    if (!lw || !lo || lw.data.buffer !== lo.data.buffer) continue;
    const rw = byteRange(lw);
    const ro = byteRange(lo);
    if (!rw || !ro || rw[1] <= ro[0] || ro[1] <= rw[0]) continue;
    const [a, b, ra, rb] = w < o ? [w, o, rw, ro] : [o, w, ro, rw];
    throw new Error(
      `${fname}: arguments ${label(a, params[a])} and ${label(b, params[b])} share memory (bytes ${ra[0]}..${ra[1] - 1} and ${rb[0]}..${rb[1] - 1} of one ArrayBuffer) ` +
      `and the kernel writes argument ${label(w, params[w])}: it assumes its tensor arguments do not overlap (tir.noalias, restrict pointers), so the result would be wrong; pass a copy of one of them`,
    );
  }
}
