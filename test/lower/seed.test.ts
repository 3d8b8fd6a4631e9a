import test from "ava";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { te, tir, lower } from "../../ts/index.js";

const expected = readFileSync(fileURLToPath(new URL("../fixtures/seed/expected-lowered.txt", import.meta.url)), "utf8").trimEnd();

function seedProgram(fcompute?: (ins: tir.Buffer[], outs: tir.Buffer[]) => tir.Stmt | tir.PrimExpr) {
  const shape = [3, 4, 8];
  const dataIn = te.placeholder(shape);
  const dataMid = te.extern(shape, [dataIn], fcompute ?? ((ins, outs) => tir.callPacked("my_py_func", ins[0], outs[0]))) as te.Tensor;
  const dataOut = te.compute(shape, (i, j, k) => dataMid.at(i, j, k));
  const s = te.createSchedule(dataOut.op);
  s.stage(dataMid).computeAt(s.stage(dataOut), s.stage(dataOut).op.axis[0]);
  return { s, args: [dataIn, dataOut] };
}

test("the seed program lowers to TVM's text, line for line", (t) => {
  const { s, args } = seedProgram();
  t.is(lower(s, args).toString(), expected);
});

test("lowering twice gives the same text (the schedule is not changed by lowering)", (t) => {
  const { s, args } = seedProgram();
  const first = lower(s, args).toString();
  t.is(lower(s, args).toString(), first);
});

test("the extern body built with irBuilder lowers to the same text", (t) => {
  const { s, args } = seedProgram((ins, outs) => {
    const ib = tir.irBuilder();
    ib.emit(tir.callPacked("my_py_func", ins[0], outs[0]));
    return ib.get();
  });
  t.is(lower(s, args).toString(), expected);
});
