// Port of TVM v0.10's tests/python/unittest/test_tir_transform_loop_partition.py: tir.LoopPartition
// (then Simplify, as TVM's cases run it) under a PassContext with TVM's "tir.LoopPartition" config
// (partition_const_loop, no_unroll_loop_with_extent_one,
// unroll_loop_with_partition_hint_no_interval). TE cases start from scheduleToPrimFunc and are
// flattened first (tejit's LoopPartition runs on flat TIR); TVMScript cases are rebuilt with the
// irBuilder. Where a case computes something, the function before and after is run by the
// interpreter on the same inputs (or built and run against JS); cases whose body is only
// `evaluate(m)` or an extern call (nothing observable) check the structure, as TVM's do.
//
// Left out (GPU): test_thread_axis, test_thread_axis2 and test_vectorize bind threadIdx/blockIdx.
// test_cce_loop_1 uses float32 where TVM uses float16 (no float16 arrays in tejit).
// test_loop_partition_keep_loop_annotations checks the parts only: tejit's For has no annotations.
import test, { type ExecutionContext } from "ava";
import { build, lower, nd, te, tir } from "../../ts/index.js";
import { Call, type PrimExpr, Select, Var } from "../../ts/ir/expr.js";
import type { PrimFunc } from "../../ts/ir/function.js";
import { postOrderVisit } from "../../ts/ir/functor.js";
import { AttrStmt, Evaluate, For, IfThenElse, SeqStmt, type Stmt } from "../../ts/ir/stmt.js";
import { interpret } from "../../ts/interp/index.js";
import { type NDArray, array } from "../../ts/runtime/ndarray.js";
import { scheduleToPrimFunc } from "../../ts/lower.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { LowerArg } from "../../ts/schedule/postproc_to_primfunc.js";
import type { Tensor } from "../../ts/te/tensor.js";
import { primFunc } from "../helpers/prim_func.js";
import { assertSameResults, bodyText } from "../transform/helpers.js";

const { transform } = tir;
type Config = Record<string, unknown>;
const CONST = { "tir.LoopPartition": { partition_const_loop: true } };

function under<T>(config: Config, f: () => T): T {
  return new transform.PassContext({ config }).scope(f);
}

/** LoopPartition then Simplify, under `config`. */
function partition(f: PrimFunc, config: Config = {}, extra: tir.transform.Pass[] = []): PrimFunc {
  const mod = new tir.IRModule({ main: f });
  return under(config, () => transform.Sequential([transform.LoopPartition(), transform.Simplify(), ...extra])(mod)).get("main");
}

/** The schedule's function, flattened and simplified (tejit's LoopPartition input). */
function flat(s: Schedule, args: LowerArg[]): PrimFunc {
  const mod = new tir.IRModule({ main: scheduleToPrimFunc(s, args) });
  return transform.Sequential([transform.StorageFlatten(), transform.Simplify()])(mod).get("main");
}

function count(s: Stmt | PrimExpr, pred: (n: unknown) => boolean): number {
  let k = 0;
  postOrderVisit(s, (n) => { if (pred(n)) k += 1; });
  return k;
}
const ifs = (s: Stmt): number => count(s, (n) => n instanceof IfThenElse);
const fors = (s: Stmt): number => count(s, (n) => n instanceof For);
const selects = (s: Stmt): number => count(s, (n) => n instanceof Select);
const seq = (s: Stmt): Stmt[] => (s instanceof SeqStmt ? s.seq : [s]);

function elementwiseAdd(n: PrimExpr | number, split: number) {
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const T = te.compute([n], (i) => A.at(i).add(B.at(i)), "T");
  const s = te.createSchedule(T.op);
  s.stage(T).split(T.op.axis[0], { factor: split });
  return { s, args: [A, B, T] as Tensor[] };
}

