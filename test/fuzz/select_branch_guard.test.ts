// Found by the differential fuzzer (npm run fuzz), shrunk: seed 20261210 case 9723 (fixed: the simplifier simplified a select's false side under the negated condition, dropping the max(in0[i], 1) that kept the division safe; a select evaluates both sides, so the interpreter divided by zero, and a vectorized kernel returned a spurious division-by-zero error; the shrinker then removed the max itself, which is why the program below divides by in0[i] — it is now 'invalid' (undefined behaviour), not wrong, and the original case passes).
// It failed with status "wrong": interpreter failed: interpreter: integer division by zero in (-4 / (int32*)in0[i0])
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = {
  program: { stages: [
    {"kind":"input","name":"in0","dt":"int32","shape":[{"sym":false,"c":3}]},
    {"kind":"compute","name":"s0","dt":"int32","shape":[{"sym":false,"c":3}],"body":[{"k":"select","dt":"int32","cmp":"le","l":{"k":"load","dt":"int32","t":0,"idx":[{"ax":0,"off":0}]},"r":{"k":"const","dt":"int32","v":6},"a":{"k":"const","dt":"int32","v":6},"b":{"k":"bin","dt":"int32","op":"div","a":{"k":"const","dt":"int32","v":-4},"b":{"k":"load","dt":"int32","t":0,"idx":[{"ax":0,"off":0}]}}}]},
  ] },
  steps: [],
  cflags: ["-O3"], n: 1, dataSeed: 2099975481,
};

test("fuzz: seed 20261210 case 9723: a select's unselected side that divides by zero is undefined behaviour, seen as such by the reference", (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "invalid", r.detail);
});

test("fuzz: seed 20261210 case 9723 as generated (the divisor guarded by max(x, 1)) passes, scalar and vectorized", (t) => {
  const guarded = JSON.parse(JSON.stringify(fuzzCase)) as Case;
  const body = (guarded.program.stages[1] as { body: { b: { b: unknown } }[] }).body[0];
  body.b.b = { k: "bin", dt: "int32", op: "max", a: body.b.b, b: { k: "const", dt: "int32", v: 1 } };
  t.is(checkCase(guarded).status, "pass");
  t.is(checkCase({ ...guarded, steps: [{ kind: "vectorize", stage: "s0", leaf: 0 }] }).status, "pass");
});
