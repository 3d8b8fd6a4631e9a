// Matrix products: ops.matmul (2-D, either operand transposed), ops.batchMatmul (3-D, batch
// broadcast when one side has batch 1) and ops.dense (X·Wᵀ + bias, TOPI's dense), with their
// default CPU schedule.
//
// The definition packs B into column panels, packedB[j / P, k, j % P] (P = 32 floats: a
// multiple of every float32 vector width, two 64-byte cache lines), when there are enough rows
// of A to pay for the copy (M >= 16): the kernel then reads B contiguously whatever its layout
// (a transposed B is transposed once, by the packing). Layout is part of the computation in TE
// (as in TOPI's dense_pack), so the packing is in the op and the schedule decides the rest.
//
// The schedule (scheduleMatmul): the output tiled MR x NR (NR = two native vectors, MR rows so
// that MR·2 vector accumulators fill about half the register file), each step of k MR
// broadcasts of A and two vector loads of packed B for 2·MR FMAs, the tile in registers. Around
// it, from the shapes and the target's caches (docs/ops.md, "What each family's schedule does"):
// blocked (k split into L1-sized blocks outside the tile with rfactor, B packed a k block at a
// time, A's block copied per task, column x row block tasks in parallel, in a task the row
// slivers outside the B panels), skinny (few rows: B streamed once, k blocks in parallel), or
// the plain tile over all of k (a fused bias / relu is then the tile's copy-out).

import { ArgumentError, ShapeError } from "../errors.js";
import { IntImm, type PrimExpr } from "../ir/expr.js";
import { describe } from "../ir/op.js";
import type { IterVar } from "../ir/iter_var.js";
import type { Schedule } from "../schedule/schedule.js";
import type { Stage } from "../schedule/stage.js";
import type { ComputeOp } from "../te/compute.js";
import * as te from "../te/index.js";
import type { Tensor } from "../te/tensor.js";
import { checkFloat, checkOptions, checkRank, checkSameDType, checkSameExtent, checkTensor, constDim } from "./checks.js";
import { add } from "./elementwise.js";
import { familyOf, familyTag } from "./family.js";
import { scheduleInjective } from "./injective.js";
import { parallelize, vectorFactor } from "./loops.js";
import type { TargetInfo } from "./target.js";

/** Options of ops.matmul and ops.batchMatmul. */
export interface MatmulOptions {
  /** A is given as its transpose ([K, M], or [b, K, M]). */
  transposeA?: boolean;
  /** B is given as its transpose ([N, K], or [b, N, K]). */
  transposeB?: boolean;
}

/** The width of B's packed column panels (floats). */
export const PANEL = 32;
/** Rows of A from which B is packed (below, a row block reads B in place: GEMV-like shapes). */
export const PACK_MIN_ROWS = 16;

function flags(op: string, opts: MatmulOptions): { ta: boolean; tb: boolean } {
  checkOptions(op, opts, ["transposeA", "transposeB"]);
  for (const k of ["transposeA", "transposeB"] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== "boolean") throw new ArgumentError(`ops.${op}: option ${k} must be true or false, got ${describe(opts[k])}`);
  }
  return { ta: opts.transposeA === true, tb: opts.transposeB === true };
}

/**
 * B packed into panels: packed[(b,) j / P, k, j % P] = B[(b,) k, j] (or B[(b,) j, k] when
 * transposed); columns past N (the last panel) read as zero.
 */