test("test_basic", (t) => {
  const n = te.sizeVar("n");
  const { s, args } = elementwiseAdd(n, 4);
  const f = flat(s, args);
  const g = partition(f);
  const parts = seq(g.body);
  t.true(parts.length >= 2);
  t.is(ifs(parts[0]), 0);
  t.true(ifs(parts[parts.length - 1]) > 0);
  for (const v of [1, 4, 7, 13]) assertSameResults(t, f, g, { vars: new Map([["n", v]]) });
});

test("test_const_loop", (t) => {
  const { s, args } = elementwiseAdd(21, 4);
  const f = flat(s, args);
  const g = partition(f, CONST);
  t.is(ifs(g.body), 0);
  assertSameResults(t, f, g);
});

test("test_no_unroll_loop", (t) => {
  const { s, args } = elementwiseAdd(21, 4);
  const f = flat(s, args);
  const cfg = { "tir.LoopPartition": { partition_const_loop: true, no_unroll_loop_with_extent_one: true } };
  const g = partition(f, cfg, [transform.RemoveNoOp()]);
  t.is(fors(g.body), 4);
  t.is(ifs(g.body), 0);
  t.regex(bodyText(g), /for \(i\.outer_1: int32, 0, 1\)/);
  assertSameResults(t, f, g);
  // Without the option the part of one iteration is the body alone: two loops fewer.
  t.is(fors(partition(f, CONST, [transform.RemoveNoOp()]).body), 2);
});

function multiLoop(twoIfs: boolean): { f: PrimFunc } {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const ib = tir.irBuilder();
  ib.forRange(0, 4, "i", (i) => {
    ib.forRange(0, n, "j", (j) => {
      ib.forRange(0, m, "k", (k) => {
        ib.ifScope(ib.likely(i.mul(m).add(j).add(k).lt(n)), () => ib.emit(new Evaluate(m)));
        ib.elseScope(() => ib.emit(new Evaluate(n)));
        if (twoIfs) {
          ib.ifScope(ib.likely(i.mul(m).add(j).sub(k).lt(n)), () => ib.emit(new Evaluate(m)));
          ib.elseScope(() => ib.emit(new Evaluate(n)));
        }
      });
    });
  });
  return { f: primFunc([n, m], ib.get()) };
}

test("test_multi_loop", (t) => {
  const g = partition(multiLoop(false).f);
  t.is(ifs(seq((g.body as For).body)[0]), 0);
});

test("test_multi_if", (t) => {
  const g = partition(multiLoop(true).f);
  t.is(ifs(seq((g.body as For).body)[0]), 0);
});

test("test_condition", (t) => {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const ib = tir.irBuilder();
  ib.forRange(0, tir.div(n.add(3), 4), "i", (i) => {
    ib.forRange(0, 4, "j", (j) => ib.emit(new Evaluate(new Select(ib.likely(i.mul(4).add(j).lt(n)), m, n))));
  });
  const g = partition(primFunc([m, n], ib.get()));
  t.is(selects(seq(g.body)[0]), 0);
});

test("test_condition_EQ", (t) => {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const ib = tir.irBuilder();
  ib.forRange(0, 10, "i", (i) => ib.emit(new Evaluate(new Select(ib.likely(i.eq(5)), m, n))));
  const g = partition(primFunc([m, n], ib.get()), CONST);
  t.is(selects(seq(g.body)[0]), 0);
});

test("test_everything_during_deduction", (t) => {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const ib = tir.irBuilder();
  ib.forRange(0, n, "i", (i) => {
    ib.forRange(0, 32, "j", (j) => {
      // This guard deduces to everything: nothing to cut.
      ib.ifScope(ib.likely(tir.div(i, j).lt(m)), () => ib.emit(new Evaluate(m)));
    });
  });
  const g = partition(primFunc([m, n], ib.get()));
  t.true(((g.body as For).body as For).body instanceof IfThenElse);
});

test("test_single_likely", (t) => {
  const { s, args } = elementwiseAdd(60, 16);
  const f = flat(s, args);
  const g = partition(f, CONST);
  t.is(ifs(g.body), 0);
  assertSameResults(t, f, g);
});

