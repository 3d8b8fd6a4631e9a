import test from "ava";
import { te } from "../../ts/index.js";
import type { PrimFunc } from "../../ts/ir/function.js";
import { scheduleToPrimFunc } from "../../ts/lower.js";
import { loopPartition } from "../../ts/transform/loop_partition.js";
import { removeNoOp } from "../../ts/transform/remove_no_op.js";
import { storageRewrite } from "../../ts/transform/storage_rewrite.js";
import { unrollLoop } from "../../ts/transform/unroll_loop.js";
import { vectorizeLoop } from "../../ts/transform/vectorize_loop.js";
import { assertSameResults, loops, quiet } from "./helpers.js";

const PASSES: [string, (f: PrimFunc) => PrimFunc][] = [
  ["loopPartition", (f) => loopPartition(f, { partitionConstLoop: true })],
  ["vectorizeLoop", (f) => vectorizeLoop(f)],
  ["storageRewrite", (f) => storageRewrite(f)],
  ["unrollLoop", (f) => unrollLoop(f)],
  ["removeNoOp", (f) => removeNoOp(f)],
];

test("a pass given something other than a PrimFunc says so", (t) => {
  for (const [name, pass] of PASSES) {
    t.throws(() => pass({} as PrimFunc), { message: new RegExp(`^${name}: expected a PrimFunc, got an object`) }, name);
    t.throws(() => pass(undefined as unknown as PrimFunc), { message: new RegExp(`^${name}: expected a PrimFunc, got undefined`) }, name);
  }
});

test("on a function not yet flattened, every pass keeps results (a vectorized loop stays serial)", (t) => {
  const A = te.placeholder([10, 8], "float32", "A");
  const B = te.compute([10, 8], (i, j) => A.at(i, j).mul(2), "B");
  const C = te.compute([10, 8], (i, j) => B.at(i, j).add(1), "C");
  const s = te.createSchedule(C.op);
  const st = s.stage(C);
  const [, ji] = st.split(st.op.axis[1], { factor: 4 });
  st.vectorize(ji);
  st.unroll(st.leafIterVars[1]);
  const f = scheduleToPrimFunc(s, [A, C], quiet);
  for (const [name, pass] of PASSES) {
    const g = pass(f);
    assertSameResults(t, f, g, { what: name, interp: {} });
  }
  t.false(loops(vectorizeLoop(f).body).some((l) => l.forKind === "vectorized"));
});
