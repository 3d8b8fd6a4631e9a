// Bad arguments to the ops and to ops.schedule: each is an Error naming the op, the tensor (by
// its role and name), the axis and what was expected, of its class: ShapeError for extents and
// ranks that do not fit, DTypeError for dtypes, ArgumentError for options and values of the
// wrong kind, UnsupportedError for what the default schedules or the backend do not do.

import test from "ava";
import { ops, te, ArgumentError, DTypeError, ShapeError, UnsupportedError, TejitError } from "../../ts/index.js";

const A = te.placeholder([4, 5], "float32", "A");
const B = te.placeholder([6, 3], "float32", "B");
const Bi = te.placeholder([5, 3], "int32", "Bi");
const X = te.placeholder([1, 3, 8, 8], "float32", "X");
const W = te.placeholder([4, 2, 3, 3], "float32", "W");
const g = te.placeholder([4], "float32", "gamma");

const CASES: [string, () => unknown, string, new (...a: never[]) => TejitError][] = [
  ["matmul K", () => ops.matmul(A, B),
    "ops.matmul: the reduction axis K: 'A' axis 1 has 5 but 'B' axis 0 has 6 (expected equal)", ShapeError],
  ["matmul rank", () => ops.matmul(X, B),
    "ops.matmul: A 'X' must have 2 dimensions ([M, K]), got 4 (shape [1, 3, 8, 8])", ShapeError],
  ["matmul dtype", () => ops.matmul(A, Bi),
    "ops.matmul: 'A' is float32 but B 'Bi' is int32 (expected the same dtype)", DTypeError],
  ["matmul opt", () => ops.matmul(A, B, { transpose: true } as never),
    "ops.matmul: unknown option 'transpose' (known: transposeA, transposeB)", ArgumentError],
  ["batch", () => ops.batchMatmul(te.placeholder([2, 4, 5], "float32", "P"), te.placeholder([3, 5, 6], "float32", "Q")),
    "ops.batchMatmul: the batch axis: 'A' axis 0 has 2 but 'B' axis 0 has 3 (expected equal, or 1)", ShapeError],
  ["dense bias", () => ops.dense(A, te.placeholder([7, 5], "float32", "W"), te.placeholder([6], "float32", "bias")),
    "ops.dense: the output units N: 'W' axis 0 has 7 but 'bias' axis 0 has 6 (expected equal)", ShapeError],
  ["add", () => ops.add(A, B),
    "ops.add: cannot broadcast 'A' (shape [4, 5]) with 'B' (shape [6, 3]): axis 0 of 'A' has 4 but axis 0 of 'B' has 6 (expected equal, or 1)", ShapeError],
  ["add dtype", () => ops.add(A, te.placeholder([5], "int32", "I")),
    "ops.add: 'A' is float32 but B 'I' is int32 (expected the same dtype)", DTypeError],
  ["add notensor", () => ops.add(A, "x" as never),
    "ops.add: B must be a Tensor or a finite number, got string x", ArgumentError],
  ["conv chans", () => ops.conv2d(X, W),
    "ops.conv2d: the input channels: 'W' has 2 (axis 1) but 'X' has 3 (axis 1) (expected equal)", ShapeError],
  ["conv window", () => ops.conv2d(X, te.placeholder([4, 3, 9, 3], "float32", "W")),
    "ops.conv2d: 'X' axis 2 has 8 (+ 0 padding), less than the window (9): no output", ShapeError],
  ["conv layout", () => ops.conv2d(X, W, { layout: "NHWC" as never }),
    "ops.conv2d: option layout must be \"NCHW\" or \"NCHWc\", got string NHWC", ArgumentError],
  ["conv stride", () => ops.conv2d(X, W, { stride: 0 }),
    "ops.conv2d: option stride must be an integer >= 1 or a pair [h, w] of them, got number 0", ArgumentError],
  ["conv nchwc rank", () => ops.conv2d(X, W, { layout: "NCHWc" }),
    "ops.conv2d: 'X' must have 5 dimensions (NCHWc: [N, C/c, H, W, c]), got 4 (shape [1, 3, 8, 8])", ShapeError],
  ["dw", () => ops.depthwiseConv2d(X, te.placeholder([2, 1, 3, 3], "float32", "W")),
    "ops.depthwiseConv2d: the channels: 'W' axis 0 has 2 but 'X' axis 1 has 3 (expected equal)", ShapeError],
  ["pool kind", () => ops.pool2d(X, { kind: "mean" as never, size: 2 }),
    "ops.pool2d: option kind must be \"max\" or \"avg\", got string mean", ArgumentError],
  ["pool pad", () => ops.pool2d(X, { kind: "max", size: 2, padding: 2 }),
    "ops.pool2d: option padding [2, 2] must be smaller than the window [2, 2]", ArgumentError],
  ["softmax axis", () => ops.softmax(A, 2),
    "ops.softmax: axis must be an integer in [-2, 1] for X 'A' of 2 dimensions, got number 2", ArgumentError],
  ["softmax int", () => ops.softmax(Bi),
    "ops.softmax: X 'Bi' must be a float tensor, got int32", DTypeError],
  ["ln gamma", () => ops.layerNorm(A, g, g),
    "ops.layerNorm: 'gamma' axis 0 has 4 but 'X' axis 1 has 5 (expected equal)", ShapeError],
  ["ln gamma rank", () => ops.layerNorm(A, te.placeholder([4, 5], "float32", "gamma"), g),
    "ops.layerNorm: 'gamma' must have 1 dimension (the normalized axes 1 of 'X'), got 2", ShapeError],
  ["sum dup", () => ops.sum(A, { axis: [1, -1] }),
    "ops.sum: axis 1 of 'A' is listed twice in option axis", ArgumentError],
  ["sum axis", () => ops.sum(A, { axis: 3 }),
    "ops.sum: axis must be an integer in [-2, 1] for X 'A' of 2 dimensions, got number 3", ArgumentError],
  ["relu", () => ops.relu(5 as never),
    "ops.relu: X must be a Tensor, got number 5", ArgumentError],
  ["gelu int", () => ops.gelu(Bi),
    "ops.gelu: X 'Bi' must be a float tensor, got int32", DTypeError],
  ["schedule", () => ops.schedule([A, 3 as never]),
    "ops.schedule: output 1 must be a Tensor, got number 3", ArgumentError],
  ["schedule opt", () => ops.schedule(A, { vectorBytes: 24 }),
    "ops.schedule: option vectorBytes must be a power of two >= 4, got number 24", ArgumentError],
  ["schedule target", () => ops.schedule(A, { target: "cuda" }),
    "ops.schedule: target 'cuda' is not supported; tejit compiles C for the host CPU (target \"c\", optionally \"c -mcpu=<cpu>\")", UnsupportedError],
  ["schedule key", () => ops.schedule(A, { threads: 2 } as never),
    "ops.schedule: unknown option 'threads' (known: target, cflags, vectorBytes, numThreads, cacheBytes)", ArgumentError],
  ["schedule cache key", () => ops.schedule(A, { cacheBytes: { L1: 4096 } } as never),
    "ops.schedule: unknown option 'L1' (known: l1, l2, l3)", ArgumentError],
  ["schedule cache size", () => ops.schedule(A, { cacheBytes: { l2: 0.5 } }),
    "ops.schedule: option cacheBytes.l2 must be an integer number of bytes >= 1024, got number 0.5", ArgumentError],
  ["schedule cache type", () => ops.schedule(A, { cacheBytes: 32768 as never }),
    "ops.schedule: option cacheBytes must be an object {l1, l2, l3}, got number 32768", ArgumentError],
  ["schedule symbolic", () => ops.schedule(ops.matmul(te.placeholder([te.sizeVar("n"), 5], "float32", "S"), te.placeholder([5, 3], "float32", "T"))),
    "ops.schedule: 'matmul' has the symbolic shape [n, 3]; the default matmul schedule needs constant shapes (schedule it with te's primitives instead)", UnsupportedError],
];

for (const [name, f, message, Class] of CASES) {
  test(`error: ${name}`, (t) => {
    const e = t.throws(f, { message, instanceOf: Class });
    t.is(e?.code, new Class().code, `${name}: the code of ${Class.name}`);
  });
}
