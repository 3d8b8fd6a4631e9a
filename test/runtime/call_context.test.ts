// The call context of a synchronous kernel call is reused by the next call at the same depth
// (native/call.cc, CallArgs::sync_ctx): calls whose parallel tasks queue JS callbacks to the JS
// thread through it, calls that fail inside a task, and calls made from a callback (one depth
// down) must each start from an empty queue and see only their own callbacks.
import test from "ava";
import { buildFuncs } from "../codegen/helpers.js";
import { primFunc } from "../helpers/prim_func.js";
import { declBuffer } from "../codegen/helpers.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { callPacked } from "../../ts/ir/builtin.js";
import * as op from "../../ts/ir/op.js";
import { type NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";

const R = 8;

// for i in parallel(R): callee(A[i], B[i], i)
function rows(callee: string, name: string) {
  const A = declBuffer([R, 1], "float32", "A");
  const B = declBuffer([R, 1], "float32", "B");
  const ib = irBuilder();
  ib.forRange(0, R, "i", (i) => {
    const a = A.makeSlice([i, op.constant(0)], [op.constant(1), op.constant(1)], (e) => e);
    const b = B.makeSlice([i, op.constant(0)], [op.constant(1), op.constant(1)], (e) => e);
    ib.emit(callPacked(callee, a, b, i));
  }, "parallel");
  return primFunc([A, B], ib.get(), name);
}

let round = 0;
const seen: number[] = [];
registerFunc("test.ctx.row", (a: NDArray, b: NDArray, i: number) => {
  seen.push(i);
  b.set([0, 0], (a.get([0, 0]) as number) + 100 * round + i);
});
registerFunc("test.ctx.fail", (_a: NDArray, _b: NDArray, i: number) => {
  if (i === 3) throw new Error(`row 3 fails in round ${round}`);
});
let inner: ((...a: unknown[]) => unknown) | undefined;
const innerOut = empty([R, 1]);
registerFunc("test.ctx.nested", (_a: NDArray, b: NDArray, i: number) => {
  // On the JS thread, one depth down: a whole synchronous call of a plain kernel.
  if (i === 0) inner!(array(Float32Array.from({ length: R }, (_, k) => k), [R, 1]), innerOut);
  b.set([0, 0], i);
});

const mod = buildFuncs([rows("test.ctx.row", "ctx_row"), rows("test.ctx.fail", "ctx_fail"), rows("test.ctx.nested", "ctx_nested")]);

test.serial("calls in a row, failing ones between them, each see only their own callbacks", (t) => {
  const row = mod.getFunction("ctx_row");
  const fail = mod.getFunction("ctx_fail");
  const A = array(Float32Array.from({ length: R }, (_, k) => k * 0.5), [R, 1]);
  for (round = 0; round < 12; round++) {
    seen.length = 0;
    const B = empty([R, 1]);
    row(A, B);
    t.deepEqual([...seen].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7], `round ${round}`);
    t.deepEqual([...B.toTypedArray()], Array.from({ length: R }, (_, k) => k * 0.5 + 100 * round + k));
    if (round % 3 === 1) t.throws(() => fail(A, empty([R, 1])), { message: new RegExp(`row 3 fails in round ${round}`) });
  }
});

test.serial("a call from a callback (one depth down) leaves the outer call's context working", (t) => {
  inner = mod.getFunction("ctx_row");
  round = 7;
  seen.length = 0;
  const B = empty([R, 1]);
  mod.getFunction("ctx_nested")(array(new Float32Array(R), [R, 1]), B);
  t.deepEqual([...B.toTypedArray()], [0, 1, 2, 3, 4, 5, 6, 7]);
  t.deepEqual([...innerOut.toTypedArray()], Array.from({ length: R }, (_, k) => k + 700 + k));
  // And the outer depth's context is fine for the next call.
  seen.length = 0;
  const B2 = empty([R, 1]);
  mod.getFunction("ctx_row")(array(new Float32Array(R), [R, 1]), B2);
  t.deepEqual([...B2.toTypedArray()], Array.from({ length: R }, (_, k) => 700 + k));
});