function packB(B: Tensor, batched: boolean, K: PrimExpr, N: number, tb: boolean, name: string): Tensor {
  const panels = Math.ceil(N / PANEL);
  const read = (bIdx: PrimExpr[], k: PrimExpr, j: PrimExpr) => (tb ? B.at(...bIdx, j, k) : B.at(...bIdx, k, j));
  const body = (bIdx: PrimExpr[], jo: PrimExpr, k: PrimExpr, ji: PrimExpr) => {
    const j = jo.mul(PANEL).add(ji);
    // likely: loop partition splits the panel loop into guard-free panels and the last one.
    return N % PANEL === 0 ? read(bIdx, k, j) : te.ifThenElse(te.likely(j.lt(N)), read(bIdx, k, j), te.const(0, B.dtype));
  };
  const tag = { ...familyTag("pack", { transposed: tb }) };
  return batched
    ? te.compute([B.shape[0], panels, K, PANEL], (b, jo, k, ji) => body([b], jo, k, ji), `${name}_packedB`, { ...tag, axisNames: ["b", "jo", "k", "ji"] })
    : te.compute([panels, K, PANEL], (jo, k, ji) => body([], jo, k, ji), `${name}_packedB`, { ...tag, axisNames: ["jo", "k", "ji"] });
}

/**
 * The matrix product A·B (TOPI's matmul): A is [M, K] ([K, M] with transposeA), B is [K, N]
 * ([N, K] with transposeB); returns [M, N]. B is packed into 32-wide column panels when M >= 16.
 * @param A The left operand (float). @param B The right operand (float, A's dtype).
 * @param opts transposeA, transposeB.
 * @throws Error naming the tensor and axis when a rank, dtype or the reduction extent does not match.
 */
export function matmul(A: Tensor, B: Tensor, opts: MatmulOptions = {}): Tensor {
  return product("matmul", A, B, opts, false);
}

/**
 * The batched product (TOPI's batch_matmul): A is [b, M, K], B is [b, K, N] (each transposed in
 * its last two axes by the options); a batch of 1 on one side is broadcast. Returns [b, M, N].
 * @param A The left operand (float). @param B The right operand (float, A's dtype).
 * @param opts transposeA, transposeB.
 */
export function batchMatmul(A: Tensor, B: Tensor, opts: MatmulOptions = {}): Tensor {
  return product("batchMatmul", A, B, opts, true);
}

function product(op: string, A: unknown, B: unknown, opts: MatmulOptions, batched: boolean, name = op): Tensor {
  checkTensor(op, "A", A);
  checkTensor(op, "B", B);
  const { ta, tb } = flags(op, opts);
  const r = batched ? 3 : 2;
  checkRank(op, "A", A, r, batched ? (ta ? "[batch, K, M]" : "[batch, M, K]") : (ta ? "[K, M]" : "[M, K]"));
  checkRank(op, "B", B, r, batched ? (tb ? "[batch, N, K]" : "[batch, K, N]") : (tb ? "[N, K]" : "[K, N]"));
  checkFloat(op, "A", A);
  checkSameDType(op, "A", A, "B", B);
  const o = batched ? 1 : 0;
  const aK = ta ? o : o + 1;
  const bK = tb ? o + 1 : o;
  checkSameExtent(op, "the reduction axis K", "A", A, aK, "B", B, bK);
  const M = A.shape[ta ? o + 1 : o];
  const N = constDim(op, "B", B, tb ? o : o + 1);
  const K = A.shape[aK];
  let batch: PrimExpr | undefined;
  if (batched) {
    const ba = A.shape[0], bb = B.shape[0];
    const one = (d: PrimExpr) => d instanceof IntImm && d.value === 1;
    if (ba instanceof IntImm && bb instanceof IntImm && ba.value !== bb.value && !one(ba) && !one(bb)) {
      throw new ShapeError(`ops.${op}: the batch axis: 'A' axis 0 has ${ba.value} but 'B' axis 0 has ${bb.value} (expected equal, or 1)`);
    }
    batch = one(ba) ? bb : ba;
  }
  const pack = M instanceof IntImm && M.value >= PACK_MIN_ROWS;
  const PB = pack ? packB(B, batched, K, N, tb, name) : undefined;
  const k = te.reduceAxis([0, K], "k");
  const readA = (b: PrimExpr[], i: PrimExpr) => (ta ? A.at(...b, k.var, i) : A.at(...b, i, k.var));
  const readB = (b: PrimExpr[], j: PrimExpr) => {
    if (PB) return PB.at(...b, j.floordiv(PANEL), k.var, j.floormod(PANEL));
    return tb ? B.at(...b, j, k.var) : B.at(...b, k.var, j);
  };
  const bOf = (t: Tensor, b: PrimExpr) => (t.shape[0] instanceof IntImm && t.shape[0].value === 1 ? [te.const(0, "int32")] : [b]);
  const tag = familyTag("matmul", { batched, packed: pack, transposeA: ta, transposeB: tb });
  if (batched) {
    return te.compute([batch!, M, N], (b, i, j) => te.sum(readA(bOf(A, b), i).mul(readB(bOf(B, b), j)), k), name, { ...tag, axisNames: ["b", "i", "j"] });
  }
  return te.compute([M, N], (i, j) => te.sum(readA([], i).mul(readB([], j)), k), name, { ...tag, axisNames: ["i", "j"] });
}

