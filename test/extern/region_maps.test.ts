import test from "ava";
import { te, tir, lower, nd, registerFunc } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { iota, registerAddOne, uniqueName, type ViewRecord } from "./helpers.js";

function record(a: nd.NDArray): ViewRecord {
  return { shape: [...a.shape], strides: [...a.strides], byteOffset: a.byteOffset };
}

test("a row map (same rows, all columns) tiles a row-wise extern by rows", (t) => {
  const f = uniqueName("row_center");
  const seen: ViewRecord[] = [];
  // Each output row is its input row minus the row's mean: it needs whole rows.
  registerFunc(f, (a: nd.NDArray, b: nd.NDArray) => {
    seen.push(record(a));
    const [rows, cols] = a.shape;
    for (let r = 0; r < rows; r++) {
      let mean = 0;
      for (let c = 0; c < cols; c++) mean += a.get([r, c]) as number;
      mean /= cols;
      for (let c = 0; c < cols; c++) b.set([r, c], (a.get([r, c]) as number) - mean);
    }
  });
  const A = te.placeholder([6, 5], "float32", "A");
  const mid = te.extern([6, 5], [A], (ins, outs) => tir.callPacked(f, ins[0], outs[0]), {
    name: "center",
    regionMap: (out) => [[out[0], { min: te.const(0), extent: te.const(5) }]],
  }) as te.Tensor;
  const C = te.compute([6, 5], (i, j) => mid.at(i, j).mul(2), "C");
  const s = te.createSchedule(C.op);
  const [io] = s.stage(C).split(C.op.axis[0], { factor: 2 });
  s.stage(mid).computeAt(s.stage(C), io);
  const text = lower(s, [A, C]).toString();
  t.regex(text, /allocate\(center, float32, \[10\]\)/);
  const a = nd.array(iota(30, 1.5), [6, 5]);
  const c = nd.empty([6, 5]);
  interpret(lower(s, [A, C]), [a, c]);
  t.deepEqual(seen, [0, 40, 80].map((byteOffset) => ({ shape: [2, 5], strides: [5, 1], byteOffset })));
  const expected: number[] = [];
  for (let r = 0; r < 6; r++) {
    const row = [...iota(30, 1.5)].slice(r * 5, r * 5 + 5);
    const mean = row.reduce((x, y) => x + y, 0) / 5;
    expected.push(...row.map((v) => Math.fround(Math.fround(v - mean) * 2)));
  }
  t.deepEqual([...c.toTypedArray()].map((v) => Number(v.toFixed(4))), expected.map((v) => Number(v.toFixed(4))));
});

test("a shifted map reads the input at min + 2 for each output tile", (t) => {
  const f = uniqueName("shift_copy");
  const seen: ViewRecord[] = [];
  registerFunc(f, (a: nd.NDArray, b: nd.NDArray) => {
    seen.push(record(a));
    b.copyFrom(a.toTypedArray());
  });
  const A = te.placeholder([10], "float32", "A");
  const mid = te.extern([8], [A], (ins, outs) => tir.callPacked(f, ins[0], outs[0]), {
    name: "shifted",
    regionMap: (out) => [[{ min: out[0].min.add(2), extent: out[0].extent }]],
  }) as te.Tensor;
  const C = te.compute([8], (i) => mid.at(i), "C");
  const s = te.createSchedule(C.op);
  const [io] = s.stage(C).split(C.op.axis[0], { factor: 4 });
  s.stage(mid).computeAt(s.stage(C), io);
  const a = nd.array(iota(10), [10]);
  const c = nd.empty([8]);
  interpret(lower(s, [A, C]), [a, c]);
  t.deepEqual(seen, [8, 24].map((byteOffset) => ({ shape: [4], strides: [1], byteOffset })));
  t.deepEqual([...c.toTypedArray()], [2, 3, 4, 5, 6, 7, 8, 9]);
});

