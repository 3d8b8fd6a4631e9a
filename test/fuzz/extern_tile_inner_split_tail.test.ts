// Found by the differential fuzzer (npm run fuzz), shrunk: seed 20261209 case 14174 (fixed: the tile of a tiled extern over a split of a split axis covered the iterations the inner split's tail adds past its parent, so at s1.ax0.outer = 0 the last tile read element 5 of a 5-element cache; the tile's upward pass now cuts each split's parent to its range).
// It failed with status "known-extern-tile" (counted apart then): interpreter failed: interpreter: out-of-bounds load from 'in1.global': index 5 is outside [0, 5) (5 elements) in (int8*)in1.global[((s1.ax0.inner.outer*2) + e0)]
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"input","name":"in1","dt":"int8","shape":[{"sym":false,"c":6}]},
    {"kind":"extern","name":"s1","dt":"int8","shape":[{"sym":false,"c":6}],"ext":{"src":0,"impl":"irbuilder","regionMap":true,"mul":2,"add":0}},
  ] },
  steps: [
    {"kind":"split","stage":"s1","leaf":0,"factor":5,"nparts":false},
    {"kind":"split","stage":"s1","leaf":1,"factor":3,"nparts":true},
    {"kind":"cacheRead","stage":"in1","tensor":0,"readers":["s1"],"scope":"global"},
    {"kind":"computeAt","stage":"in1.global","target":"s1","leaf2":0},
  ],
  cflags: ["-O0"], cc: "clang", n: 1, dataSeed: 354999157,
};

test("fuzz: seed 20261209 case 14174: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
