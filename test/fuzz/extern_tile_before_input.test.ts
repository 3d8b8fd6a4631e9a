// Found by the differential fuzzer (npm run fuzz), shrunk: seed 100 case 45 (fixed: a region-mapped extern computed at a padding consumer reads its input at index -1).
// It failed with status "wrong": interpreter failed: argument 0 of packed call 'fuzz_extern_1032_95' (in1): the view of 'in1' with shape [1], strides [1] and elem_offset -1 reaches elements -1..-1, outside [0, 2) of 'in1'
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"input","name":"in1","dt":"uint8","shape":[{"sym":false,"c":2}]},
    {"kind":"extern","name":"s0","dt":"uint8","shape":[{"sym":false,"c":2}],"ext":{"src":0,"impl":"js","regionMap":true,"mul":-1,"add":3}},
    {"kind":"compute","name":"s2","dt":"uint8","shape":[{"sym":false,"c":2}],"body":[{"k":"pad","dt":"uint8","t":1,"pads":[1],"v":0}]},
  ] },
  steps: [
    {"kind":"computeAt","stage":"s0","target":"s2","leaf2":0},
  ],
  cflags: ["-O3"], n: 1, dataSeed: 312721815,
};

test("fuzz: seed 100 case 45: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
