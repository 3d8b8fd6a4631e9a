import test from "ava";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { te, tir, lower } from "../../ts/index.js";

const quiet = { onWarning: () => {} };
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
  t.is(lower(s, args, quiet).toString(), expected);
});

test("lowering twice gives the same text (the schedule is not changed by lowering)", (t) => {
  const { s, args } = seedProgram();
  const first = lower(s, args, quiet).toString();
  t.is(lower(s, args, quiet).toString(), first);
});

test("the extern body built with irBuilder lowers to the same text", (t) => {
  const { s, args } = seedProgram((ins, outs) => {
    const ib = tir.irBuilder();
    ib.emit(tir.callPacked("my_py_func", ins[0], outs[0]));
    return ib.get();
  });
  t.is(lower(s, args, quiet).toString(), expected);
});

/** The whole lowered seed function, written by hand with tir.irBuilder (question 3 of the seed). */
function handBuiltSeed(funcName = "my_py_func"): tir.PrimFunc {
  const placeholder = tir.declBuffer([3, 4, 8], "float32", "placeholder");
  const compute = tir.declBuffer([3, 4, 8], "float32", "compute");
  const ib = tir.irBuilder();
  const ext = ib.allocate("float32", 96, "extern", "global");
  const extern = tir.declBuffer([3, 4, 8], "float32", "extern", { data: ext.data });
  const out = ib.bufferPtr(compute);
  ib.forRange(0, 3, "i", (i) => {
    ib.newScope(() => {
      ib.scopeAttr(0, "extern_scope", 0);
      ib.emit(tir.callPacked(funcName, placeholder, extern));
    });
    ib.forRange(0, 4, "j", (j) => {
      ib.forRange(0, 8, "k", (k) => {
        const idx = i.mul(32).add(j.mul(8)).add(k);
        out.set(idx, ext.get(idx));
      });
    });
  });
  const params = [new tir.Var("placeholder", "handle"), new tir.Var("compute", "handle")];
  return new tir.PrimFunc(params, ib.get(), new Map([[params[0], placeholder], [params[1], compute]]), { global_symbol: "main", "tir.noalias": true });
}

test("the whole lowered statement built by hand with irBuilder prints the same text", (t) => {
  t.is(handBuiltSeed().toString(), expected);
});
