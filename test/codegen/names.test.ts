// Names a user chooses (functions, buffers, variables, packed callees) cannot inject C: they are
// sanitised into fresh identifiers (keywords, reserved and generator-owned names avoided) and
// appear only as escaped string literals otherwise. Exported symbols are the global_symbol when it
// is a C identifier; other names are exported sanitised and still found under their own name.
import test from "ava";
import { existsSync } from "node:fs";
import { clangTest, declBuffer, buildFuncs } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { callPacked } from "../../ts/ir/builtin.js";
import { Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { array, empty, type NDArray } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { NameSupply, sanitize } from "../../ts/codegen/c_names.js";
import { IRModule, type PrimFunc } from "../../ts/ir/function.js";

const EVIL = 'x; system("touch /tmp/tejit-pwned"); //';
const CALLEE = 'evil"); system("touch /tmp/tejit-pwned-2"); /*';

function addKernel(fname: string, aName: string, bName: string, loopName: string, extra?: Var, callee?: string): PrimFunc {
  const A = declBuffer([4], "float32", aName);
  const B = declBuffer([4], "float32", bName);
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const b = ib.bufferPtr(B);
  ib.forRange(0, 4, loopName, (i) => b.set(i, op.add(a.get(i), extra ? op.cast("float32", extra) : 1)));
  if (callee) ib.emit(callPacked(callee, B));
  return primFunc(extra ? [A, B, extra] : [A, B], ib.get(), fname);
}

const funcs = [
  addKernel(EVIL, "*/ int main(){}", '"quote\\', "return", new Var("args")),
  addKernel("my-func", "int", "for", "__TVMFuncCall", undefined, CALLEE),
  addKernel("main", "données", "float32x8", "main_compute_", new Var("penv")),
  addKernel("expf", "__tvm_module_ctx", "A", "A"),
  addKernel("コード", "float", "double", "i"),
];
const calls: number[] = [];
registerFunc(CALLEE, (b: NDArray) => { calls.push(b.get([0]) as number); });
const mod = buildFuncs(funcs);
const { source, symbols } = generateC(new IRModule(new Map(funcs.map((f) => [f.name!, f]))));

test("malicious names do not reach the C source raw, and the code compiles without warnings", (t) => {
  // Outside string literals, none of the names' text survives.
  const code = source.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  t.false(code.includes("system("), "no call of system");
  t.false(code.includes("*/ int main"), "no comment terminator from a name");
  t.false(/[^\x09\x0a\x20-\x7e]/.test(source), "the source is ASCII (unicode names are sanitised or escaped)");
  t.regex(source, /static void\* evil_+system_+touch_+tmp_tejit_pwned_2_+packed = 0;/);
});

test("every function runs under its own name; identifiers never collide", (t) => {
  const run = (name: string, ...extra: number[]) => {
    const B = empty([4]);
    mod.getFunction(name)(array(new Float32Array([1, 2, 3, 4])), B, ...extra);
    return [...B.toTypedArray()];
  };
  t.deepEqual(run(EVIL, 10), [11, 12, 13, 14]);
  t.deepEqual(run("my-func"), [2, 3, 4, 5]);
  t.deepEqual(calls, [2], "the packed callee with quotes in its name was called");
  t.deepEqual(run("main", 5), [6, 7, 8, 9]);
  t.deepEqual(run("expf"), [2, 3, 4, 5]);
  t.deepEqual(run("コード"), [2, 3, 4, 5]);
  t.false(existsSync("/tmp/tejit-pwned") || existsSync("/tmp/tejit-pwned-2"));
});

test("exported symbols: C identifiers as named, others sanitised", (t) => {
  t.is(symbols.get("main"), "main");
  t.is(symbols.get("my-func"), "my_func");
  t.regex(symbols.get(EVIL)!, /^x__system_/);
  t.not(symbols.get("expf"), "expf", "a libm name is not exported (it would interpose libm)");
  // The sanitised symbol is a real export too.
  const B = empty([4]);
  mod.getFunction("my_func")(array(new Float32Array(4)), B);
  t.deepEqual([...B.toTypedArray()], [1, 1, 1, 1]);
  // Error messages carry the names as written.
  t.throws(() => mod.getFunction(EVIL)(array(new Float32Array(3)), empty([4]), 1), { message: `${EVIL}: argument 0 (*/ int main(){}) has shape[0] = 3, expected 4` });
});
clangTest("the generated C compiles without warnings under clang -Wall -Wextra", () => source);

test("NameSupply names any number of '_'-like hints (no name that only ever maps to reserved ones)", (t) => {
  const names = new NameSupply();
  const got = ["_", "-", "+", "_", "__", "!"].map((h) => names.fresh(h));
  t.deepEqual(got, ["v_", "v__1", "v__2", "v__3", "v__", "v__4"]);
  t.is(new Set(got).size, got.length);
  t.is(sanitize("_"), "v_");
  t.is(sanitize(""), "v");
});
