// Found by the differential fuzzer (npm run fuzz), shrunk: seed 2 case 350 (fixed: a region-mapped extern tiled twice over symbolic extents gets a tile with a negative extent; with constant extents, or n >= 3, it passes).
// It failed with status "wrong": compiled kernel failed: argument 0 of packed function 'fuzz_extern_18864_28' has a negative extent in dimension 0; interpreter failed: NDArray: shape[0] must be a non-negative integer, got -1
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"input","name":"in0","dt":"int32","shape":[{"sym":true,"c":0},{"sym":true,"c":3},{"sym":true,"c":2}]},
    {"kind":"extern","name":"s1","dt":"int32","shape":[{"sym":true,"c":0},{"sym":true,"c":3},{"sym":true,"c":2}],"ext":{"src":0,"impl":"js","regionMap":true,"mul":2,"add":0}},
  ] },
  steps: [
    {"kind":"tile","stage":"s1","leaf":0,"factor":4,"factor2":3},
    {"kind":"tile","stage":"s1","leaf":1,"factor":5,"factor2":2},
  ],
  cflags: [], cc: "clang", n: 1, dataSeed: 1745066959,
};

test("fuzz: seed 2 case 350: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