test("test_multi_likely", (t) => {
  const [n, m] = [94, 62];
  const A = te.placeholder([n, m], "float32", "A");
  const B = te.placeholder([n, m], "float32", "B");
  const T = te.compute([n, m], (i, j) => A.at(i, j).add(B.at(i, j)), "T");
  const s = te.createSchedule(T.op);
  const st = s.stage(T);
  const [x, y] = T.op.axis;
  const [xo, xi] = st.split(x, { factor: 16 });
  const [yo, yi] = st.split(y, { factor: 16 });
  st.reorder(xo, yo, xi, yi);
  const f = flat(s, [A, B, T]);
  const g = partition(f, CONST);
  t.is(ifs(g.body), 0);
  assertSameResults(t, f, g, { seeds: [1] });
});

/** Runs `before` and `after` by the interpreter on copies of `args`; returns the contents after `after`, asserting they agree. */
function sameOn(t: ExecutionContext, before: PrimFunc, after: PrimFunc, args: (Float32Array | Int8Array | number)[]): number[][] {
  const run = (f: PrimFunc): number[][] => {
    const copies: (NDArray | number)[] = args.map((a) => (typeof a === "number" ? a : array(a.slice(), [a.length])));
    interpret(f, copies);
    return copies.map((a) => (typeof a === "number" ? [a] : Array.from(a.toTypedArray() as Float32Array)));
  };
  const want = run(before);
  const got = run(after);
  t.deepEqual(got, want);
  return got;
}

test("test_oneD_pool", (t) => {
  const m = te.sizeVar("m");
  const ib = tir.irBuilder();
  const data = ib.pointer("float32", "A");
  const out = ib.pointer("float32", "A");
  const pool = (guard: (ow: Var, kw: Var) => [PrimExpr, PrimExpr]): void => {
    ib.forRange(0, 16, "ow", (ow) => {
      ib.forRange(0, 3, "kw", (kw) => {
        const [c1, c2] = guard(ow, kw);
        ib.ifScope(ib.likely(c1), () => ib.ifScope(ib.likely(c2), () => out.set(ow, tir.max(out.get(ow), data.get(ow.add(kw).sub(1))))));
      });
    });
  };
  pool((ow) => [ow.gt(0), ow.lt(15)]);
  pool((ow, kw) => [ow.lt(1), kw.gt(0)]);
  pool((ow, kw) => [ow.gt(14), kw.lt(2)]);
  const f = primFunc([m, data.data, out.data], ib.get());
  const g = partition(f, CONST);
  t.is(ifs(g.body), 0);
  const input = Float32Array.from({ length: 16 }, (_, i) => ((i * 7) % 11) - 5);
  const res = sameOn(t, f, g, [16, input, new Float32Array(16).fill(-100)]);
  // A 3-wide max pool with the borders clipped.
  t.deepEqual(res[2], Array.from(input, (_, i) => Math.max(...[i - 1, i, i + 1].filter((x) => x >= 0 && x < 16).map((x) => input[x]))));
});

test("test_cce_loop_1", (t) => {
  const [n, m] = [514, 514];
  const Ab = tir.declBuffer([n * m], "float32", "A");
  const Bb = tir.declBuffer([n * m], "float32", "B");
  const ib = tir.irBuilder();
  const A = ib.bufferPtr(Ab);
  const B = ib.bufferPtr(Bb);
  ib.forRange(0, 11, "i", (i) => {
    ib.forRange(0, 160, "j", (j) => {
      ib.ifScope(ib.likely(i.mul(160).add(j).lt(1600)), () => {
        A.set(i.add(1).mul(m).add(j).add(1),
          B.get(i.mul(m).add(j).add(1)).add(B.get(i.add(1).mul(m).add(j).add(1))).add(B.get(i.add(2).mul(m).add(j).add(1))));
      });
    });
  });
  const f = primFunc([Ab, Bb], ib.get());
  const g = partition(f, CONST);
  t.is(ifs(g.body), 0);
  assertSameResults(t, f, g, { seeds: [1] });
});

