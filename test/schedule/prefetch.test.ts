// Stage.prefetch (TVM's s[B].prefetch(A, axis, offset)): the lowered text, the C call, unchanged
// numbers (compiled and interpreted), and the refusals.
import test from "ava";
import { build, lower, nd, te } from "../../ts/index.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { interpret } from "../../ts/interp/index.js";
import { bodyText } from "../transform/helpers.js";

function rowSum(n: number) {
  const k = te.reduceAxis([0, n], "k");
  const A = te.placeholder([n, n], "float32", "A");
  const B = te.compute([n], (i) => te.sum(A.at(i, k), k), "B");
  return { A, B, s: te.createSchedule(B.op) };
}

test("prefetching the next iteration's row element: one prefetch a cache line, cut at the tensor's end", (t) => {
  const { A, B, s } = rowSum(64);
  s.stage(B).prefetch(A, B.op.reduceAxis[0], 1);
  t.is(bodyText(lower(s, [A, B], { simpleMode: true })), [
    "  for (i: int32, 0, 64) {",
    "    B_2[i] = 0f32",
    "    for (k: int32, 0, 64) {",
    "      for (prefetch.A.1: int32, 0, floordiv((min(2, (64 - k)) + 14), 16)) {",
    "        @tir.prefetch(@tir.address_of((float32*)A_2[((((i*64) + (prefetch.A.1*16)) + k) + 1)], dtype=handle), 0, 3, 1, dtype=int32)",
    "      }",
    "      B_2[i] = ((float32*)B_2[i] + (float32*)A_2[((i*64) + k)])",
    "    }",
    "  }",
  ].join("\n"));
  const c = generateC(lower(s, [A, B])).source;
  t.regex(c, /__builtin_prefetch\(\(&A\[\(\(\(\(i \* 64\) \+ \(prefetch_A_1 \* 16\)\) \+ k\) \+ 1\)\]\), 0, 3\)/);
});

test("a tile's next block prefetched at the outer loop: the region covers the inner loops, results unchanged", (t) => {
  const n = 48;
  const k = te.reduceAxis([0, n], "k");
  const A = te.placeholder([n, n], "float32", "A");
  const W = te.placeholder([n, n], "float32", "W");
  const C = te.compute([n, n], (i, j) => te.sum(A.at(i, k).mul(W.at(k, j)), k), "C");
  const s = te.createSchedule(C.op);
  const st = s.stage(C);
  const [io, jo, ii, ji] = st.tile(C.op.axis[0], C.op.axis[1], 8, 16);
  const [ko, ki] = st.split(C.op.reduceAxis[0], { factor: 4 });
  st.reorder(io, jo, ko, ii, ki, ji);
  st.prefetch(W, ko, 1);
  st.prefetch(A, io, 1);
  const text = lower(s, [A, W, C], { simpleMode: true }).toString();
  // W's block for k.outer + 1: 4 rows of k, the 16 columns of the j tile (one line of 16 floats),
  // none at the last k.outer.
  t.true(text.includes([
    "      for (k.outer: int32, 0, 12) {",
    "        for (prefetch.W.0: int32, 0, (min(8, (48 - (k.outer*4))) - 4)) {",
    "          @tir.prefetch(@tir.address_of((float32*)W_2[((((k.outer*192) + (prefetch.W.0*48)) + (j.outer*16)) + 192)], dtype=handle), 0, 3, 1, dtype=int32)",
    "        }",
  ].join("\n")), text);
  // A's next row block: 8 rows of 48 floats, three cache lines a row.
  t.true(text.includes([
    "    for (prefetch.A.0: int32, 0, (min(16, (48 - (i.outer*8))) - 8)) {",
    "      for (prefetch.A.1: int32, 0, 3) {",
    "        @tir.prefetch(@tir.address_of((float32*)A_2[((((i.outer*384) + (prefetch.A.0*48)) + (prefetch.A.1*16)) + 384)], dtype=handle), 0, 3, 1, dtype=int32)",
  ].join("\n")), text);
  const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 11) - 5);
  const w = Float32Array.from({ length: n * n }, (_, i) => ((i * 3) % 13) - 6);
  const want = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let kk = 0; kk < n; kk++) acc += a[i * n + kk] * w[kk * n + j];
    want[i * n + j] = acc;
  }
  const out = nd.empty([n, n], "float32");
  build(s, [A, W, C]).getFunction("main")(nd.array(a, [n, n]), nd.array(w, [n, n]), out);
  t.deepEqual(Array.from(out.toTypedArray()), Array.from(want));
  const out2 = nd.empty([n, n], "float32");
  interpret(lower(s, [A, W, C]), [nd.array(a, [n, n]), nd.array(w, [n, n]), out2]);
  t.deepEqual(Array.from(out2.toTypedArray()), Array.from(want));
  // A checked build accepts every prefetch address (they stay inside the tensors).
  const out3 = nd.empty([n, n], "float32");
  build(s, [A, W, C], { boundsCheck: true }).getFunction("main")(nd.array(a, [n, n]), nd.array(w, [n, n]), out3);
  t.deepEqual(Array.from(out3.toTypedArray()), Array.from(want));
});

test("prefetch refuses a tensor the stage does not read, a one-iteration loop, a vectorized loop and a fractional offset", (t) => {
  const { A, B, s } = rowSum(8);
  const other = te.placeholder([8], "float32", "X");
  t.throws(() => s.stage(B).prefetch(other, B.op.reduceAxis[0], 1), { message: "stage 'B': cannot prefetch 'X', which this stage does not read (it reads 'A')" });
  t.throws(() => s.stage(B).prefetch(A, B.op.reduceAxis[0], 1.5), { message: "stage 'B': prefetch offset must be an integer, got number 1.5" });
  const [, inner] = s.stage(B).split(B.op.axis[0], { factor: 1 });
  s.stage(B).prefetch(A, inner, 1);
  t.throws(() => lower(s, [A, B]), { message: "stage 'B': cannot prefetch in loop 'i.inner', which has one iteration (prefetch in a loop around it)" });
  const r = rowSum(8);
  const C = te.compute([8, 8], (i, j) => r.A.at(i, j).mul(2), "C");
  const s2 = te.createSchedule(C.op);
  s2.stage(C).vectorize(C.op.axis[1]);
  s2.stage(C).prefetch(r.A, C.op.axis[1], 8);
  t.throws(() => lower(s2, [r.A, C]), { message: "prefetch of 'A' in loop 'j': the loop is or is inside a vectorized loop; prefetch in a loop outside the vectorized one" });
});
