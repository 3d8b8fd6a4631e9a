// Found by the differential fuzzer (npm run fuzz), shrunk: seed 20261204 case 1237 (fixed: an opaque extern computed inside a vectorized loop wrote its output through the handle, but the vectorizer had given that allocation one copy per lane, so the loop read copies the extern never wrote).
// It failed with status "wrong": compiled kernel: output 0 ('s2') element 0: got 129, expected 151; interpreter: output 0 ('s2') element 0: got 129, expected 151
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"input","name":"in0","dt":"uint8","shape":[{"sym":false,"c":2},{"sym":false,"c":2}]},
    {"kind":"extern","name":"s1","dt":"uint8","shape":[{"sym":false,"c":2},{"sym":false,"c":2}],"ext":{"src":0,"impl":"js","regionMap":false,"mul":-1,"add":1}},
    {"kind":"reduce","name":"s2","dt":"uint8","shape":[{"sym":false,"c":2}],"raxes":[2],"reducer":"min","body":{"k":"load","dt":"uint8","t":1,"idx":[{"ax":0,"off":0},{"ax":1,"off":0}]}},
  ] },
  steps: [
    {"kind":"computeAt","stage":"s1","target":"s2","leaf2":1},
    {"kind":"vectorize","stage":"s2","leaf":0},
  ],
  cflags: ["-O1"], n: 1, dataSeed: 826287401,
};

test("fuzz: seed 20261204 case 1237: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