/**
 * A fully connected layer (TOPI's dense): X [M, K] times Wᵀ (W is [N, K], one row an output
 * unit), plus `bias` [N] when given (a broadcast add ops.schedule fuses into the product).
 * @param X The input (float). @param W The weights [N, K]. @param bias The bias [N], optional.
 */
export function dense(X: Tensor, W: Tensor, bias?: Tensor): Tensor {
  checkTensor("dense", "X", X);
  checkTensor("dense", "W", W);
  checkRank("dense", "X", X, 2, "[M, K]");
  checkRank("dense", "W", W, 2, "[N, K]");
  const Y = product("dense", X, W, { transposeB: true }, false);
  if (bias === undefined) return Y;
  checkTensor("dense", "bias", bias);
  checkRank("dense", "bias", bias, 1, "[N]");
  checkSameDType("dense", "X", X, "bias", bias);
  checkSameExtent("dense", "the output units N", "W", W, 0, "bias", bias, 0);
  return add(Y, bias);
}

/** The registers a tile may use: MR rows of two vectors, about half the register file. */
function rowsPerTile(t: TargetInfo): number {
  // 32 vector registers with AVX-512 (8 rows: 16 accumulators), 16 with AVX2/SSE (6 rows: 12).
  return t.vectorRegisters >= 32 ? 8 : 6;
}

/** The largest divisor of `n` that is at most `max` and a multiple of `step` (undefined when none). */
function divisorAtMost(n: number, max: number, step = 1): number | undefined {
  for (let d = Math.floor(max / step) * step; d >= step; d -= step) if (n % d === 0) return d;
  return undefined;
}

/**
 * The k block of a blocked product: KC rows of a 32-float panel of packed B (KC x P floats) in
 * L1, KC a power of two up to 512 (256 with a 32 KiB or 48 KiB L1, whatever the vector width:
 * with AVX2's 16-float NR, KC = 512 measured 0.79-0.93x of KC = 256 at 2048² on Zen 4, an AVX2
 * build, 1 thread); a divisor
 * of K (an uneven split would guard the micro-kernel's every step), at least a quarter of that
 * size, else undefined (the product is not blocked). Among those divisors, one that is a
 * multiple of the vector width (else of half of it, ... down to 4 floats) first: the copy of
 * A's block runs along k in whole vectors, with no guarded tail (a guard there makes loop
 * partition cut the k-block loop, and the function, with its unrolled tiles, twice over).
 */
export function kBlock(K: number, dtypeBytes: number, t: TargetInfo): number | undefined {
  const fit = Math.max(64, Math.floor(t.caches.l1 / (PANEL * dtypeBytes)));
  const target = Math.min(512, 2 ** Math.floor(Math.log2(fit)));
  if (K <= target * 1.5) return undefined;
  const lanes = Math.max(1, Math.floor(t.vectorBytes / dtypeBytes));
  for (let step = lanes; step >= Math.min(4, lanes); step >>= 1) {
    const kc = divisorAtMost(K, target, step);
    if (kc !== undefined && kc >= target / 4) return kc;
  }
  const kc = divisorAtMost(K, target);
  return kc !== undefined && kc >= target / 4 ? kc : undefined;
}

