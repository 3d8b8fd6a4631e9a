// Port of TVM v0.10's tests/python/unittest/test_te_schedule_bound_inference_tiling.py: bound
// inference through two write caches laid out along tiled, split and fused loops, with a
// storage alignment, the second cache computed at a split tile loop. TVM's case reads A past
// its 64 columns (C[n, m] = A[n, m] for m < 256), so it is only lowered there; this port also
// builds it with A as wide as C and checks the copy. GPU-only cases left out: none.

import test from "ava";
import { te, lower, nd, schedule } from "../../ts/index.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import { buildAndRun, randomF32, values } from "./helpers.js";

function compute(mTiles: number, nTiles: number, l: number, factor: number, dtype: string) {
  const M = mTiles * factor;
  const N = nTiles * factor;
  const A = te.placeholder([M, l], dtype, "A");
  const C = te.compute([N, M], (n, m) => A.at(n, m), "C");
  return { s: te.createSchedule(C.op), A, C };
}

function scheduleIt(s: Schedule, factor: number, padding: number, C: te.Tensor): Schedule {
  s.cacheWrite(C, "local");
  let [n, m] = C.op.axis;
  let [, , ni, mi] = s.stage(C).tile(n, m, factor, factor);
  const [, nii] = s.stage(C).split(ni, 2);
  s.stage(C).fuse(nii, mi);
  const CShared = s.cacheWrite(C, "shared");
  [, , ni] = CShared.op.axis;
  s.stage(CShared).storageAlign(ni, factor * 2, padding);
  [n, m] = s.stage(C).op.axis;
  [, , ni] = s.stage(C).tile(n, m, factor, factor);
  s.stage(C).setScope("global");
  const [niio] = s.stage(C).split(ni, 32);
  s.stage(CShared).computeAt(s.stage(C), niio);
  return s;
}

test("test_bound_tile_mod", (t) => {
  const { s, A, C } = compute(2, 2, 64, 128, "float16");
  scheduleIt(s, 128, 8, C);
  t.deepEqual(s.stages.map((st) => st.name), ["A", "C.local", "C.shared", "C"]);
  const bounds = schedule.inferBound(s);
  t.is(bounds.get(s.stages[2].op.axis[2])!.extent.toString(), "16");
  t.notThrows(() => lower(s, [A, C], { simpleMode: true }));

  // Built with A as wide as C (float32: JS has no float16 arrays), the copy is exact.
  const w = compute(2, 2, 256, 128, "float32");
  scheduleIt(w.s, 128, 8, w.C);
  const a = randomF32([256, 256], 1);
  const out = nd.empty([256, 256], "float32");
  buildAndRun(w.s, [w.A, w.C], [a, out]);
  t.deepEqual(values(out), values(a));
});
