// TVM's tutorial "Use Tensorize to Leverage Hardware Intrinsics" (tutorials/language/tensorize.py,
// TVM v0.10), ported to tejit: a GEMV intrinsic declared with te.declTensorIntrin replaces the
// inner loops of a matrix product (s[C].tensorize), first over the whole reduction, then with the
// reduction split so that the intrinsic resets and updates its output.
//
// Changed: the tutorial compiles its micro-kernels (gemv_update, gemv_reset) from inline C with
// clang and links them with import_llvm; tejit calls user code through packed functions, so the
// kernels are JavaScript functions registered with registerFunc and called with tir.callPacked.
// The tutorial passes access_ptr pointers; tejit passes the buffers, which arrive as strided
// views (data, offset, shape, strides) of the kernel's arrays.
//
//   npm run example examples/tensorize.ts

import { build, lower, nd, registerFunc, te, tir } from "tejit";
import { assertAllclose, uniform } from "./assert_allclose.js";

const [N, M, L] = [1024, 512, 64];
const A = te.placeholder([N, L], "float32", "A");
const B = te.placeholder([M, L], "float32", "B");
const k = te.reduceAxis([0, L], "k");
const C = te.compute([N, M], (i, j) => te.sum(A.at(i, k).mul(B.at(j, k)), k), "C");

// Schedule the computation: split the columns by the intrinsic's width.
const factor = 16;
let s = te.createSchedule(C.op);
let [x, y] = C.op.axis;
let [z] = C.op.reduceAxis;
let [yo, yi] = s.stage(C).split(y, { factor });
s.stage(C).reorder(x, yo, yi, z);
console.log(lower(s, [A, B, C], { simpleMode: true }).toString());

// The micro-kernels, on views: cc[i] (+)= sum_j aa[j] * bb[i, j].
function elem(v: nd.NDArray): number { return v.byteOffset / v.data.BYTES_PER_ELEMENT; }
function gemvUpdate(cc: nd.NDArray, aa: nd.NDArray, bb: nd.NDArray, m: number, l: number, strideB: number): number {
  const [c, a, b] = [cc.data, aa.data, bb.data] as Float32Array[];
  const [oc, oa, ob] = [elem(cc), elem(aa), elem(bb)];
  for (let i = 0; i < m; i++) {
    let acc = c[oc + i * cc.strides[0]];
    for (let j = 0; j < l; j++) acc += a[oa + j * aa.strides[0]] * b[ob + i * strideB + j];
    c[oc + i * cc.strides[0]] = acc;
  }
  return 0;
}
registerFunc("gemv_update", gemvUpdate);
registerFunc("gemv_reset", (cc: nd.NDArray, m: number) => {
  for (let i = 0; i < m; i++) cc.set([i], 0);
  return 0;
});

// The intrinsic: c[i] = sum_k a[k] * b[i, k] over an m x l block, b strided.
function intrinGemv(m: number, l: number, withReset: boolean) {
  const a = te.placeholder([l], "float32", "a");
  const b = te.placeholder([m, l], "float32", "b");
  const kk = te.reduceAxis([0, l], "k");
  const c = te.compute([m], (i) => te.sum(a.at(kk).mul(b.at(i, kk)), kk), "c");
  const Ab = tir.declBuffer(a.shape, a.dtype, "A", { offsetFactor: 1, strides: [1] });
  const Bb = tir.declBuffer(b.shape, b.dtype, "B", { offsetFactor: 1, strides: [te.var("s1"), 1] });
  const Cb = tir.declBuffer(c.shape, c.dtype, "C", { offsetFactor: 1, strides: [1] });
  return te.declTensorIntrin(c.op, (ins, outs) => {
    const [aa, bb] = ins;
    const cc = outs[0];
    const update = () => {
      const ib = tir.irBuilder();
      ib.emit(tir.callPacked("gemv_update", cc, aa, bb, m, l, bb.strides[0]));
      return ib.get();
    };
    const reset = () => {
      const ib = tir.irBuilder();
      ib.emit(tir.callPacked("gemv_reset", cc, m));
      return ib.get();
    };
    // The body without a reset accumulates into C, which the caller zeroes (as the tutorial does).
    return withReset ? [update(), reset(), update()] : update();
  }, { binds: new Map([[a, Ab], [b, Bb], [c.op.output(0), Cb]]) });
}

function reference(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(N * M);
  for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) {
    let acc = 0;
    for (let q = 0; q < L; q++) acc += a[i * L + q] * b[j * L + q];
    out[i * M + j] = acc;
  }
  return out;
}

// Tensorize the columns' inner loop and the whole reduction.
let gemv = intrinGemv(factor, L, false);
s.stage(C).tensorize(yi, gemv);
console.log(lower(s, [A, B, C], { simpleMode: true }).toString());

const a = uniform(N * L);
const b = uniform(M * L);
const want = reference(a, b);
let func = build(s, [A, B, C], { target: "llvm" });
let c = nd.empty([N, M]);
func.getFunction("main")(nd.array(a, [N, L]), nd.array(b, [M, L]), c);
assertAllclose("gemv tensorized", c.toTypedArray() as Float32Array, want, 1e-5);

// Reduce-update: split the reduction too; the intrinsic resets C once, then updates it per block.
s = te.createSchedule(C.op);
[x, y] = C.op.axis;
[z] = C.op.reduceAxis;
[yo, yi] = s.stage(C).split(y, { factor });
const [zo, zi] = s.stage(C).split(z, { factor });
s.stage(C).reorder(x, yo, zo, yi, zi);
gemv = intrinGemv(factor, factor, true);
s.stage(C).tensorize(yi, gemv);
console.log(lower(s, [A, B, C], { simpleMode: true }).toString());
func = build(s, [A, B, C], { target: "llvm" });
c = nd.array(new Float32Array(N * M).fill(Number.NaN), [N, M]);
func.getFunction("main")(nd.array(a, [N, L]), nd.array(b, [M, L]), c);
assertAllclose("gemv tensorized with reset and update", c.toTypedArray() as Float32Array, want, 1e-5);

console.log("note: skipped: the inline C micro-kernels (clang + import_llvm); the kernels are JS functions called through tir.callPacked");
