// Blocked reductions and packed operands (examples/gemm_blocked.ts): the reduction split by kc
// and its outer part factored with rfactor, the partial tile computed at the row micro-block
// loop below the k-block loop, B packed at the k-block loop and A at the row-block loop. The
// lowered text line for line, the allocation sizes bound inference gives (tile-sized, not
// tensor-sized) for several block sizes, the numbers against a JS product through the
// interpreter and compiled (parallel on 2 threads bitwise equal to serial), a blocked 2-d
// convolution, and the refusal of cacheWrite after a split reduction.

import test from "ava";
import { blockedGemm, gemmReference } from "../../examples/gemm_blocked.js";
import { build, lower, nd, te } from "../../ts/index.js";
import { setNumThreads } from "../../ts/runtime/threads.js";
import { randomFloats } from "../helpers/random.js";
import { run } from "./helpers.js";

/** `allocate(name, dtype, [size])` lines of a lowered module, by buffer name. */
function allocations(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/allocate\(([\w.]+), float32, \[([^\]]+)\]\)/g)) out.set(m[1], m[2]);
  return out;
}

function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  return worst;
}

const SMALL = { m: 8, n: 16, k: 8, vectorLanes: 4, mr: 2, nr: 8, kc: 4, mc: 4, nc: 16 };

test("the blocked, packed GEMM schedule lowers to the GotoBLAS loop nest, line for line", (t) => {
  const g = blockedGemm(SMALL);
  const expected = `primfn(A_1: handle, B_1: handle, C_1: handle) -> ()
  attr = {"global_symbol": "main", "tir.noalias": True}
  buffers = {A: Buffer(A_2: Pointer(float32), float32, [8, 8], []),
             B: Buffer(B_2: Pointer(float32), float32, [8, 16], []),
             C: Buffer(C_2: Pointer(float32), float32, [8, 16], [])}
  buffer_map = {A_1: A, B_1: B, C_1: C} {
  attr [packedB: Pointer(float32)] "storage_scope" = "global";
  allocate(packedB, float32, [64]) {
    for (ax0.outer.init: int32, 0, 2) "parallel" {
      for (ax1.inner.outer.init: int32, 0, 2) {
        for (ax0.inner.outer.init: int32, 0, 2) {
          C_2[ramp((((ax0.outer.init*64) + (ax0.inner.outer.init*32)) + (ax1.inner.outer.init*8)), 1, 8)] = broadcast(0f32, 8)
          C_2[ramp(((((ax0.outer.init*64) + (ax0.inner.outer.init*32)) + (ax1.inner.outer.init*8)) + 16), 1, 8)] = broadcast(0f32, 8)
        }
      }
    }
    for (k.outer.v: int32, 0, 2) {
      for (x: int32, 0, 2) {
        for (y: int32, 0, 4) {
          packedB[ramp(((x*32) + (y*8)), 1, 8)] = (float32x8*)B_2[ramp((((k.outer.v*64) + (y*16)) + (x*8)), 1, 8)]
        }
      }
      for (ax0.outer: int32, 0, 2) "parallel" {
        attr [packedA: Pointer(float32)] "storage_scope" = "global";
        allocate(packedA, float32, [16]);
        attr [C.rf: Pointer(float32)] "storage_scope" = "global";
        allocate(C.rf, float32, [16]) {
          for (x_1: int32, 0, 2) {
            for (y_1: int32, 0, 4) {
              packedA[((x_1*8) + (y_1*2))] = (float32*)A_2[((((ax0.outer*32) + (x_1*16)) + (k.outer.v*4)) + y_1)]
              packedA[(((x_1*8) + (y_1*2)) + 1)] = (float32*)A_2[(((((ax0.outer*32) + (x_1*16)) + (k.outer.v*4)) + y_1) + 8)]
            }
          }
          for (ax1.inner.outer: int32, 0, 2) {
            for (ax0.inner.outer: int32, 0, 2) {
              C.rf[ramp(0, 1, 4)] = broadcast(0f32, 4)
              C.rf[ramp(4, 1, 4)] = broadcast(0f32, 4)
              C.rf[ramp(8, 1, 4)] = broadcast(0f32, 4)
              C.rf[ramp(12, 1, 4)] = broadcast(0f32, 4)
              for (k.inner: int32, 0, 4) {
                C.rf[ramp(0, 1, 4)] = ((float32x4*)C.rf[ramp(0, 1, 4)] + (broadcast((float32*)packedA[((ax0.inner.outer*8) + (k.inner*2))], 4)*(float32x4*)packedB[ramp(((ax1.inner.outer*32) + (k.inner*8)), 1, 4)]))
                C.rf[ramp(4, 1, 4)] = ((float32x4*)C.rf[ramp(4, 1, 4)] + (broadcast((float32*)packedA[((ax0.inner.outer*8) + (k.inner*2))], 4)*(float32x4*)packedB[ramp((((ax1.inner.outer*32) + (k.inner*8)) + 4), 1, 4)]))
                C.rf[ramp(8, 1, 4)] = ((float32x4*)C.rf[ramp(8, 1, 4)] + (broadcast((float32*)packedA[(((ax0.inner.outer*8) + (k.inner*2)) + 1)], 4)*(float32x4*)packedB[ramp(((ax1.inner.outer*32) + (k.inner*8)), 1, 4)]))
                C.rf[ramp(12, 1, 4)] = ((float32x4*)C.rf[ramp(12, 1, 4)] + (broadcast((float32*)packedA[(((ax0.inner.outer*8) + (k.inner*2)) + 1)], 4)*(float32x4*)packedB[ramp((((ax1.inner.outer*32) + (k.inner*8)) + 4), 1, 4)]))
              }
              C_2[ramp((((ax0.outer*64) + (ax0.inner.outer*32)) + (ax1.inner.outer*8)), 1, 8)] = ((float32x8*)C_2[ramp((((ax0.outer*64) + (ax0.inner.outer*32)) + (ax1.inner.outer*8)), 1, 8)] + (float32x8*)C.rf[ramp(0, 1, 8)])
              C_2[ramp(((((ax0.outer*64) + (ax0.inner.outer*32)) + (ax1.inner.outer*8)) + 16), 1, 8)] = ((float32x8*)C_2[ramp(((((ax0.outer*64) + (ax0.inner.outer*32)) + (ax1.inner.outer*8)) + 16), 1, 8)] + (float32x8*)C.rf[ramp(8, 1, 8)])
            }
          }
        }
      }
    }
  }
}`;
  t.is(lower(g.s, g.args).toString(), expected);
});

