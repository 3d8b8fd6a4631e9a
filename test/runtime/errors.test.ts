// The runtime's errors by class and code: a bad argument to a module or an NDArray, a dtype or a
// shape the kernel refuses, a kernel that fails while it runs (its assertion), a C compiler
// that fails, and an environment variable with a bad value.
import test from "ava";
import { te, build, nd, ArgumentError, DTypeError, ShapeError, KernelError, CompileError, ConfigError, TejitError } from "../../ts/index.js";
import { compileSource } from "../../ts/runtime/compile.js";
import { compilerTimeoutMs } from "../../ts/runtime/run_compiler.js";

const n = te.var("n");
const A = te.placeholder([n], "float32", "A");
const B = te.placeholder([n], "float32", "B");
const C = te.compute([n], (i) => A.at(i).add(B.at(i)), "C");
const mod = build(te.createSchedule(C.op), [A, B, C]);
const add = mod.getFunction("main");

test("a missing function is an ArgumentError", (t) => {
  const e = t.throws(() => mod.getFunction("nope"), { instanceOf: ArgumentError });
  t.is(e?.code, "ERR_ARGUMENT");
  t.true(e instanceof TejitError && e instanceof Error);
  t.regex(e!.message, /^Module\.getFunction: the module has no function 'nope' \(its functions: main\)$/);
});

test("an NDArray of the wrong dtype is a DTypeError; of the wrong rank, a ShapeError", (t) => {
  const d = t.throws(() => add(nd.empty([4], "int32"), nd.empty([4]), nd.empty([4])), { instanceOf: DTypeError });
  t.is(d?.code, "ERR_DTYPE");
  t.is(d?.message, "main: argument 0 ('A'): expected an NDArray of dtype float32, got int32");
  const s = t.throws(() => add(nd.empty([4, 1]), nd.empty([4]), nd.empty([4])), { instanceOf: ShapeError });
  t.is(s?.code, "ERR_SHAPE");
  t.regex(s!.message, /expected an NDArray of 1 dimensions, got shape \[4, 1\]/);
  const a = t.throws(() => nd.array([1, 2, 3], [2, 2]), { instanceOf: ShapeError });
  t.is(a?.message, "nd.array: shape [2, 2] holds 4 elements but the data has 3");
});

test("a kernel whose shape assertion fails at run time throws a KernelError", async (t) => {
  const e = t.throws(() => add(nd.empty([4]), nd.empty([5]), nd.empty([4])), { instanceOf: KernelError });
  t.is(e?.code, "ERR_KERNEL");
  t.regex(e!.message, /^main: .*B/);
  t.true(e!.cause instanceof Error, "the addon's Error is the cause");
  const r = await t.throwsAsync(add.callAsync(nd.empty([4]), nd.empty([5]), nd.empty([4])), { instanceOf: KernelError });
  t.is(r?.message, e?.message);
  // The kernel still works after a failed call.
  const c = nd.empty([3]);
  add(nd.array(new Float32Array([1, 2, 3]), [3]), nd.array(new Float32Array([10, 20, 30]), [3]), c);
  t.deepEqual([...(c.data as Float32Array)], [11, 22, 33]);
});

test("C that does not compile is a CompileError with the compiler's output", (t) => {
  const e = t.throws(() => compileSource("int f( { return 0; }\n"), { instanceOf: CompileError });
  t.is(e?.code, "ERR_COMPILE");
  t.regex(e!.message, /^C compilation of .*\.c failed \(.*exited with 1\):\n[\s\S]*error/);
});

test("a bad TEJIT_CC_TIMEOUT is a ConfigError", (t) => {
  const old = process.env.TEJIT_CC_TIMEOUT;
  process.env.TEJIT_CC_TIMEOUT = "soon";
  try {
    const e = t.throws(() => compilerTimeoutMs(), { instanceOf: ConfigError });
    t.is(e?.code, "ERR_CONFIG");
    t.is(e?.message, "TEJIT_CC_TIMEOUT must be a positive number of seconds, got 'soon'");
  } finally {
    if (old === undefined) delete process.env.TEJIT_CC_TIMEOUT;
    else process.env.TEJIT_CC_TIMEOUT = old;
  }
});