test("an uneven split gives the last call a view of the tail's real size", (t) => {
  const f = uniqueName("uneven");
  const seen = registerAddOne(f);
  const A = te.placeholder([10], "float32", "A");
  const mid = te.extern([10], [A], (ins, outs) => tir.callPacked(f, ins[0], outs[0]), { regionMap: "elementwise" }) as te.Tensor;
  const C = te.compute([10], (i) => mid.at(i), "C");
  const s = te.createSchedule(C.op);
  const [io] = s.stage(C).split(C.op.axis[0], { factor: 4 });
  s.stage(mid).computeAt(s.stage(C), io);
  const a = nd.array(iota(10), [10]);
  const c = nd.empty([10]);
  interpret(lower(s, [A, C]), [a, c]);
  t.deepEqual(seen.inputs.map((v) => [v.shape, v.byteOffset]), [[[4], 0], [[4], 16], [[2], 32]]);
  t.deepEqual(seen.outputs.map((v) => v.shape), [[4], [4], [2]]);
  t.deepEqual([...c.toTypedArray()], [...iota(10)].map((v) => v + 1));
});

test("an extern with a region map split at root is called per tile into the full buffer", (t) => {
  const f = uniqueName("root_split");
  const seen = registerAddOne(f);
  const A = te.placeholder([3, 4, 8], "float32", "A");
  const mid = te.extern([3, 4, 8], [A], (ins, outs) => tir.callPacked(f, ins[0], outs[0]), { regionMap: "elementwise" }) as te.Tensor;
  const C = te.compute([3, 4, 8], (i, j, k) => mid.at(i, j, k), "C");
  const s = te.createSchedule(C.op);
  s.stage(mid).split(mid.op.axis[1], { factor: 2 });
  const text = lower(s, [A, C]).toString();
  t.regex(text, /allocate\(extern, float32, \[96\]\)/);
  const a = nd.array(iota(96), [3, 4, 8]);
  const c = nd.empty([3, 4, 8]);
  interpret(lower(s, [A, C]), [a, c]);
  t.deepEqual(seen.inputs.map((v) => v.byteOffset), [0, 64]);
  t.deepEqual(seen.inputs.map((v) => v.shape), [[3, 2, 8], [3, 2, 8]]);
  t.deepEqual(seen.outputs.map((v) => [v.shape, v.strides, v.byteOffset]), [[[3, 2, 8], [32, 8, 1], 0], [[3, 2, 8], [32, 8, 1], 64]]);
  t.deepEqual([...c.toTypedArray()], [...iota(96)].map((v) => v + 1));
});

test("an input producer computed at the same loop shrinks to the tile too", (t) => {
  const f = uniqueName("shrink");
  registerAddOne(f);
  const X = te.placeholder([3, 4, 8], "float32", "X");
  const A = te.compute([3, 4, 8], (i, j, k) => X.at(i, j, k).mul(2), "A");
  const mid = te.extern([3, 4, 8], [A], (ins, outs) => tir.callPacked(f, ins[0], outs[0]), { regionMap: "elementwise" }) as te.Tensor;
  const C = te.compute([3, 4, 8], (i, j, k) => mid.at(i, j, k), "C");
  const s = te.createSchedule(C.op);
  s.stage(mid).computeAt(s.stage(C), C.op.axis[0]);
  s.stage(A).computeAt(s.stage(C), C.op.axis[0]);
  const text = lower(s, [X, C]).toString();
  t.regex(text, /allocate\(A, float32, \[32\]\)/);
  t.regex(text, /allocate\(extern, float32, \[32\]\)/);
  const x = nd.array(iota(96), [3, 4, 8]);
  const c = nd.empty([3, 4, 8]);
  interpret(lower(s, [X, C]), [x, c]);
  t.deepEqual([...c.toTypedArray()], [...iota(96)].map((v) => v * 2 + 1));
});

test("a region map of the wrong rank is an error at lowering naming the extern and input", (t) => {
  const A = te.placeholder([4, 4], "float32", "A");
  const mid = te.extern([4, 4], [A], (ins, outs) => tir.callPacked("f", ins[0], outs[0]), {
    name: "bad_rank",
    regionMap: (out) => [[out[0]]],
  }) as te.Tensor;
  const C = te.compute([4, 4], (i, j) => mid.at(i, j), "C");
  const s = te.createSchedule(C.op);
  const e = t.throws(() => lower(s, [A, C]));
  t.regex(e!.message, /extern 'bad_rank': regionMap returned a region of rank 1 for input 'A', which has rank 2/);
});

