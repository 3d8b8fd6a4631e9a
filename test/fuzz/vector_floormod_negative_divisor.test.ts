// Found by the differential fuzzer (npm run fuzz), shrunk: seed 20261207 case 6539 (fixed: the simplifier made floormod(ramp(i, -1, 2), -3) a ramp, as if no lane crossed a multiple of -3).
// It failed with status "wrong": compiled kernel: output 0 ('s0') element 3: got -3, expected 0; interpreter: output 0 ('s0') element 3: got -3, expected 0
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"compute","name":"s0","dt":"int32","shape":[{"sym":false,"c":2},{"sym":false,"c":1},{"sym":false,"c":2}],"body":[{"k":"bin","dt":"int32","op":"floormod","a":{"k":"bin","dt":"int32","op":"sub","a":{"k":"axis","dt":"int32","ax":0},"b":{"k":"axis","dt":"int32","ax":2}},"b":{"k":"const","dt":"int32","v":-3}}]},
  ] },
  steps: [
    {"kind":"vectorize","stage":"s0","leaf":2},
  ],
  cflags: ["-O3"], n: 1, dataSeed: 459223965,
};

test("fuzz: seed 20261207 case 6539: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