test("bound inference gives the packed blocks and the register tile their tile sizes, not the tensors'", (t) => {
  const cases = [
    { m: 64, n: 64, k: 64, vectorLanes: 8, mr: 4, nr: 16, kc: 16, mc: 16, nc: 32 },
    { m: 128, n: 96, k: 80, vectorLanes: 16, mr: 8, nr: 32, kc: 40, mc: 32, nc: 96 },
    { m: 48, n: 64, k: 256, vectorLanes: 8, mr: 6, nr: 16, kc: 64, mc: 24, nc: 64 },
  ];
  for (const c of cases) {
    const g = blockedGemm(c);
    const allocs = allocations(lower(g.s, g.args).toString());
    const what = JSON.stringify(c);
    t.deepEqual([...allocs.keys()].sort(), ["C.rf", "packedA", "packedB"], what);
    t.is(allocs.get("packedB"), String(c.kc * c.nc), `${what}: a kc x nc block of B`);
    t.is(allocs.get("packedA"), String(c.mc * c.kc), `${what}: an mc x kc block of A`);
    t.is(allocs.get("C.rf"), String(c.mr * c.nr), `${what}: an mr x nr register tile`);
  }
  // Without packing A the kernel reads A in place: only B's block and the tile are allocated.
  const g = blockedGemm({ ...cases[0], packA: false });
  t.deepEqual([...allocations(lower(g.s, g.args).toString())].sort(), [["C.rf", "64"], ["packedB", "512"]]);
});

test("the blocked schedule computes the product: interpreter and compiled kernel against a JS reference", (t) => {
  const opts = { m: 12, n: 32, k: 24, vectorLanes: 8, mr: 3, nr: 16, kc: 8, mc: 6, nc: 16 };
  const g = blockedGemm(opts);
  const a = randomFloats(opts.m * opts.k, 3);
  const b = randomFloats(opts.k * opts.n, 4);
  const ref = gemmReference(a, b, opts.m, opts.n, opts.k);
  const [interp] = run(g.s, [g.A, g.B], [g.C], [nd.array(a, [opts.m, opts.k]), nd.array(b, [opts.k, opts.n])]);
  t.true(maxRelError(interp, ref) < 1e-5, `interpreter: ${maxRelError(interp, ref)}`);
  const c = nd.empty([opts.m, opts.n]);
  build(g.s, g.args, { name: "gemm" }).getFunction("gemm")(nd.array(a, [opts.m, opts.k]), nd.array(b, [opts.k, opts.n]), c);
  const compiled = c.toTypedArray() as Float32Array;
  t.true(maxRelError(compiled, ref) < 1e-5, `compiled: ${maxRelError(compiled, ref)}`);
  t.true(maxRelError(compiled, interp) < 1e-6, "compiled and interpreted agree");
});

test.serial("the row-block loop in parallel on 2 threads gives the serial kernel's numbers bit for bit", (t) => {
  const opts = { m: 128, n: 64, k: 96, mr: 4, nr: 16, vectorLanes: 8, kc: 32, mc: 8, nc: 32 };
  const a = nd.array(randomFloats(opts.m * opts.k, 5), [opts.m, opts.k]);
  const b = nd.array(randomFloats(opts.k * opts.n, 6), [opts.k, opts.n]);
  const result = (parallel: boolean): Float32Array => {
    const g = blockedGemm({ ...opts, parallel });
    const c = nd.empty([opts.m, opts.n]);
    build(g.s, g.args, { name: "gemm" }).getFunction("gemm")(a, b, c);
    return c.toTypedArray() as Float32Array;
  };
  try {
    setNumThreads(2);
    const par = result(true);
    const ser = result(false);
    t.deepEqual([...par], [...ser]);
    const ref = gemmReference(a.toTypedArray() as Float32Array, b.toTypedArray() as Float32Array, opts.m, opts.n, opts.k);
    t.true(maxRelError(par, ref) < 1e-5);
  } finally {
    setNumThreads(0);
  }
});

