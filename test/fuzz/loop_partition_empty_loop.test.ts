// Found by the differential fuzzer (npm run fuzz), shrunk: seed 20261209 case 2168 (fixed: loop partition peeled the iteration ax0.outer = 1 of a loop whose symbolic extent floordiv(max(i, 1), 2) + 1 is 1 at i < 2, proving the parts' order only for a loop that runs, so the compiled kernel stored past the 4-element cache; the parts are now guarded by the loop's condition where that proof was needed).
// It failed with status "wrong": interpreter failed: interpreter: out-of-bounds store to 'in0.local': index 4 is outside [0, 4) (4 elements) in in0.local[(((ax0.inner*2) + ax1.inner) + 4)] = (float64*)in0[(((ax0.inner*2) + ax1.inner) + 4)]
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"input","name":"in0","dt":"float64","shape":[{"sym":false,"c":3},{"sym":false,"c":2}]},
    {"kind":"reduce","name":"s1","dt":"float64","shape":[{"sym":false,"c":3},{"sym":false,"c":2}],"raxes":[2],"reducer":"sum","body":{"k":"bin","dt":"float64","op":"mul","a":{"k":"load","dt":"float64","t":0,"idx":[{"ax":0,"off":0},{"ax":2,"off":0}]},"b":{"k":"load","dt":"float64","t":0,"idx":[{"ax":2,"off":0},{"ax":1,"off":0}]}}},
  ] },
  steps: [
    {"kind":"cacheRead","stage":"in0","tensor":0,"readers":["s1"],"scope":"local"},
    {"kind":"computeAt","stage":"in0.local","target":"s1","leaf2":0},
    {"kind":"tile","stage":"in0.local","leaf":0,"factor":2,"factor2":16},
  ],
  cflags: ["-O0"], n: 1, dataSeed: 2081302213,
};

test("fuzz: seed 20261209 case 2168: compiled kernel and interpreter agree with the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