test("test_cce_loop_2", (t) => {
  const len = 112;
  const tile = 32;
  const ib = tir.irBuilder();
  ib.forRange(0, Math.floor((len + tile - 1) / tile), "i", (i) => {
    const head = i.mul(tile);
    ib.ifScope(ib.likely(head.add(tile).gt(len)), () => ib.emit(tir.callExtern("float32", "cce_intrisic", head, len)));
    ib.elseScope(() => ib.emit(tir.callExtern("float32", "cce_intrisic", head, head.add(tile))));
  });
  const g = partition(primFunc([], ib.get()), CONST);
  t.is(ifs(g.body), 0);
  // Three calls up to head + 32, then the last one up to 112.
  t.is(bodyText(g).trim().split("\n").filter((l) => l.includes("cce_intrisic")).length, 2);
  t.regex(bodyText(g), /cce_intrisic", 96, 112, dtype=float32\)/);
});

test("test_cce_loop_3", (t) => {
  const [loop1, loop2, tile] = [4, 9998, 39991];
  const ib = tir.irBuilder();
  ib.forRange(0, loop2, "i", (i) => {
    ib.forRange(0, loop1, "j", (j) => {
      ib.ifScope(ib.likely(i.mul(loop1).add(j).lt(tile)), () => ib.emit(tir.callExtern("float16", "cce_intrisic", i)));
    });
  });
  const g = partition(primFunc([], ib.get()), CONST);
  t.is(ifs(g.body), 0);
});

test("test_conv_tiling", (t) => {
  // TVM's sizes (128 channels of 64 x 64, 64 filters of 3 x 3).
  const [inChannel, k, outChannel, inSize] = [128, 3, 64, 64];
  const outSize = inSize - k + 1;
  const data = te.placeholder([1, inChannel, inSize, inSize], "float32", "data");
  const kernel = te.placeholder([k, k, inChannel, outChannel], "float32", "kernel");
  const ic = te.reduceAxis([0, inChannel], "ic");
  const kh = te.reduceAxis([0, k], "kh");
  const kw = te.reduceAxis([0, k], "kw");
  const conv = te.compute([1, outChannel, outSize, outSize],
    (n, oc, oh, ow) => te.sum(data.at(n, ic, oh.add(kh), ow.add(kw)).mul(kernel.at(kh, kw, ic, oc)), [ic, kh, kw]), "conv2d");
  const s = te.createSchedule(conv.op);
  const [, , oh, ow] = conv.op.axis;
  s.stage(conv).tile(oh, ow, 16, 16);
  const f = lower(s, [data, kernel, conv], { partitionConstLoop: true }).get("main");
  t.is(ifs(f.body), 0);
  // Built and run on one output channel's worth of checks (the whole output against JS).
  const d = Float32Array.from({ length: inChannel * inSize * inSize }, (_, i) => ((i * 13) % 17) / 17 - 0.5);
  const w = Float32Array.from({ length: k * k * inChannel * outChannel }, (_, i) => ((i * 7) % 19) / 19 - 0.5);
  const out = nd.empty([1, outChannel, outSize, outSize]);
  build(s, [data, kernel, conv], { partitionConstLoop: true }).getFunction("main")(
    nd.array(d, [1, inChannel, inSize, inSize]), nd.array(w, [k, k, inChannel, outChannel]), out);
  const o = out.toTypedArray() as Float32Array;
  let worst = 0;
  for (const oc of [0, 17, 63]) {
    for (let y = 0; y < outSize; y++) {
      for (let x = 0; x < outSize; x++) {
        let acc = 0;
        for (let c = 0; c < inChannel; c++) {
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) acc += d[(c * inSize + y + a) * inSize + x + b] * w[((a * k + b) * inChannel + c) * outChannel + oc];
          }
        }
        worst = Math.max(worst, Math.abs(o[(oc * outSize + y) * outSize + x] - acc));
      }
    }
  }
  t.true(worst < 1e-3, `largest difference ${worst}`);
});

