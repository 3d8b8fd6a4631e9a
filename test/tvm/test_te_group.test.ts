// Port of TVM v0.10's tests/python/unittest/test_te_group.py: schedule groups
// (Schedule.createGroup). Besides TVM's assertions on group membership, each case builds the
// grouped schedule and checks its output against a JS reference.
// GPU-only cases left out: none. test_scan_group needs te.scan (a todo until it lands).

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

test.todo("test_scan_group: needs te.scan");

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