/**
 * The default schedule of a matmul `C` whose values end in `out` (C itself, or the elementwise
 * consumer fused with it, e.g. a bias add and relu, already inlined into it).
 */
export function scheduleMatmul(s: Schedule, C: Tensor, out: Tensor, t: TargetInfo): void {
  const batched = C.op.attrs.batched === true;
  const o = batched ? 1 : 0;
  const lanes = t.lanes(C.dtype);
  const M = (C.shape[o] as IntImm).value;
  const N = (C.shape[o + 1] as IntImm).value;
  const K = (C.op as ComputeOp).reduceAxis[0].dom!.extent as IntImm;
  // Two vectors a row (an uneven split of N is partitioned into guard-free tiles and a last,
  // narrower one: ts/transform/loop_partition.ts); below two vectors' width, the narrowest
  // vector count covering N (or a divisor of N).
  const NR = N >= 2 * lanes ? 2 * lanes : [lanes, lanes / 2].find((f) => f >= 4 && N % f === 0) ?? Math.min(2 * lanes, Math.ceil(N / lanes) * lanes);
  const MR = Math.min(rowsPerTile(t), M);
  const packed = (C.op.inputTensors() as Tensor[]).find((x) => familyOf(x.op) === "pack");
  // Blocked when B's panels are many enough to reuse a copied A block (4 or more).
  const KC = !batched && packed && Math.ceil(N / NR) >= 4 ? kBlock(K.value, C.dtype.bits / 8, t) : undefined;
  if (KC !== undefined) {
    scheduleBlocked(s, C, packed!, { M, N, K: K.value, MR, NR, KC, lanes }, t);
    // A fused elementwise tail is a vectorized pass of its own over C (it cannot be the tile's
    // copy-out: C is complete only after the last k block).
    if (out !== C) scheduleInjective(s, out, t);
    if (packed) schedulePack(s, packed, lanes, t.numThreads);
    return;
  }

  if (!batched && !packed && out === C) {
    scheduleSkinny(s, C, { M, N, K: K.value, lanes }, t);
    return;
  }

  // The accumulator tile: a cacheWrite stage when C is the output, else C itself (the output
  // stage, e.g. relu(C + bias), is then the copy-out of the tile: no loop nest of its own).
  const acc = out === C ? (s.cacheWrite(C, "global") as Tensor) : C;
  const so = s.stage(out);
  const ax = so.op.axis;
  const [xo, yo, , yi] = so.tile(ax[o], ax[o + 1], MR, NR);
  // The copy-out writes whole vectors of a row.
  so.vectorize(yi);
  const sa = s.stage(acc);
  // Computed at the column tile: only MR x NR accumulators are allocated (1 KB with AVX-512,
  // on the C stack, which is what lets gcc keep it in registers).
  sa.computeAt(so, yo);
  const [xc, yc] = sa.op.axis.slice(o);
  const [k] = sa.op.reduceAxis;
  // k outermost in the tile: the whole tile is updated a step of k (each A element broadcast
  // once, each packed B vector loaded once).
  sa.reorder(k, xc, yc);
  // Rows unrolled: MR independent accumulator chains a step, enough to cover the FMA latency.
  sa.unroll(xc);
  // Columns vectorized: NR lanes, split to native vectors by the code generator.
  sa.vectorize(yc);
  // The row blocks in parallel (with the batch axis): the generated code hands them out in
  // chunks as threads become free (ts/codegen/c_outline.ts).
  parallelize(so, batched ? [ax[0], xo] : [xo], t.numThreads);

  // The packing: panels in parallel, a panel row (P floats) vectorized when B is read in place.
  if (packed) schedulePack(s, packed, lanes, t.numThreads);
}

interface BlockSizes {
  M: number;
  N: number;
  K: number;
  MR: number;
  NR: number;
  KC: number;
  lanes: number;
}