test("test_multilevel_splitting_with_indivisble_factors", (t) => {
  const A = te.placeholder([130], "float32", "A");
  const B = te.compute([130], (i) => A.at(i).max(te.const(0, "float32")), "B"); // topi.nn.relu
  const s = te.createSchedule(B.op);
  const st = s.stage(B);
  const [y] = B.op.axis;
  const [yo, yi] = st.split(y, { factor: 8 });
  const [yoo, yoi] = st.split(yo, { factor: 16 });
  st.reorder(yoo, yoi, yi);
  st.unroll(yi);
  const body = lower(s, [A, B], { partitionConstLoop: true, name: "x" }).get("x").body;
  t.is(count(body, (n) => (n as { kind?: string }).kind === "Max"), 10);
  const a = Float32Array.from({ length: 130 }, (_, i) => (i % 7) - 3);
  const out = nd.empty([130]);
  build(s, [A, B], { partitionConstLoop: true }).getFunction("main")(nd.array(a, [130]), out);
  t.deepEqual(Array.from(out.toTypedArray() as Float32Array), Array.from(a, (v) => Math.max(v, 0)));
});

test("test_double_splitting_with_indivisible_factors", (t) => {
  const m = 48;
  const A = te.placeholder([m], "float32", "A");
  const C = te.compute([m], (i) => A.at(i), "C");
  const D = te.compute([m], (i) => C.at(i), "D");
  const s = te.createSchedule(D.op);
  s.stage(C).split(C.op.axis[0], { factor: 10 });
  const [dout] = s.stage(D).split(D.op.axis[0], { factor: 32 });
  s.stage(C).computeAt(s.stage(D), dout);
  const f = lower(s, [A, C, D], { partitionConstLoop: true, name: "fadd1" }).get("fadd1");
  t.is(ifs(f.body), 0);
  const fn = build(s, [A, C, D], { partitionConstLoop: true, name: "fadd1" }).getFunction("fadd1");
  const a = nd.array(new Float32Array(m).fill(1), [m]);
  const c = nd.empty([m]);
  const d = nd.empty([m]);
  fn(a, c, d);
  t.deepEqual(Array.from(c.toTypedArray() as Float32Array), new Array(m).fill(1));
  t.deepEqual(Array.from(d.toTypedArray() as Float32Array), new Array(m).fill(1));
});

test("test_simple_rfactor", (t) => {
  const K = 16 * 4 + 4;
  const k = te.reduceAxis([0, K], "k");
  const A = te.placeholder([1, K], "float32", "A");
  const B = te.compute([1], (b) => te.sum(A.at(b, k), k), "B");
  const s = te.createSchedule(B.op);
  const [ko] = s.stage(B).split(s.stage(B).op.reduceAxis[0], { factor: 16 });
  const BF = s.rfactor(B, ko, 0);
  const f = flat(s, [A, B, BF as Tensor]);
  const g = partition(f, CONST);
  // Loop partition did something.
  t.not(bodyText(g), bodyText(f));
  t.true(ifs(f.body) > 0);
  t.is(ifs(g.body), 0);
  assertSameResults(t, f, g);
});

test("test_explicit_partition_hint", (t) => {
  const A = te.placeholder([16], "float32", "A");
  const B = te.placeholder([16], "float32", "B");
  const C = te.compute([32], (i) => te.ifThenElse(i.lt(16), A.at(i), B.at(i)), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).pragma(C.op.axis[0], "loop_partition_hint", true);
  const f = flat(s, [A, B, C]);
  const g = partition(f, CONST);
  t.is(bodyText(g), [
    "  for (i: int32, 0, 16) {",
    "    C_2[i] = (float32*)A_2[i]",
    "  }",
    "  for (i_1: int32, 0, 16) {",
    "    C_2[(i_1 + 16)] = (float32*)B_2[(i_1 + 16)]",
    "  }",
  ].join("\n"));
  // As in TVM, a constant loop needs partition_const_loop, hint or not; the hint is removed either way.
  const whole = partition(f);
  t.is(fors(whole.body), 1);
  t.false(whole.toString().includes("loop_partition_hint"));
  // B is read past its 16 elements for i >= 16 (TVM's case does too): run with a 32-element B.
  const B32 = te.placeholder([32], "float32", "B");
  const C2 = te.compute([32], (i) => te.ifThenElse(i.lt(16), A.at(i), B32.at(i)), "C");
  const s2 = te.createSchedule(C2.op);
  s2.stage(C2).pragma(C2.op.axis[0], "loop_partition_hint", true);
  const f2 = flat(s2, [A, B32, C2]);
  assertSameResults(t, f2, partition(f2, CONST));
});

