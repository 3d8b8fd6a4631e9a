// Found by the differential fuzzer (npm run fuzz), shrunk: seed 20261204 case 424 (fixed: the same, under a padding consumer).
// It failed with status "wrong": compiled kernel: output 0 ('s3') element 8: got 0, expected -46; interpreter: output 0 ('s3') element 8: got 90, expected -46
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"input","name":"in0","dt":"int8","shape":[{"sym":false,"c":3},{"sym":false,"c":3}]},
    {"kind":"reduce","name":"s0","dt":"int8","shape":[{"sym":false,"c":3}],"raxes":[3],"reducer":"max","body":{"k":"load","dt":"int8","t":0,"idx":[{"ax":0,"off":0},{"ax":1,"off":0}]}},
    {"kind":"compute","name":"s1","dt":"int8","shape":[{"sym":false,"c":3},{"sym":false,"c":3}],"body":[{"k":"load","dt":"int8","t":1,"idx":[{"ax":0,"off":0}]}]},
    {"kind":"extern","name":"s2","dt":"int8","shape":[{"sym":false,"c":3},{"sym":false,"c":3}],"ext":{"src":2,"impl":"js","regionMap":false,"mul":2,"add":0}},
    {"kind":"compute","name":"s3","dt":"int8","shape":[{"sym":false,"c":3},{"sym":false,"c":3}],"body":[{"k":"pad","dt":"int8","t":3,"pads":[1,2],"v":-1}]},
  ] },
  steps: [
    {"kind":"computeAt","stage":"s2","target":"s3","leaf2":1},
    {"kind":"vectorize","stage":"s3","leaf":1},
  ],
  cflags: ["-O1"], cc: "clang", n: 1, dataSeed: 456283155,
};

test("fuzz: seed 20261204 case 424: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