test("a 2-d convolution blocked over input channels: the partial tile at the output-row loop, numbers against JS", (t) => {
  // out[co, y, x] = sum over ci, ky, kx of in[ci, y + ky, x + kx] * w[co, ci, ky, kx]
  const CI = 6, CO = 4, H = 5, W = 8, KH = 3, KW = 3;
  const X = te.placeholder([CI, H + KH - 1, W + KW - 1], "float32", "X");
  const Wt = te.placeholder([CO, CI, KH, KW], "float32", "W");
  const ci = te.reduceAxis([0, CI], "ci");
  const ky = te.reduceAxis([0, KH], "ky");
  const kx = te.reduceAxis([0, KW], "kx");
  const Y = te.compute([CO, H, W], (co, y, x) => te.sum(X.at(ci, y.add(ky), x.add(kx)).mul(Wt.at(co, ci, ky, kx)), [ci, ky, kx]), "Y");
  const s = te.createSchedule(Y.op);
  const sy = s.stage(Y);
  const [cio] = sy.split(ci, { factor: 2 });
  const YR = s.rfactor(Y, cio);
  const [co, y, x] = sy.op.axis;
  const cb = sy.op.reduceAxis[0];
  sy.reorder(cb, co, y, x);
  const sr = s.stage(YR);
  sr.computeAt(sy, y);
  const [, , , rx] = sr.op.axis;
  const [rky, rkx, rci] = sr.op.reduceAxis; // untouched reductions first, then the rest of the split one (as TVM)
  sr.reorder(rci, rky, rkx, rx);
  sr.vectorize(rx);
  const text = lower(s, [X, Wt, Y]).toString();
  t.is(allocations(text).get("Y.rf"), String(W), "one output row of partial sums per channel block");
  const xs = randomFloats(CI * (H + KH - 1) * (W + KW - 1), 7);
  const ws = randomFloats(CO * CI * KH * KW, 8);
  const ref = new Float32Array(CO * H * W);
  for (let o = 0; o < CO; o++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    let acc = 0;
    for (let i = 0; i < CI; i++) for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) {
      acc += xs[(i * (H + KH - 1) + r + p) * (W + KW - 1) + c + q] * ws[((o * CI + i) * KH + p) * KW + q];
    }
    ref[(o * H + r) * W + c] = acc;
  }
  const inputs = [nd.array(xs, [CI, H + KH - 1, W + KW - 1]), nd.array(ws, [CO, CI, KH, KW])];
  const [interp] = run(s, [X, Wt], [Y], inputs);
  t.true(maxRelError(interp, ref) < 1e-5, `interpreter: ${maxRelError(interp, ref)}`);
  const out = nd.empty([CO, H, W]);
  build(s, [X, Wt, Y], { name: "conv" }).getFunction("conv")(...inputs, out);
  t.true(maxRelError(out.toTypedArray() as Float32Array, ref) < 1e-5);
});

test("cacheWrite after splitting the reduction is refused, naming the loop and the rfactor recipe", (t) => {
  const A = te.placeholder([16, 16], "float32", "A");
  const B = te.placeholder([16, 16], "float32", "B");
  const k = te.reduceAxis([0, 16], "k");
  const C = te.compute([16, 16], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).split(k, { factor: 4 });
  t.is(t.throws(() => s.cacheWrite(C, "local"))!.message,
    "cacheWrite of 'C': loop 'k.outer' of 'C' is a CommReduce loop derived from a reduction axis; cacheWrite lays the cache out along data-parallel loops only (as TVM's cache_write), so split the reduction on the cache stage after cacheWrite instead. To block the reduction outside an accumulator tile, factor the block loop: s.rfactor(C, <the block loop>) gives a stage 'C.rf' of partial sums that 'C' adds up block by block; compute it at a loop of 'C' below the block loop (docs/schedule.md, \"Blocked reductions\")");
  t.deepEqual(s.stages.map((st) => st.name), ["A", "B", "C"], "a refused call leaves the schedule unchanged");
  // The block loop of the final reduction cannot run in parallel: its iterations add into the same C.
  const g = blockedGemm(SMALL);
  const kb = g.s.stage(g.C).op.reduceAxis[0];
  t.is(t.throws(() => g.s.stage(g.C).parallel(kb))!.message, "stage 'C.repl': cannot parallelize reduction axis 'k.outer.v': its iterations update the same output (rfactor it first)");
  t.throws(() => blockedGemm({ ...SMALL, kc: 3 }), { message: "blockedGemm: kc = 3 must be a positive divisor of k = 8" });
});