/**
 * The blocked product (GotoBLAS's loop nest, in TE): k split by KC and the block loop factored
 * out with rfactor, so C (now the sum over k blocks) adds a partial MR x NR tile (C.rf, in
 * registers) into memory once a k block; A's block, MC rows x KC, copied (cacheRead) at the
 * task loop so the micro-kernel reads it at a short stride; in a task, each MR x KC sliver of
 * the A block stays in L1 while the KC x NR slivers of packed B stream past it (from L2 or L3),
 * its tiles walking along C's rows.
 */
function scheduleBlocked(s: Schedule, C: Tensor, packed: Tensor, z: BlockSizes, t: TargetInfo): void {
  const { M, N, MR, NR, KC, lanes } = z;
  const bytes = C.dtype.bits / 8;
  const sc = s.stage(C);
  const [ko] = sc.split(sc.op.reduceAxis[0], { factor: KC });
  const CR = s.rfactor(C, ko);
  const [i, j] = sc.op.axis;
  const kb = sc.op.reduceAxis[0];
  // Column blocks: a KC x NC block of packed B in a quarter of L3 (each row sliver streams it
  // once, a KC x NR sliver per tile: it need not stay in L2), so that A's block is copied once
  // a k block for all of N up to a few thousand columns. (NC = 512, half of L2 at KC = 256,
  // copied A four times at 2048² and measured 3-8% slower on Zen 4 than NC = N.)
  const NC = Math.min(Math.ceil(N / NR) * NR, Math.max(NR, Math.floor(t.caches.l3 / 4 / (KC * bytes) / NR) * NR));
  const colBlocks = Math.ceil(N / NC);
  // Row blocks: an A block (MC x KC) in half of L2, and with the column blocks at least 4 tasks
  // a thread when there are rows enough, so the chunks the threads take balance.
  const fitRows = Math.max(MR, Math.floor(t.caches.l2 / 2 / (KC * bytes) / MR) * MR);
  const rowBlocks = Math.ceil((4 * t.numThreads) / colBlocks);
  const MC = Math.min(fitRows, Math.max(MR, Math.ceil(M / rowBlocks / MR) * MR), Math.ceil(M / MR) * MR);
  const [jc, jj] = colBlocks > 1 ? sc.split(j, { factor: NC }) : [undefined, j];
  const [io, ii] = sc.split(i, { factor: MC });
  const [iio, iii] = sc.split(ii, { factor: MR });
  const [jo, ji] = sc.split(jj, { factor: NR });
  // Row slivers outside the panels: an MR x KC sliver of the A block stays in L1 while the
  // KC x NR slivers of the packed B block stream past it from L2, and the tiles of a sliver walk
  // along C's rows (the copy-out's loads and stores run along MR rows, which the hardware
  // prefetcher follows). The other order (a B sliver in L1, the A slivers streaming past it, the
  // tiles walking down C's columns a row stride apart) measured 0.86-0.91x OpenBLAS at 2048² on
  // Zen 4, 1 thread, against 0.96-1.02x for this one (best-of CPU times, docs/ops.md).
  sc.reorder(kb, ...(jc ? [jc] : []), io, iio, jo, iii, ji);
  sc.unroll(iii);
  sc.vectorize(ji);
  // The tasks: (column block, row block) pairs, each copying its A block.
  const task = jc ? sc.fuse(jc, io) : io;
  if (t.numThreads > 1 && colBlocks * Math.ceil(M / MC) >= 2) sc.parallel(task);
  // B packed a k block at a time (KC x N, its panels in parallel): the copy is written to
  // cache, not to memory and back.
  s.stage(packed).computeAt(sc, kb);

  // The register tile: one k block's partial sums of an MR x NR tile.
  const sr = s.stage(CR);
  sr.computeAt(sc, jo);
  const [, ri, rj] = sr.op.axis;
  const [rk] = sr.op.reduceAxis;
  sr.reorder(rk, ri, rj);
  sr.unroll(ri);
  sr.vectorize(rj);

  // A's block, copied where it is reused: MC x KC floats at the row block.
  const A = (CR.op.inputTensors() as Tensor[]).find((x) => familyOf(x.op) !== "pack");
  if (A !== undefined) {
    const AA = s.cacheRead(A, "global", [CR.op]);
    const sa = s.stage(AA);
    sa.computeAt(sc, task);
    // Its rows copied in whole vectors when a vector width (down to 4 floats) divides them; else
    // left to the C compiler: a guarded vector tail here would make loop partition cut the
    // k-block loop (the guard depends on it), doubling the function's unrolled tiles.
    const inner = sa.op.axis[sa.op.axis.length - 1];
    const rowLength = C.op.attrs.transposeA === true ? MC : KC;
    const vf = vectorFactor(rowLength, lanes);
    if (rowLength % vf === 0) {
      const [, av] = sa.split(inner, { factor: vf });
      sa.vectorize(av);
    }
  }
}
/**
 * A product with few rows (M < PACK_MIN_ROWS: a matrix-vector product, or nearly): B is read
 * once, in place, row after row, so the time is that of streaming B from memory. k is the loop
 * outside the columns (each step reads a row of B contiguously and updates M rows of C in L1:
 * a column block of them when M rows of N would not fit half of L1); with K long enough, k is
 * split into blocks whose partial sums (rfactor) are computed in parallel, each task streaming a
 * contiguous band of B's rows, and added up at the end (a K/KC x M x N buffer).
 */
