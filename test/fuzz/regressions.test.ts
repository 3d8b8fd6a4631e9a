// Compiler bugs the differential fuzzer found, each as the program that showed it (shrunk by
// the fuzzer, then written out by hand so it fails without the fix).

import test from "ava";
import "../runtime/helpers.js"; // a private compile cache for this test process
import { te, lower, build, nd } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { Range } from "../../ts/ir/iter_var.js";

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

test("a guarded read wholly outside its producer's shape gives the producer an empty region, not a negative one", (t) => {
  // Fuzz seed 1 case 2446 (shrunk): C reads only P[4], where P's padding guard is false, so P
  // asks S for S[2] of a 1-element S; clipping one end gave S the region [2, 0]: -1 elements.
  const A = te.placeholder([2], "int32", "A");
  const k = te.reduceAxis([0, 2], "k");
  const S = te.compute([1], (i) => te.max(A.at(i.add(k)), k), "S");
  const P = te.compute([5], (i) => te.ifThenElse(i.ge(2).and(i.lt(3)), S.at(i.sub(2)), te.const(0, "int32")), "P");
  const C = te.compute([1], (i) => P.at(i.add(4)), "C");
  const s = te.createSchedule(C.op);
  const text = lower(s, [A, C]).toString();
  t.notRegex(text, /allocate\(S, int32, \[-/);
  t.regex(text, /allocate\(S, int32, \[0\]\)/);
  const a = nd.array(Int32Array.of(3, 4));
  const interpreted = nd.empty([1], "int32");
  interpret(lower(s, [A, C]), [a, interpreted]);
  const compiled = nd.empty([1], "int32");
  build(s, [A, C]).getFunction("main")(a, compiled);
  t.deepEqual([...interpreted.toTypedArray()], [0]);
  t.deepEqual([...compiled.toTypedArray()], [0]);
});

test("uint8 arithmetic that wraps is bounded as it wraps: max(int32(uint8(i) - 8), 1) is 248 and 249, not 1", (t) => {
  // Found by the fuzzer (seed 20261206 case 16153): the bound of uint8(i) - 8 was [-8, -7], so
  // the simplifier folded the max to 1.
  const S = te.compute([2], (i) => te.max(i.cast("uint8").sub(8).cast("int32"), 1), "s0");
  const s = te.createSchedule(S.op);
  const out = nd.empty([2], "int32");
  build(s, [S], { cflags: ["-O1"] }).getFunction("main")(out);
  t.deepEqual(Array.from(out.toTypedArray()), [248, 249]);
  const ana = new Analyzer();
  const i = te.var("i");
  ana.bind(i, new Range(te.const(0), te.const(2)));
  t.is(String(ana.constIntBound(i.cast("uint8").sub(8))), "ConstIntBound[248,249]");
  t.is(String(ana.constIntBound(i.cast("int8").sub(100).sub(100))), "ConstIntBound[56,57]");
  t.is(String(ana.constIntBound(i.cast("uint8").sub(1))), "ConstIntBound[0,255]", "straddling the wrap: the whole range");
});