/** The TVMScript concat of three int8 tensors along channels, rebuilt: `if` on the channel under the hint. */
function concat3(): PrimFunc {
  const p0 = tir.declBuffer([50176], "int8", "placeholder");
  const p1 = tir.declBuffer([25088], "int8", "placeholder_1");
  const p2 = tir.declBuffer([25088], "int8", "placeholder_2");
  const out = tir.declBuffer([100352], "int8", "T_concat");
  const ib = tir.irBuilder();
  const [a, b, c, o] = [p0, p1, p2, out].map((x) => ib.bufferPtr(x));
  ib.forRange(0, 128, "i1", (i1) => {
    ib.scopeAttr(i1, "pragma_loop_partition_hint", 1);
    ib.forRange(0, 28, "i2", (i2) => {
      ib.forRange(0, 28, "i3", (i3) => {
        const at = i1.mul(784).add(i2.mul(28)).add(i3);
        ib.ifScope(tir.le(96, i1), () => o.set(at, c.get(at.sub(75264))));
        ib.ifScope(tir.le(64, i1).and(i1.lt(96)), () => o.set(at, b.get(at.sub(50176))));
        ib.ifScope(i1.lt(64), () => o.set(at, a.get(at)));
      });
    });
  });
  return primFunc([p0, p1, p2, out], ib.get());
}

function int8Args(f: PrimFunc): Int8Array[] {
  return f.params.map((p, k) => {
    const b = f.bufferMap.get(p)!;
    const size = (b.shape[0] as unknown as { value: number }).value;
    return Int8Array.from({ length: size }, (_, i) => ((i * (k + 3)) % 251) - 125);
  });
}

test("test_condition_mutually_exclusive", (t) => {
  const f = concat3();
  const g = partition(f, CONST, [transform.RemoveNoOp()]);
  t.is(ifs(g.body), 0);
  t.deepEqual(seq(g.body).map((x) => String((x as For).extent)), ["64", "32", "32"]);
  t.true(bodyText(g).includes("T_concat_1[((((i1_1*784) + (i2_1*28)) + i3_1) + 50176)] = (int8*)placeholder_1_1[(((i1_1*784) + (i2_1*28)) + i3_1)]"));
  t.false(g.toString().includes("loop_partition_hint"));
  const args = int8Args(f);
  const res = sameOn(t, f, g, args);
  t.deepEqual(res[3], [...args[0], ...args[1], ...args[2]]);
});

