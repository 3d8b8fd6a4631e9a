// TVM's tutorial "Schedule Primitives in TVM" (tutorials/language/schedule_primitives.py, TVM
// v0.8), ported to tejit: each primitive applied to a small computation and the lowered TIR
// printed (simple mode, as the tutorial prints it); then every schedule is run by tejit's TIR
// interpreter (no C compiler needed; build() gives the same results, compiled) and its results
// checked against JS (the tutorial only prints), so a schedule that changed what is computed
// makes the example exit non-zero.
//
// Left out: `bind` to te.thread_axis("blockIdx.x"/"threadIdx.x") (GPU threads; tejit compiles C
// for the host CPU): printed as a note where the tutorial has it.
//
//   npm run example examples/schedule_primitives.ts

import { interpret, lower, nd, te } from "tejit";
import { assertAllclose, uniform } from "./assert_allclose.js";

const n = te.var("n");
const m = te.var("m");
const M = 37, N = 23; // the sizes the schedules are checked with (uneven for every split)

/**
 * Prints the lowered TIR, then runs it (interpreted) on M x N data: `args[0]` is the
 * input, the last argument the output checked against `ref`, any between are intermediate
 * tensors the function also writes (as the tutorial passes B).
 */
function show(title: string, s: te.Schedule, args: te.Tensor[], ref: (...ins: Float32Array[]) => Float32Array, inputs = 1): void {
  console.log(`--- ${title}`);
  const mod = lower(s, args, { simpleMode: true });
  console.log(mod.toString());
  const shapes = args.map((t) => t.shape.map((d) => (d === m ? M : d === n ? N : Number(d.toString()))));
  const data = shapes.slice(0, inputs).map((sh) => uniform(sh.reduce((x, y) => x * y, 1)));
  const arrays = shapes.map((sh, i) => (i < inputs ? nd.array(data[i], sh) : nd.empty(sh)));
  interpret(mod, arrays);
  assertAllclose(title, arrays[arrays.length - 1].toTypedArray() as Float32Array, ref(...data));
}
const map = (f: (v: number, i: number) => number) => (x: Float32Array) => Float32Array.from(x, f);

// A schedule computes tensors serially in row-major order by default.
{
  const A = te.placeholder([m, n], "float32", "A");
  const B = te.placeholder([m, n], "float32", "B");
  const C = te.compute([m, n], (i, j) => A.at(i, j).mul(B.at(i, j)), "C");
  const s = te.createSchedule([C.op]);
  show("default schedule", s, [A, B, C], (a, b) => a.map((v, i) => v * b[i]), 2);
}

// split by factor
{
  const A = te.placeholder([m], "float32", "A");
  const B = te.compute([m], (i) => A.at(i).mul(2), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).split(B.op.axis[0], { factor: 32 });
  show("split (factor=32)", s, [A, B], map((v) => v * 2));
}

// split by nparts
{
  const A = te.placeholder([m], "float32", "A");
  const B = te.compute([m], (i) => A.at(i), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).split(B.op.axis[0], { nparts: 32 });
  show("split (nparts=32)", s, [A, B], map((v) => v));
}

// tile
{
  const A = te.placeholder([m, n], "float32", "A");
  const B = te.compute([m, n], (i, j) => A.at(i, j), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).tile(B.op.axis[0], B.op.axis[1], 10, 5);
  show("tile (10, 5)", s, [A, B], map((v) => v));
}

// fuse: tile to (i.outer, j.outer, i.inner, j.inner), then fuse (i.inner, j.inner)
{
  const A = te.placeholder([m, n], "float32", "A");
  const B = te.compute([m, n], (i, j) => A.at(i, j), "B");
  const s = te.createSchedule(B.op);
  const [, , xi, yi] = s.stage(B).tile(B.op.axis[0], B.op.axis[1], 10, 5);
  s.stage(B).fuse(xi, yi);
  show("fuse", s, [A, B], map((v) => v));
}

// reorder: tile, then order the axes (i.inner, j.outer, i.outer, j.inner)
{
  const A = te.placeholder([m, n], "float32", "A");
  const B = te.compute([m, n], (i, j) => A.at(i, j), "B");
  const s = te.createSchedule(B.op);
  const [xo, yo, xi, yi] = s.stage(B).tile(B.op.axis[0], B.op.axis[1], 10, 5);
  s.stage(B).reorder(xi, yo, xo, yi);
  show("reorder", s, [A, B], map((v) => v));
}

console.log("--- bind\nnote: skipped: bind to te.thread_axis(\"blockIdx.x\") and (\"threadIdx.x\") is for GPUs; tejit compiles C for the host CPU");

/** B = A + 1, C = B * 2 (the tutorial's two-stage pipeline), scheduled by `schedule`. */
function pipeline(title: string, schedule: (s: te.Schedule, B: te.Tensor, C: te.Tensor) => void): void {
  const A = te.placeholder([m], "float32", "A");
  const B = te.compute([m], (i) => A.at(i).add(1), "B");
  const C = te.compute([m], (i) => B.at(i).mul(2), "C");
  const s = te.createSchedule(C.op);
  schedule(s, B, C);
  show(title, s, [A, B, C], map((v) => (v + 1) * 2));
}

// By default every stage is computed at the root, separately.
pipeline("default (two stages)", () => {});
// compute_at: B computed in C's loop.
pipeline("compute_at", (s, B, C) => s.stage(B).computeAt(s.stage(C), C.op.axis[0]));
// compute_inline: B's body substituted where C reads it.
pipeline("compute_inline", (s, B) => s.stage(B).computeInline());
// compute_root: back to the root after a compute_at.
pipeline("compute_root", (s, B, C) => { s.stage(B).computeAt(s.stage(C), C.op.axis[0]); s.stage(B).computeRoot(); });
