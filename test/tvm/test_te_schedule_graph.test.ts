// Port of TVM v0.10's tests/python/unittest/test_te_schedule_graph.py: the dataflow graphs of
// a TE program (schedule.createReadGraph, schedule.postDFSOrder). The program is also built and
// run. GPU-only cases left out: none. test_scan's checks sit in inner functions TVM never calls;
// here they run, and the body is [up1, update] (TVM's listed set also names the scan op, which is
// not part of its own body: ScanGetBody stops at the state placeholder).

import test from "ava";
import { te, nd, schedule } from "../../ts/index.js";
import { buildAndRun, randomF32, values } from "./helpers.js";
import { ScanOp } from "../../ts/te/scan.js";
import type { Tensor } from "../../ts/te/tensor.js";
import { createAttachPath } from "../../ts/schedule/attach_path.js";
import { scanFixPointAnalysis, scanGetBody } from "../../ts/schedule/scan_graph.js";
import { runBoth, table, graphScan } from "./scan_helpers.js";

test("test_scan", (t) => {
  const { xTrans, sUp1, sUpdate, sScan } = graphScan();
  const scanOp = sScan.op as ScanOp;
  // test_getbody
  t.deepEqual(scanGetBody(scanOp), [sUp1.op, sUpdate.op], "inputs first");
  // test_attach_path
  const s = te.createSchedule(sScan.op);
  s.stage(xTrans).computeAt(s.stage(sUpdate), sUpdate.op.axis[0]);
  const apath = createAttachPath(s);
  t.deepEqual(apath.get(sUpdate.op), [scanOp.scanAxis]);
  t.deepEqual(apath.get(xTrans.op), [sUpdate.op.axis[0], scanOp.scanAxis]);
  // test_fix_pt
  const fxpt = scanFixPointAnalysis(scanOp);
  t.not(fxpt.get(scanOp.spatialAxis[0])!.value, 0);
  // and the program runs: res[t] = res[t-1] + 1 + (1 + 1), res[0] = 1
  t.deepEqual(runBoth(s, [sScan], [], [[4, 3]])[0], table(4, 3, (tt) => 1 + 3 * tt));
});
test("test_scan_fix_point", (t) => {
  const m = te.var("m");
  const n = te.var("n");
  const l = te.var("l");
  const x = te.compute([l, m, n], () => te.const(1, "float32"), "x");
  const sState = te.placeholder([l, m, n]);
  const sInit = te.compute([1, m, n], (_, i, j) => x.at(0, i, j), "s_init");
  const fix = (res: Tensor) => {
    const op = res.op as ScanOp;
    const f = scanFixPointAnalysis(op);
    return op.spatialAxis.map((iv) => f.get(iv)!.value);
  };
  // test_scan0
  {
    const sUpdate = te.compute([l, m, n], (tt, i, j) => x.at(tt, j, i).add(sState.at(tt.sub(1), i, j)), "update");
    const sScan = te.scan(sInit, sUpdate, sState);
    t.deepEqual(scanGetBody(sScan.op as ScanOp), [sUpdate.op]);
    t.deepEqual(fix(sScan), [1, 1], "test_scan0");
  }
  // test_scan1
  {
    const sUpdate = te.compute([l, m, n], (tt, i, j) => x.at(tt, j, i).add(sState.at(tt.sub(1), j, i)), "update");
    t.deepEqual(fix(te.scan(sInit, sUpdate, sState)), [0, 0], "test_scan1");
  }
  // test_scan3_not_exact_reach
  {
    const sH1 = te.compute([l, n, m], (tt, j, i) => sState.at(tt.sub(1), i, j), "h1");
    const sH2 = te.compute([l, m, n], (tt, i, _j) => sState.at(tt.sub(1), i, 10).mul(2), "h1");
    const sUpdate = te.compute([l, m, n], (tt, i, j) => sH1.at(tt, j, i).add(sH2.at(tt, i, j)), "update");
    t.deepEqual(fix(te.scan(sInit, sUpdate, sState)), [1, 0], "test_scan3_not_exact_reach");
  }
  // test_scan4_reach_other
  {
    const sH1 = te.compute([l, n, m], (tt, j, _i) => sState.at(tt.sub(1), j, j), "h1");
    const sH2 = te.compute([l, m, n], (tt, i, j) => sState.at(tt.sub(1), i, j).mul(2), "h1");
    const sUpdate = te.compute([l, m, n], (tt, i, j) => sH1.at(tt, j, i).add(sH2.at(tt, i, j)), "update");
    t.deepEqual(fix(te.scan(sInit, sUpdate, sState)), [0, 0], "test_scan4_reach_other");
  }
  // test_scan5_multi_output
  {
    const m2 = te.var("m");
    const n2 = te.var("n");
    const x1 = te.placeholder([m2, n2]);
    const s1 = te.placeholder([m2, n2]);
    const x2 = te.placeholder([m2, n2]);
    const s2 = te.placeholder([m2, n2]);
    const s1Init = te.compute([1, n2], (_, i) => x1.at(0, i));
    const s2Init = te.compute([1, n2], (_, i) => x2.at(0, i));
    const s1Update = te.compute([m2, n2], (tt, i) => s1.at(tt.sub(1), i).add(x1.at(tt, i)));
    const s2Update = te.compute([m2, n2], (tt, i) => x2.at(tt, i).add(s2.at(tt.sub(1), i)));
    const [r0, r1] = te.scan([s1Init, s2Init], [s1Update, s2Update], [s1, s2]) as Tensor[];
    t.deepEqual(scanGetBody(r0.op as ScanOp), [s1Update.op, s2Update.op]);
    const f = scanFixPointAnalysis(r1.op as ScanOp);
    t.is(f.get((r1.op as ScanOp).spatialAxis[0])!.value, 1, "test_scan5_multi_output");
  }
});

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
