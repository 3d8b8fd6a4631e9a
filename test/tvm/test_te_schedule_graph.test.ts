// Port of TVM v0.10's tests/python/unittest/test_te_schedule_graph.py: the dataflow graphs of
// a TE program (schedule.createReadGraph, schedule.postDFSOrder). The program is also built and
// run. GPU-only cases left out: none. test_scan and test_scan_fix_point need te.scan (todos).

import test from "ava";
import { te, nd, schedule } from "../../ts/index.js";
import { buildAndRun, randomF32, values } from "./helpers.js";

test.todo("test_scan: needs te.scan");
test.todo("test_scan_fix_point: needs te.scan");

test("test_create_read_graph", (t) => {
  const m = te.var("m");
  const l = te.var("l");
  const A = te.placeholder([m, l], "float32", "A");
  const A1 = te.compute([m, l], (i, j) => A.at(i, j));
  const A2 = te.compute([m, l], (i, j) => A1.at(i, j).add(3));
  const g = schedule.createReadGraph([A2.op]);
  t.is(g.get(A2.op)![0], A1);
  t.is(g.get(A1.op)![0], A);
  const postOrder = schedule.postDFSOrder([A2.op], g);
  t.is(postOrder[0], A.op);
  t.is(postOrder[1], A1.op);
  t.is(postOrder[2], A2.op);
  t.deepEqual(schedule.createFeedGraph(g).get(A1), [A2.op]);
  const a = randomF32([4, 5], 1);
  const out = nd.empty([4, 5], "float32");
  buildAndRun(te.createSchedule(A2.op), [A, A2], [a, out]);
  t.deepEqual(values(out), values(a).map((v) => Math.fround(v + 3)));
});
