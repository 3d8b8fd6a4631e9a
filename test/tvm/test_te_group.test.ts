// Port of TVM v0.10's tests/python/unittest/test_te_group.py: schedule groups
// (Schedule.createGroup). Besides TVM's assertions on group membership, each case builds the
// grouped schedule and checks its output against a JS reference.
// GPU-only cases left out: none.

import test from "ava";
import { te, lower, nd } from "../../ts/index.js";
import { buildAndRun, values } from "./helpers.js";

function chain() {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const x = te.compute([m, n], () => te.const(1, "float32"), "x");
  const x1 = te.compute(x.shape, (...i) => x.at(...i).add(1), "x1");
  const x2 = te.compute(x.shape, (...i) => x1.at(...i).add(2), "x2");
  return { x, x1, x2 };
}

/** Every element of x2 is 1 + 1 + 2. */
function checkChain(t: import("ava").ExecutionContext, s: te.Schedule, x2: te.Tensor): void {
  const out = nd.empty([5, 7], "float32");
  buildAndRun(s, [x2], [out]);
  t.deepEqual(values(out), new Array(35).fill(4));
}

test("test_scan_group", (t) => {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const x = te.compute([m, n], () => te.const(1, "float32"), "x");
  const sState = te.placeholder([m, n], "float32", "s_state");
  const sInit = te.compute([1, n], (_, i) => x.at(0, i), "s_init");
  const sUpdate1 = te.compute([m, n], (tt, i) => sState.at(tt.sub(1), i).add(x.at(tt, i)), "s_update1");
  const sUpdate2 = te.compute([m, n], (tt, i) => sUpdate1.at(tt, i).add(1), "s_update2");
  const sUpdate3 = te.compute([m, n], (tt, i) => sUpdate2.at(tt, i).add(1), "s_update3");
  const res = te.scan(sInit, sUpdate3, sState, { inputs: [x] });
  const s = te.createSchedule(res.op);
  // The scan's body is a group of its own.
  t.not(s.stage(sUpdate1).group, undefined);
  t.not(s.stage(sUpdate1).group, null);
  t.is(s.stage(sUpdate2).group, s.stage(sUpdate1).group);
  // Placing within the group is valid.
  s.stage(sUpdate1).computeAt(s.stage(sUpdate2), sUpdate2.op.axis[1]);
  // A new group for s_update2 and s_update1, nested in the scan body's group.
  const g2 = s.createGroup(sUpdate2, [sState, x]);
  t.not(g2.group, undefined);
  t.is(g2.group, s.stage(sUpdate3).group);
  t.is(s.stage(sUpdate2).group, g2);
  t.is(s.stage(sUpdate1).group, g2);
  g2.computeAt(s.stage(sUpdate3), sUpdate3.op.axis[1]);
  t.is(g2.attachStage, s.stage(sUpdate3));
  // Placing a member outside its group is refused (tejit first finds that s_init does not read it).
  t.throws(() => s.stage(sUpdate2).computeAt(s.stage(sInit), sInit.op.axis[0]), {
    message: "stage 's_update2': cannot compute at 's_init', which does not read 's_update2' (directly or through other stages)",
  });
  // A body stage computed at a stage outside the scan body is refused by the group.
  const y = te.compute([m, n], (i, j) => res.at(i, j).mul(2), "y");
  const s2 = te.createSchedule(y.op);
  t.throws(() => s2.stage(sUpdate3).computeAt(s2.stage(y), y.op.axis[1]), { message: /outside its group-stage\(s_update3\)/ });
  // Runs: res[0, i] = 1, res[t, i] = res[t - 1, i] + 1 + 1 + 1.
  const out = nd.empty([4, 3], "float32");
  buildAndRun(s, [res], [out]);
  t.deepEqual(values(out), [1, 1, 1, 4, 4, 4, 7, 7, 7, 10, 10, 10]);
});

test("test_compute_group", (t) => {
  const { x, x1, x2 } = chain();
  const s = te.createSchedule(x2.op);
  const g = s.createGroup(x1, x, true);
  t.is(s.stage(x1).group, g);
  t.is(s.stage(x).group, g);
  g.computeAt(s.stage(x2), x2.op.axis[1]);
  t.is(g.attachStage, s.stage(x2));
  t.is(g.numChildStages, 2);
  // Both members are computed inside x2's inner loop: one element each.
  t.is(lower(s, [x2], { simpleMode: true }).toString().split("\n").slice(4).join("\n"), [
    "  attr [x: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(x, float32, [1]);",
    "  for (i0: int32, 0, m) {",
    "    for (i1: int32, 0, n) {",
    "      x[0] = 1f32",
    "      x[0] = ((float32*)x[0] + 1f32)",
    "      x2_2[((i0*n) + i1)] = ((float32*)x[0] + 2f32)",
    "    }",
    "  }",
    "}",
  ].join("\n"));
  checkChain(t, s, x2);
});

test("test_nest_group", (t) => {
  const { x, x1, x2 } = chain();
  const s = te.createSchedule(x2.op);
  const g1 = s.createGroup(x1, x);
  const g2 = s.createGroup(x1, x, true);
  t.deepEqual(new Set(s.groups), new Set([g1, g2]));
  t.is(s.stage(x).group, g2);
  t.is(s.stage(x1).group, g1);
  t.is(g1.group, g2);
  t.is(g2.numChildStages, 2);
  t.is(g1.numChildStages, 1);
  // Placing the outer group places the nested one with it.
  g2.computeAt(s.stage(x2), x2.op.axis[0]);
  t.is(lower(s, [x2], { simpleMode: true }).toString().split("\n").slice(4).join("\n"), [
    "  attr [x: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(x, float32, [n]);",
    "  for (i0: int32, 0, m) {",
    "    for (i1: int32, 0, n) {",
    "      x[i1] = 1f32",
    "    }",
    "    for (i1_1: int32, 0, n) {",
    "      x[i1_1] = ((float32*)x[i1_1] + 1f32)",
    "    }",
    "    for (i1_2: int32, 0, n) {",
    "      x2_2[((i0*n) + i1_2)] = ((float32*)x[i1_2] + 2f32)",
    "    }",
    "  }",
    "}",
  ].join("\n"));
  checkChain(t, s, x2);
});