test("test_loop_partition_unroll_hint", (t) => {
  const A = tir.declBuffer([150528], "int8", "A");
  const B = tir.declBuffer([25088], "int8", "B");
  const ib = tir.irBuilder();
  const [a, b] = [ib.bufferPtr(A), ib.bufferPtr(B)];
  ib.forRange(0, 112, "ax0", (ax0) => {
    ib.scopeAttr(ax0, "pragma_loop_partition_hint", 1);
    ib.forRange(0, 224, "ax1", (ax1) => ib.forRange(0, 7, "ax2", (ax2) => ib.forRange(0, 16, "ax3", (ax3) => {
      const x = ax0.mul(2).add(ax2);
      ib.ifScope(tir.le(3, x).and(x.lt(227)).and(ax3.lt(3)), () => {
        b.set(ax1.mul(112).add(ax2.mul(16)).add(ax3), a.get(ax3.mul(50176).add(ax1.mul(224)).add(x).sub(3)));
      });
    })));
  });
  const f = primFunc([A, B], ib.get());
  const cfg = { "tir.LoopPartition": { partition_const_loop: true, unroll_loop_with_partition_hint_no_interval: true } };
  const g = partition(f, cfg, [transform.RemoveNoOp(), transform.UnrollLoop(), transform.RemoveNoOp(), transform.Simplify()]);
  // TVM's four parts: ax0 = 0 and 1 (the unrolled head), 109 iterations without the bounds test, ax0 = 111.
  const parts = seq(g.body) as For[];
  t.deepEqual(parts.map((x) => `${x.loopVar.name}:${x.extent}`), ["ax1:224", "ax1:224", "ax0:109", "ax1:224"]);
  t.regex(String(parts[0]), /if \(\(3 <= ax2(_\d+)?\) && \(ax3(_\d+)? < 3\)\)/);
  t.regex(String(parts[1]), /if \(\(1 <= ax2(_\d+)?\) && \(ax3(_\d+)? < 3\)\)/);
  t.regex(String(parts[2]), /if \(ax3(_\d+)? < 3\)/);
  t.regex(String(parts[3]), /if \(\(ax2(_\d+)? < 5\) && \(ax3(_\d+)? < 3\)\)/);
  // Without the option, the head stays a loop of 2 under its guard.
  const plain = partition(f, CONST);
  t.is(String((seq(plain.body)[0] as For).extent), "2");
  const fn = build(g).getFunction("main");
  const [aIn] = int8Args(f);
  const out = nd.array(new Int8Array(25088), [25088]);
  fn(nd.array(aIn, [150528]), out);
  const want = new Int8Array(25088);
  for (let ax0 = 0; ax0 < 112; ax0++) {
    for (let ax1 = 0; ax1 < 224; ax1++) {
      for (let ax2 = 0; ax2 < 7; ax2++) {
        for (let ax3 = 0; ax3 < 3; ax3++) {
          const x = ax0 * 2 + ax2;
          if (x >= 3 && x < 227) want[ax1 * 112 + ax2 * 16 + ax3] = aIn[ax3 * 50176 + ax1 * 224 + x - 3];
        }
      }
    }
  }
  t.deepEqual(Array.from(out.toTypedArray() as Int8Array), Array.from(want));
});

test("test_loop_partition_keep_loop_annotations", (t) => {
  const A = tir.declBuffer([160], "int32", "A");
  const B = tir.declBuffer([160], "int32", "B");
  const ib = tir.irBuilder();
  const [a, b] = [ib.bufferPtr(A), ib.bufferPtr(B)];
  ib.forRange(0, 160, "i", (i) => {
    ib.scopeAttr(i, "pragma_loop_partition_hint", 1);
    ib.ifScope(i.lt(10), () => b.set(i, a.get(i).add(1)));
    ib.elseScope(() => {
      ib.ifScope(tir.le(10, i).and(i.lt(150)), () => b.set(i, a.get(i).add(2)));
      ib.elseScope(() => b.set(i, a.get(i).add(3)));
    });
  });
  const f = primFunc([A, B], ib.get());
  const g = partition(f, CONST, [transform.RemoveNoOp()]);
  t.is(bodyText(g), [
    "  for (i: int32, 0, 10) {",
    "    B_1[i] = ((int32*)A_1[i] + 1)",
    "  }",
    "  for (i_1: int32, 0, 140) {",
    "    B_1[(i_1 + 10)] = ((int32*)A_1[(i_1 + 10)] + 2)",
    "  }",
    "  for (i_2: int32, 0, 10) {",
    "    B_1[(i_2 + 150)] = ((int32*)A_1[(i_2 + 150)] + 3)",
    "  }",
  ].join("\n"));
  assertSameResults(t, f, g);
});

