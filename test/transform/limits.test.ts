// The size limits of the vectorize and unroll passes (docs/reliability.md, "Limits"): an input
// past a limit is refused at once with a message naming the loop, its extent and the limit, so
// no schedule makes lower() or the C compiler run for minutes.
import test from "ava";
import { te, lower, build } from "../../ts/index.js";
import { MAX_VECTOR_LANES } from "../../ts/transform/vectorize_loop.js";
import { MAX_UNROLLED_STATEMENTS } from "../../ts/transform/unroll_loop.js";
import { bodyText } from "./helpers.js";
import type { Stage } from "../../ts/schedule/stage.js";
import type { IterVar } from "../../ts/ir/iter_var.js";

function doubled(n: number, mark: (s: Stage, axis: IterVar) => void) {
  const A = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (i) => A.at(i).mul(2), "B");
  const s = te.createSchedule(B.op);
  mark(s.stage(B), B.op.axis[0]);
  return { s, args: [A, B] };
}

test("vectorizing 65,536 lanes is refused at once, naming the loop, its extent and the limit", (t) => {
  const { s, args } = doubled(65536, (st, ax) => st.vectorize(ax));
  const message = `vectorize: loop 'i' has extent 65536, more than the ${MAX_VECTOR_LANES} vector lanes allowed ` +
    `(docs/reliability.md, "Limits"); split it first and vectorize the inner axis ` +
    `(const [o, i] = stage.split(axis, {factor: 16}); stage.vectorize(i))`;
  t.throws(() => lower(s, args), { message });
  t.throws(() => build(s, args), { message });
});

test("a vector of exactly the lane limit still vectorizes; one lane more is refused", (t) => {
  const ok = doubled(MAX_VECTOR_LANES, (st, ax) => st.vectorize(ax));
  t.is(bodyText(lower(ok.s, ok.args)),
    `  B_2[ramp(0, 1, ${MAX_VECTOR_LANES})] = ((float32x${MAX_VECTOR_LANES}*)A_2[ramp(0, 1, ${MAX_VECTOR_LANES})]*broadcast(2f32, ${MAX_VECTOR_LANES}))`);
  const over = doubled(MAX_VECTOR_LANES + 1, (st, ax) => st.vectorize(ax));
  t.throws(() => lower(over.s, over.args), { message: new RegExp(`^vectorize: loop 'i' has extent ${MAX_VECTOR_LANES + 1}, more than the ${MAX_VECTOR_LANES} vector lanes`) });
  // disableVectorize leaves the loop serial: no vector, no limit.
  t.is(bodyText(lower(over.s, over.args, { disableVectorize: true })).split("\n")[0], `  for (i: int32, 0, ${MAX_VECTOR_LANES + 1}) {`);
});

for (const n of [4096, 16384]) {
  test(`unrolling ${n} iterations is refused at once, naming the loop, its extent and the limit`, (t) => {
    const { s, args } = doubled(n, (st, ax) => st.unroll(ax));
    const message = `unroll: loop 'i' (extent ${n}, 1 statement in its body) would add ${n - 1} statements; ` +
      `the limit is ${MAX_UNROLLED_STATEMENTS} unrolled statements per function (C compilers slow down quadratically past it; ` +
      `docs/reliability.md, "Limits"). Split the loop and unroll a smaller inner part, or build with unrollExplicit: false`;
    t.throws(() => lower(s, args), { message });
    t.throws(() => build(s, args), { message });
  });
}

test("the unroll budget counts nested unrolled loops and the loops unrolled before in the function", (t) => {
  // 64 x 64 nested: the inner loop adds 63, the outer would add 63 * 64 more.
  const A = te.placeholder([64, 64], "float32", "A");
  const B = te.compute([64, 64], (i, j) => A.at(i, j).add(1), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).unroll(B.op.axis[0]);
  s.stage(B).unroll(B.op.axis[1]);
  t.throws(() => lower(s, [A, B]), { message: /^unroll: loop 'i' \(extent 64, 64 statements in its body\) would add 4032 statements after 63 statements unrolled elsewhere in the function; the limit is 1024/ });
  // Two stages of 600 each: the second crosses the function's budget.
  const C = te.placeholder([600], "float32", "C");
  const D = te.compute([600], (i) => C.at(i).add(1), "D");
  const E = te.compute([600], (i) => D.at(i).mul(3), "E");
  const s2 = te.createSchedule(E.op);
  s2.stage(D).unroll(D.op.axis[0]);
  s2.stage(E).unroll(E.op.axis[0]);
  t.throws(() => lower(s2, [C, E]), { message: /^unroll: loop 'i' \(extent 600, 1 statement in its body\) would add 599 statements after 599 statements unrolled elsewhere in the function; the limit is 1024/ });
});

test("vector statements count once per 128-bit piece; unrollExplicit false keeps big loops as loops", (t) => {
  // 128 iterations of a float32x64 store (16 pieces): 127 * 16 more statements, over the budget.
  const A = te.placeholder([128, 64], "float32", "A");
  const B = te.compute([128, 64], (i, j) => A.at(i, j).add(1), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).unroll(B.op.axis[0]);
  s.stage(B).vectorize(B.op.axis[1]);
  t.throws(() => lower(s, [A, B]), { message: /^unroll: loop 'i' \(extent 128, 16 statements in its body\) would add 2032 statements; the limit is 1024/ });
  const big = doubled(16384, (st, ax) => st.unroll(ax));
  t.is(bodyText(lower(big.s, big.args, { unrollExplicit: false })).split("\n")[0], "  for (i: int32, 0, 16384) \"unroll\" {");
});

test("automatic unrolling past the budget leaves the loop a loop instead of failing", (t) => {
  const { s, args } = doubled(4096, () => {});
  t.is(bodyText(lower(s, args, { autoUnrollMaxExtent: 8192 })).split("\n")[0], "  for (i: int32, 0, 4096) {");
  const small = doubled(4, () => {});
  t.is(bodyText(lower(small.s, small.args, { autoUnrollMaxExtent: 8192 })).split("\n").length, 4);
});