function scheduleSkinny(s: Schedule, C: Tensor, z: { M: number; N: number; K: number; lanes: number }, t: TargetInfo): void {
  const { M, N, K, lanes } = z;
  const bytes = C.dtype.bits / 8;
  const VF = N >= 2 * lanes ? 2 * lanes : vectorFactor(N, lanes);
  // Columns a block: M rows of them in half of L1.
  const NB = Math.max(VF, Math.floor(t.caches.l1 / 2 / (M * bytes) / VF) * VF);
  // k blocks: 4 a thread or more, of at least 64 rows of B.
  const kc = t.numThreads > 1 && K >= 128 ? divisorAtMost(K, Math.max(64, Math.floor(K / (4 * t.numThreads)))) : undefined;
  const sc = s.stage(C);
  const rows = (st: Stage, i: IterVar, j: IterVar, k: IterVar, outer: IterVar[]) => {
    const [jb, jr] = NB < N ? st.split(j, { factor: NB }) : [undefined, j];
    const [jv, jl] = st.split(jr, { factor: VF });
    st.reorder(...outer, ...(jb ? [jb] : []), k, jv, i, jl);
    if (M > 1) st.unroll(i);
    st.vectorize(jl);
  };
  if (kc === undefined || kc >= K) {
    const [i, j] = sc.op.axis;
    rows(sc, i, j, sc.op.reduceAxis[0], []);
    return;
  }
  const [ko] = sc.split(sc.op.reduceAxis[0], { factor: kc });
  const CR = s.rfactor(C, ko);
  const sr = s.stage(CR);
  const [kv, ri, rj] = sr.op.axis;
  rows(sr, ri, rj, sr.op.reduceAxis[0], [kv]);
  sr.parallel(kv);
  // The sum of the blocks' partial rows: columns vectorized, the blocks the inner reduction.
  const [i, j] = sc.op.axis;
  const [jo, ji] = sc.split(j, { factor: VF });
  sc.reorder(i, jo, sc.op.reduceAxis[0], ji);
  sc.vectorize(ji);
}

/** The packing of B: panel rows vectorized (in place reads) or unrolled (a transpose), panels parallel. */
function schedulePack(s: Schedule, P: Tensor, lanes: number, numThreads: number): void {
  const sp = s.stage(P);
  const ax = sp.op.axis;
  const n = ax.length;
  const ji = ax[n - 1];
  if (P.op.attrs.transposed === true) {
    // Reading B transposed: the inner loop over k reads B's rows contiguously instead.
    sp.reorder(ax[n - 3], ax[n - 1], ax[n - 2]);
  } else {
    const [, jv] = sp.split(ji, { factor: Math.min(lanes, PANEL) });
    sp.vectorize(jv);
  }
  parallelize(sp, ax.slice(0, n - 2) as IterVar[], numThreads);
}
