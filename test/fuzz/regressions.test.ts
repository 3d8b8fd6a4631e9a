// Compiler bugs the differential fuzzer found, each as the program that showed it (shrunk by
// the fuzzer, then written out by hand so it fails without the fix).

import test from "ava";
import "../runtime/helpers.js"; // a private compile cache for this test process
import { te, lower, build, nd } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";

test("casting an integer constant wraps it to the target type: (uint8)(int8)-2 is 254, also where the simplifier compares it", (t) => {
  // Fuzz seed 77 case 73: the folded constant stayed -2 as a uint8, so `(uint8)-2 > 100` folded to false.
  const c = te.const(-2, "int8").cast("uint8");
  t.is(c.toString(), "254u8");
  t.is(te.const(300, "int32").cast("int8").toString(), "44i8");
  t.is(te.const(-1, "int32").cast("uint32").toString(), "4294967295u32");
  const A = te.placeholder([2], "uint8", "A");
  const B = te.compute([2], (i) => te.select(c.gt(100), A.at(i).add(1), A.at(i)), "B");
  const s = te.createSchedule(B.op);
  const a = nd.array(Uint8Array.of(5, 6));
  const compiled = nd.empty([2], "uint8");
  build(s, [A, B]).getFunction("main")(a, compiled);
  const interpreted = nd.empty([2], "uint8");
  interpret(lower(s, [A, B]), [a, interpreted]);
  t.deepEqual([...compiled.toTypedArray()], [6, 7]);
  t.deepEqual([...interpreted.toTypedArray()], [6, 7]);
});
