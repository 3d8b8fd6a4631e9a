// JS -> kernel calls through the packed C ABI, with the hand-written fixtures in basic.c:
// tensors without copies (compact, strided, offset), scalars both ways, errors, workspace.
import test from "ava";
import "./helpers.js";
import { loadFixture } from "./helpers.js";
import { NDArray, array, empty } from "../../ts/runtime/ndarray.js";

const mod = loadFixture("basic.c");

test("add_one writes into the output's TypedArray", (t) => {
  const f = mod.getFunction("add_one");
  const a = array(new Float32Array([1, 2, 3, 4.5]));
  const b = empty([4]);
  t.is(f(a, b), undefined);
  t.deepEqual([...b.data], [2, 3, 4, 5.5]);
  // Repeated calls reuse nothing stale.
  f(b, a);
  t.deepEqual([...a.data], [3, 4, 5, 6.5]);
});

test("the kernel sees dtype, shape, strides (NULL when compact) and byte offset", (t) => {
  const d = mod.getFunction("describe");
  t.is(d(empty([3, 4])), "tensor dtype=2.32.1 dev=1 ndim=2 shape=3,4 strides=null offset=0");
  const parent = new Int32Array(40);
  t.is(d(NDArray.view(parent, [2, 3], [8, 1], 4 * 9, "int32")), "tensor dtype=0.32.1 dev=1 ndim=2 shape=2,3 strides=8,1 offset=36");
  t.is(d(empty([2], "bool")), "tensor dtype=1.1.1 dev=1 ndim=1 shape=2 strides=null offset=0");
  t.is(d(empty([5], "uint16"), empty([1], "int64"), empty([1], "float64")),
    "tensor dtype=1.16.1 dev=1 ndim=1 shape=5 strides=null offset=0; tensor dtype=0.64.1 dev=1 ndim=1 shape=1 strides=null offset=0; tensor dtype=2.64.1 dev=1 ndim=1 shape=1 strides=null offset=0");
  t.is(d(3, 2.5, 2n ** 40n, "abc", null, true), "int 3; float 2.5; int 1099511627776; str abc; null; int 1");
  // Extent-1 dimensions with any stride still count as compact.
  t.is(d(NDArray.view(new Float32Array(10), [1, 4], [100, 1], 8)), "tensor dtype=2.32.1 dev=1 ndim=2 shape=1,4 strides=null offset=8");
});

test("sum2d honours strides and byte offset and returns a float", (t) => {
  const sum = mod.getFunction("sum2d");
  const parent = new Float64Array(30).map((_, i) => i); // 5x6
  t.is(sum(array(parent, [5, 6])), 435);
  // rows 1..3, columns 2..4: elements 8,9,10, 14,15,16, 20,21,22
  t.is(sum(NDArray.view(parent, [3, 3], [6, 1], 8 * 8)), 135);
  // transposed view of the first 2x3 block: same elements 0,1,2,6,7,8
  t.is(sum(NDArray.view(parent, [3, 2], [1, 6], 0)), 24);
});

test("scalars in and out: int, float, bigint, string, nothing", (t) => {
  t.is(mod.getFunction("add_ints")(40, 2), 42);
  t.is(mod.getFunction("add_ints")(2n ** 62n, 1), 2n ** 62n + 1n);
  t.is(mod.getFunction("add_ints")(-5, 2n), -3);
  t.is(mod.getFunction("scale")(1.5), 3.75);
  t.is(mod.getFunction("nothing")(), undefined);
  t.is(mod.getFunction("workspace")(1000), 499500);
  t.is(mod.getFunction("module_ctx")(), 1);
});

test("a number goes as int unless the parameter description says float", (t) => {
  t.throws(() => mod.getFunction("scale")(3), { message: /scale: argument 0 has type code 0, expected 2/ });
  const typed = loadFixture("basic.c", { functions: { scale: { params: [{ kind: "scalar", dtype: "float64", name: "x" }] } } });
  t.is(typed.getFunction("scale")(3), 7.5);
  t.throws(() => typed.getFunction("scale")(empty([1])), { message: /scale: argument 0 \('x'\): expected a float64 scalar, got an NDArray/ });
  t.throws(() => typed.getFunction("scale")(1, 2), { message: /scale: expected 1 arguments \(x\), got 2/ });
});

test("fill reaches every dtype, including int64 and bool", (t) => {
  const fill = mod.getFunction("fill");
  for (const dtype of ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "bool"]) {
    const a = empty([3], dtype);
    fill(a, 1);
    t.deepEqual([a.get([0]), a.get([2])], dtype === "bool" ? [true, true] : dtype.endsWith("64") && !dtype.startsWith("float") ? [1n, 1n] : [1, 1], dtype);
  }
});

test("a kernel error becomes a JS Error with its message, and the process goes on", (t) => {
  t.throws(() => mod.getFunction("fail")("no luck"), { message: "fail: no luck" });
  t.throws(() => mod.getFunction("fail_silently")(), { message: "kernel 'fail_silently' returned -1 without an error message" });
  t.throws(() => mod.getFunction("add_one")(empty([2])), { message: "add_one: expected 2 arguments, got 1" });
  t.throws(() => mod.getFunction("add_one")(empty([2]), empty([3])), { message: /shape mismatch: A has 2 elements, B has 3/ });
  t.is(mod.getFunction("add_ints")(1, 1), 2);
});

test("arguments that are not NDArrays, numbers, bigints or strings are rejected before the call", (t) => {
  const f = mod.getFunction("add_one");
  t.throws(() => f(new Float32Array(2), empty([2])), { message: /add_one: argument 0: expected an NDArray, number, bigint or string, got Float32Array \(wrap TypedArrays with nd.array/ });
  t.throws(() => f(empty([2]), {}), { message: /argument 1: expected an NDArray, number, bigint or string, got Object/ });
  t.throws(() => f(empty([2]), undefined), { message: /argument 1: .* got undefined/ });
  t.throws(() => mod.getFunction("add_ints")(1.5e300, 1), { message: "add_ints: argument 0: expected an integer, got 1.5e+300" });
  t.throws(() => mod.getFunction("add_ints")(2n ** 64n, 1), { message: /outside the int64 range/ });
  t.throws(() => mod.getFunction("no_such_kernel"), { message: /has no function 'no_such_kernel'/ });
  t.throws(() => mod.getFunction("__TVMFuncCall"), { message: /is a runtime variable of the library, not a function/ });
});

test("callAsync runs the kernel off the JS thread and resolves with its result", async (t) => {
  const tid = loadFixture("parallel.c").getFunction("tid");
  const a = array(new Float32Array([1, 2]));
  const b = empty([2]);
  t.is(await mod.getFunction("add_one").callAsync(a, b), undefined);
  t.deepEqual([...b.data], [2, 3]);
  t.is(await mod.getFunction("add_ints").callAsync(2, 3), 5);
  t.is(tid(), process.pid); // synchronous: on the JS thread (its tid is the pid)
  t.not(await tid.callAsync(), process.pid);
  await t.throwsAsync(mod.getFunction("fail").callAsync("later"), { message: "fail: later" });
  await t.throwsAsync(mod.getFunction("add_one").callAsync(1), { message: /expected 2 arguments/ });
  await t.throwsAsync(mod.getFunction("add_one").callAsync({}), { message: /expected an NDArray/ });
});