test("test_loop_partition_with_unit_loop_in_condition", (t) => {
  const p0 = tir.declBuffer([50176], "int8", "placeholder");
  const p1 = tir.declBuffer([25088], "int8", "placeholder_1");
  const p2 = tir.declBuffer([25088], "int8", "placeholder_2");
  const out = tir.declBuffer([100352], "int8", "T_concat");
  const ib = tir.irBuilder();
  const [a, b, c, o] = [p0, p1, p2, out].map((x) => ib.bufferPtr(x));
  ib.forRange(0, 1, "k", (k) => {
    ib.forRange(0, 128, "i1", (i1) => {
      ib.scopeAttr(i1, "pragma_loop_partition_hint", 1);
      ib.forRange(0, 28, "i2", (i2) => ib.forRange(0, 28, "i3", (i3) => {
        const at = i1.mul(784).add(i2.mul(28)).add(i3);
        const ch = k.mul(128).add(i1);
        ib.ifScope(tir.le(96, ch), () => o.set(k.mul(i1).mul(784).add(i2.mul(28)).add(i3), c.get(at.sub(75264))));
        ib.ifScope(tir.le(64, ch).and(ch.lt(96)), () => o.set(at, b.get(at.sub(50176))));
        ib.ifScope(ch.lt(64), () => o.set(at, a.get(at)));
      }));
    });
  });
  const f = primFunc([p0, p1, p2, out], ib.get());
  const g = partition(f, { "tir.LoopPartition": { partition_const_loop: true, no_unroll_loop_with_extent_one: true } }, [transform.RemoveNoOp()]);
  // The unit loop over k stays (TVM's preserve_unit_loop); inside it, three parts without a test.
  const unit = g.body as For;
  t.is(`${unit.loopVar.name}:${unit.extent}`, "k:1");
  t.deepEqual(seq(unit.body).map((x) => String((x as For).extent)), ["64", "32", "32"]);
  t.is(ifs(g.body), 0);
  sameOn(t, f, g, int8Args(f));
});

test("loop_partition_hint pragma inside a TE schedule: the hint attribute never reaches the C code", (t) => {
  const A = te.placeholder([16], "float32", "A");
  const B = te.placeholder([32], "float32", "B");
  const C = te.compute([32], (i) => te.ifThenElse(i.lt(16), A.at(i), B.at(i)), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).pragma(C.op.axis[0], "loop_partition_hint", true);
  const f = lower(s, [A, B, C], { partitionConstLoop: true }).get("main");
  t.is(ifs(f.body), 0);
  t.is(count(f.body, (n) => n instanceof Call && n.op === "tir.if_then_else"), 0);
  t.is(count(f.body, (n) => n instanceof AttrStmt), 0);
  const a = Float32Array.from({ length: 16 }, (_, i) => i);
  const bIn = Float32Array.from({ length: 32 }, (_, i) => -i);
  const out = nd.empty([32]);
  build(s, [A, B, C], { partitionConstLoop: true }).getFunction("main")(nd.array(a, [16]), nd.array(bIn, [32]), out);
  t.deepEqual(Array.from(out.toTypedArray() as Float32Array), Array.from({ length: 32 }, (_, i) => (i < 16 ? i : -i)));
});

test("tir.LoopPartition config: TVM's three fields, under either spelling; an unknown field is named", (t) => {
  const { s, args } = elementwiseAdd(21, 4);
  const f = flat(s, args);
  const tvmKeys = partition(f, { "tir.LoopPartition": { partition_const_loop: true, no_unroll_loop_with_extent_one: true } });
  const tejitKeys = partition(f, { partitionConstLoop: true, noUnrollLoopWithExtentOne: true });
  t.is(bodyText(tejitKeys), bodyText(tvmKeys));
  t.throws(() => partition(f, { "tir.LoopPartition": { no_unroll: true } }), {
    message: "PassContext config 'tir.LoopPartition' has no field 'no_unroll'; it has partition_const_loop, no_unroll_loop_with_extent_one, unroll_loop_with_partition_hint_no_interval",
  });
  t.throws(() => partition(f, { "tir.LoopPartition": { no_unroll_loop_with_extent_one: 1 } }), { message: /no_unroll_loop_with_extent_one/ });
});