test("a region map reaching outside an input is an error naming the dimension", (t) => {
  const A = te.placeholder([8], "float32", "A");
  const mid = te.extern([8], [A], (ins, outs) => tir.callPacked("f", ins[0], outs[0]), {
    name: "too_far",
    regionMap: (out) => [[{ min: out[0].min.add(1), extent: out[0].extent }]],
  }) as te.Tensor;
  const C = te.compute([8], (i) => mid.at(i), "C");
  const e = t.throws(() => lower(te.createSchedule(C.op), [A, C]));
  t.regex(e!.message, /extern 'too_far': regionMap reaches outside input 'A' in dimension 0: it reads \[1, 9\) of extent 8/);
});

test("'elementwise' needs inputs of the output's rank", (t) => {
  const A = te.placeholder([8], "float32", "A");
  const mid = te.extern([2, 4], [A], (ins, outs) => tir.callPacked("f", ins[0], outs[0]), { name: "ew", regionMap: "elementwise" }) as te.Tensor;
  const C = te.compute([2, 4], (i, j) => mid.at(i, j), "C");
  const e = t.throws(() => lower(te.createSchedule(C.op), [A, C]));
  t.regex(e!.message, /extern 'ew': regionMap "elementwise" needs every input to have the output's rank 2, but input 'A' has rank 1/);
});

test("an irBuilder extern body indexing its tile with bufferPtr works tiled and untiled", (t) => {
  const results: number[][] = [];
  for (const regionMap of [undefined, "elementwise"] as const) {
    const A = te.placeholder([4, 2, 3], "float32", "A");
    const mid = te.extern([4, 2, 3], [A], (ins, outs) => {
      const ib = tir.irBuilder();
      const a = ib.bufferPtr(ins[0]);
      const o = ib.bufferPtr(outs[0]);
      const [n0, n1, n2] = outs[0].shape;
      ib.forRange(0, n0, "i", (i) => ib.forRange(0, n1, "j", (j) => ib.forRange(0, n2, "k", (k) => {
        o.set([i, j, k], a.get([i, j, k]).mul(10));
      })));
      return ib.get();
    }, { name: "mid", regionMap }) as te.Tensor;
    const C = te.compute([4, 2, 3], (i, j, k) => mid.at(i, j, k).add(1), "C");
    const s = te.createSchedule(C.op);
    s.stage(mid).computeAt(s.stage(C), C.op.axis[0]);
    const mod = lower(s, [A, C], { onWarning: () => {} });
    t.regex(mod.toString(), regionMap ? /allocate\(mid, float32, \[6\]\)/ : /allocate\(mid, float32, \[24\]\)/);
    const c = nd.empty([4, 2, 3]);
    interpret(mod, [nd.array(iota(24), [4, 2, 3]), c]);
    results.push([...c.toTypedArray()]);
  }
  t.deepEqual(results[0], [...iota(24)].map((v) => v * 10 + 1));
  t.deepEqual(results[1], results[0]);
});

test("a window map (min, extent + 2r) gives each tile its halo", (t) => {
  const f = uniqueName("box3");
  const seen: ViewRecord[] = [];
  // out[i] = in[i] + in[i + 1] + in[i + 2] over the view: the input view has 2 more elements.
  registerFunc(f, (a: nd.NDArray, b: nd.NDArray) => {
    seen.push(record(a));
    for (let i = 0; i < b.shape[0]; i++) b.set([i], (a.get([i]) as number) + (a.get([i + 1]) as number) + (a.get([i + 2]) as number));
  });
  const A = te.placeholder([14], "float32", "A");
  const mid = te.extern([12], [A], (ins, outs) => tir.callPacked(f, ins[0], outs[0]), {
    name: "box",
    regionMap: (out) => [[{ min: out[0].min, extent: out[0].extent.add(2) }]],
  }) as te.Tensor;
  const C = te.compute([12], (i) => mid.at(i), "C");
  const s = te.createSchedule(C.op);
  const [io] = s.stage(C).split(C.op.axis[0], { factor: 4 });
  s.stage(mid).computeAt(s.stage(C), io);
  t.regex(lower(s, [A, C]).toString(), /allocate\(box, float32, \[4\]\)/);
  const a = iota(14);
  const c = nd.empty([12]);
  interpret(lower(s, [A, C]), [nd.array(a, [14]), c]);
  t.deepEqual(seen, [0, 16, 32].map((byteOffset) => ({ shape: [6], strides: [1], byteOffset })));
  t.deepEqual([...c.toTypedArray()], Array.from({ length: 12 }, (_, i) => a[i] + a[i + 1] + a[i + 2]));
});
