// Found by the differential fuzzer (npm run fuzz), shrunk: seed 20261207 case 1400 (fixed: a padding read clipped at one end only left a negative extent at some iterations of a fused attach loop: an allocation of -1 elements).
// It failed with status "wrong": interpreter failed: interpreter: allocation of 's1' has -1 elements of uint8; expected a non-negative integer
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"compute","name":"s1","dt":"uint8","shape":[{"sym":false,"c":1},{"sym":false,"c":1},{"sym":false,"c":1}],"body":[{"k":"const","dt":"uint8","v":1}]},
    {"kind":"compute","name":"s2","dt":"uint8","shape":[{"sym":false,"c":3},{"sym":false,"c":3},{"sym":false,"c":2}],"body":[{"k":"pad","dt":"uint8","t":0,"pads":[1,2,0],"v":0}]},
  ] },
  steps: [
    {"kind":"computeAt","stage":"s1","target":"s2","leaf2":1},
    {"kind":"fuse","stage":"s2","leaf":0},
  ],
  cflags: ["-O0"], n: 1, dataSeed: 1277978587,
};

test("fuzz: seed 20261207 case 1400: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
