import test from "ava";
import "../runtime/helpers.js"; // a private compile cache for this test process
import { te, tir, nd, registerFunc, lower, build } from "../../ts/index.js";
import { iota, registerAddOne, seedProgram, uniqueName } from "./helpers.js";

test("the built seed (both ways) calls the JS function 3 times and gives input + 1", (t) => {
  const f = uniqueName("built_seed");
  const seen = registerAddOne(f);
  for (const regionMap of [undefined, "elementwise"] as const) {
    const { s, args, shape } = seedProgram(f, regionMap);
    const mod = build(s, args, { onWarning: () => {} });
    const input = nd.array(iota(96), shape);
    const out = nd.empty(shape);
    mod.getFunction("main")(input, out);
    t.deepEqual([...out.toTypedArray()], [...iota(96)].map((v) => v + 1));
  }
  t.deepEqual(seen.inputs.map((v) => [v.shape, v.byteOffset]), [
    [[3, 4, 8], 0], [[3, 4, 8], 0], [[3, 4, 8], 0],
    [[1, 4, 8], 0], [[1, 4, 8], 128], [[1, 4, 8], 256],
  ]);
});

test("a tiled extern inside a parallel loop: private tiles, JS called once per tile from the parallel region, correct every time", (t) => {
  const f = uniqueName("parallel_tiles");
  const offsets: number[] = [];
  registerFunc(f, (a: nd.NDArray, b: nd.NDArray) => {
    offsets.push(a.byteOffset);
    b.copyFrom(a.toTypedArray().map((v) => v * 3));
  });
  const shape = [16, 4, 8];
  const A = te.placeholder(shape, "float32", "A");
  const mid = te.extern(shape, [A], (ins, outs) => tir.callPacked(f, ins[0], outs[0]), { regionMap: "elementwise" }) as te.Tensor;
  const C = te.compute(shape, (i, j, k) => mid.at(i, j, k).add(1), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).parallel(C.op.axis[0]);
  s.stage(mid).computeAt(s.stage(C), C.op.axis[0]);
  const text = lower(s, [A, C]).toString();
  t.regex(text, /for \(i: int32, 0, 16\) "parallel" \{\n    attr \[extern: Pointer\(float32\)\] "storage_scope" = "global";\n    allocate\(extern, float32, \[32\]\)/);
  const fn = build(s, [A, C]).getFunction("main");
  const input = nd.array(iota(512, 0.25), shape);
  const expected = [...iota(512, 0.25)].map((v) => v * 3 + 1);
  for (let rep = 0; rep < 20; rep++) {
    const out = nd.empty(shape);
    offsets.length = 0;
    fn(input, out);
    t.deepEqual([...out.toTypedArray()], expected);
    t.deepEqual([...offsets].sort((x, y) => x - y), Array.from({ length: 16 }, (_, i) => i * 128));
  }
});
