// Type-level checks of the public API, compiled by test/api/types.test.ts (never run). Every
// `@ts-expect-error` line must be a type error and no other line may be one, so a mistake that
// gave a cascade of errors (at every later use of its result) fails the test too.
import { build, nd, te, type runtime } from "../../../ts/index.js";

/** true when X and Y are the same type (any is only equal to any). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;
function expectType<T extends true>(): T | void { return; }

// --- NDArray is typed by its dtype: get() needs no cast.
expectType<Equal<ReturnType<nd.NDArray<Int32Array, "int32">["get"]>, number>>();
const i32 = nd.empty([2], "int32");
expectType<Equal<typeof i32, nd.NDArray<Int32Array, "int32">>>();
expectType<Equal<ReturnType<typeof i32.get>, number>>();
const i64 = nd.empty([2], "int64");
expectType<Equal<ReturnType<typeof i64.get>, bigint>>();
expectType<Equal<typeof i64.data, BigInt64Array>>();
const u64 = nd.empty([2], "uint64");
expectType<Equal<ReturnType<typeof u64.get>, bigint>>();
const flags = nd.empty([2], "bool");
expectType<Equal<ReturnType<typeof flags.get>, boolean>>();
const f32 = nd.empty([2]);
expectType<Equal<ReturnType<typeof f32.get>, number>>();
expectType<Equal<typeof f32.data, Float32Array>>();
const wrapped = nd.array(new Float64Array(4), [2, 2]);
expectType<Equal<ReturnType<typeof wrapped.get>, number>>();
const wrappedBig = nd.array(new BigUint64Array(4));
expectType<Equal<ReturnType<typeof wrappedBig.get>, bigint>>();
const bytes = nd.array(new Uint8Array(4));
expectType<Equal<ReturnType<typeof bytes.get>, number>>();
const boolView = nd.array(new Uint8Array(4), [4], "bool");
expectType<Equal<ReturnType<typeof boolView.get>, boolean>>();
const fromList = nd.array([1, 2, 3], [3], "int64");
expectType<Equal<ReturnType<typeof fromList.get>, bigint>>();
const sum: number = i32.get([0]) + f32.get([1]) + wrapped.get([0, 1]);
const big: bigint = i64.get([0]) * 2n;
// @ts-expect-error an int32 element is a number, not a bigint
const wrong: bigint = i32.get([0]);
// @ts-expect-error an int64 element is a bigint
const wrong2: number = i64.get([0]);
// An NDArray of any dtype still takes any of them.
const any: nd.AnyNDArray[] = [i32, i64, flags, f32];

// --- Kernels take NDArrays and scalars.
const n = 16;
const A = te.placeholder([n], "float32", "A");
const B = te.placeholder([n], "float32", "B");
const C = te.compute([n], (i) => A.at(i).add(B.at(i)), "C");
const s = te.createSchedule(C.op);
const kernel: runtime.PackedKernel = build(s, [A, B, C], { name: "vadd" }).getFunction("vadd");
kernel(f32, f32, f32);
kernel(i64, 3, 4n, true);
void kernel.callAsync(f32, f32, f32);
// @ts-expect-error a TypedArray must be wrapped with nd.array
kernel(new Float32Array(16), f32, f32);
// @ts-expect-error undefined is no argument
kernel(undefined, f32, f32);
// @ts-expect-error nor is a plain object
void kernel.callAsync({ data: f32 });

// --- One mistake in a compute body is one error, at the body; the tensor stays a Tensor.
// @ts-expect-error a string is not an expression
const C1 = te.compute([n], (i) => A.at(i).add("1"), "C1");
// @ts-expect-error JS operators do not apply to expressions (use .add)
const C2 = te.compute([n], (i) => A.at(i) + 1, "C2");
// @ts-expect-error fcompute must return the element
const C3 = te.compute([n], (i) => { A.at(i).add(1); }, "C3");
// @ts-expect-error a tensor is not an expression (read it with .at)
const C4 = te.compute([n], (i) => A.at(i).mul(B), "C4");
// @ts-expect-error fcompute returns a string
const C5 = te.compute([n], () => "zero", "C5");
for (const T of [C1, C2, C3, C4, C5]) {
  const st = te.createSchedule(T.op);
  const [, inner] = st.stage(T).split(T.op.axis[0], { factor: 4 });
  st.stage(T).vectorize(inner);
  build(st, [A, B, T]);
}
// Several values give several tensors.
const [D, E] = te.compute([n], (i) => [A.at(i), B.at(i).mul(2)], "DE");
expectType<Equal<typeof D, te.Tensor>>();
te.createSchedule([D.op, E.op]);

void [sum, big, wrong, wrong2, any];
