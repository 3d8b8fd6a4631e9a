// Found by the differential fuzzer (npm run fuzz), shrunk: seed 20261203 case 2648 (fixed: a producer computed at a loop of a tiled extern was given the extern's tile axes as fixed loop variables, though they are not loops, so its region used an undefined variable).
// It failed with status "build": codegen(fuzz_case_x0): variable 's4.ax0' is used but not defined here (a parameter missing from the argument list, or a variable used outside the statement that binds it)
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"compute","name":"s2","dt":"int32","shape":[{"sym":false,"c":2},{"sym":false,"c":2},{"sym":false,"c":2}],"body":[{"k":"const","dt":"int32","v":1}]},
    {"kind":"extern","name":"s4","dt":"int32","shape":[{"sym":false,"c":2},{"sym":false,"c":2},{"sym":false,"c":2}],"ext":{"src":0,"impl":"js","regionMap":true,"mul":3,"add":0}},
  ] },
  steps: [
    {"kind":"split","stage":"s4","leaf":2,"factor":1,"nparts":false},
    {"kind":"computeAt","stage":"s2","target":"s4","leaf2":2},
  ],
  cflags: ["-O1"], n: 1, dataSeed: 380913207,
};

test("fuzz: seed 20261203 case 2648: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
