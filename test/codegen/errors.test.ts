// The code generator's errors by class and code: a dtype or target the C backend does not have
// (UnsupportedError), a function not yet in the form it prints (IRError), a bad argument.
import test from "ava";
import { te, lower, build, codegen, UnsupportedError, IRError, ArgumentError, TejitError } from "../../ts/index.js";
import { IRModule } from "../../ts/ir/function.js";

function program(dtype: string): { s: ReturnType<typeof te.createSchedule>; args: ReturnType<typeof te.placeholder>[] } {
  const A = te.placeholder([8], dtype, "A");
  const B = te.compute([8], (i) => A.at(i).add(A.at(i)), "B");
  return { s: te.createSchedule(B.op), args: [A, B] };
}

test("a dtype the C backend does not have is an UnsupportedError naming it", (t) => {
  const { s, args } = program("float16");
  const e = t.throws(() => codegen.generateC(lower(s, args)), { instanceOf: UnsupportedError });
  t.is(e?.code, "ERR_UNSUPPORTED");
  t.true(e instanceof TejitError);
  t.regex(e!.message, /^the C backend does not support float16 \(.*\); use float32 or float64$/);
});

test("a target other than C is an UnsupportedError; a malformed one, an ArgumentError", (t) => {
  const { s, args } = program("float32");
  const u = t.throws(() => build(s, args, { target: "cuda" }), { instanceOf: UnsupportedError });
  t.is(u?.message, `build: target 'cuda' is not supported; tejit compiles C for the host CPU (target "c", optionally "c -mcpu=<cpu>")`);
  const a = t.throws(() => build(s, args, { target: "c -O9" }), { instanceOf: ArgumentError });
  t.is(a?.code, "ERR_ARGUMENT");
  t.is(a?.message, "build: unknown target option '-O9' in 'c -O9'; only -mcpu=<cpu> is supported");
  t.throws(() => codegen.generateC(new IRModule(new Map())), { instanceOf: ArgumentError, message: "build: the module has no functions" });
});

test("printing a function that did not go through the host passes is an IRError", (t) => {
  const { s, args } = program("float32");
  const f = lower(s, args).functions.get("main")!;
  const e = t.throws(() => codegen.codegenC([f]), { instanceOf: IRError });
  t.is(e?.code, "ERR_IR");
  t.is(e?.message, "codegen: function 'main' has no packed API; run makePackedAPI first");
});
