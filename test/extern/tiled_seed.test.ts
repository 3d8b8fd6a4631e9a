import test from "ava";
import { lower, nd, explainBounds } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { iota, registerAddOne, seedProgram, uniqueName } from "./helpers.js";

const tiledText = (f: string) => `primfn(placeholder_1: handle, compute_1: handle) -> ()
  attr = {"global_symbol": "main", "tir.noalias": True}
  buffers = {compute: Buffer(compute_2: Pointer(float32), float32, [3, 4, 8], []),
             placeholder: Buffer(placeholder_2: Pointer(float32), float32, [3, 4, 8], [])}
  buffer_map = {placeholder_1: placeholder, compute_1: compute} {
  attr [extern: Pointer(float32)] "storage_scope" = "global";
  allocate(extern, float32, [32]);
  for (i: int32, 0, 3) {
    attr [0] "extern_scope" = 0;
    @tir.tvm_call_packed("${f}", @tir.tvm_stack_make_array(placeholder_2, @tir.tvm_stack_make_shape(1, 4, 8, dtype=handle), @tir.tvm_stack_make_shape(32, 8, 1, dtype=handle), 3, 0f32, (i*32), dtype=handle), @tir.tvm_stack_make_array(extern, @tir.tvm_stack_make_shape(1, 4, 8, dtype=handle), @tir.tvm_stack_make_shape(32, 8, 1, dtype=handle), 3, 0f32, 0, dtype=handle), dtype=int32)
    for (j: int32, 0, 4) {
      for (k: int32, 0, 8) {
        compute_2[(((i*32) + (j*8)) + k)] = (float32*)extern[((j*8) + k)]
      }
    }
  }
}`;

test("with regionMap 'elementwise' the seed's extern is tiled: 32 floats, views of the tile", (t) => {
  const f = uniqueName("seed_tiled");
  const { s, args } = seedProgram(f, "elementwise");
  const warnings: string[] = [];
  const text = lower(s, args, { onWarning: (w) => warnings.push(w) }).toString();
  t.is(text, tiledText(f));
  t.deepEqual(warnings, []);
});

test("the tiled seed calls the function 3 times on [1, 4, 8] views at byte offsets 0, 128, 256", (t) => {
  const f = uniqueName("seed_tiled_run");
  const seen = registerAddOne(f);
  const { s, args, shape } = seedProgram(f, "elementwise");
  const input = nd.array(iota(96), shape);
  const out = nd.empty(shape);
  interpret(lower(s, args), [input, out]);
  t.deepEqual(seen.inputs, [0, 128, 256].map((byteOffset) => ({ shape: [1, 4, 8], strides: [32, 8, 1], byteOffset })));
  t.deepEqual(seen.outputs.map((v) => v.shape), [[1, 4, 8], [1, 4, 8], [1, 4, 8]]);
  t.deepEqual([...out.toTypedArray()], [...iota(96)].map((v) => v + 1));
  t.deepEqual([...input.toTypedArray()], [...iota(96)], "the input is not written");
});

test("tiled and TVM-compatible lowering give the same output", (t) => {
  const f = uniqueName("seed_both");
  const seen = registerAddOne(f);
  const results: number[][] = [];
  for (const regionMap of [undefined, "elementwise"] as const) {
    const { s, args, shape } = seedProgram(f, regionMap);
    const input = nd.array(iota(96, 0.5), shape);
    const out = nd.empty(shape);
    interpret(lower(s, args, { onWarning: () => {} }), [input, out]);
    results.push([...out.toTypedArray()]);
  }
  t.deepEqual(results[0], results[1]);
  t.is(seen.inputs.length, 6);
  t.deepEqual(seen.inputs.slice(0, 3).map((v) => v.shape), [[3, 4, 8], [3, 4, 8], [3, 4, 8]], "untiled: the whole tensor each time");
});

test("without a region map, lowering warns once that the extern is called on the whole tensor 3 times", (t) => {
  const { s, args } = seedProgram(uniqueName("seed_warn"));
  const warnings: string[] = [];
  lower(s, args, { onWarning: (w) => warnings.push(w) });
  t.is(warnings.length, 1);
  t.regex(warnings[0], /extern 'extern' is computed at loop 'i' of 'compute' but has no regionMap/);
  t.regex(warnings[0], /96 elements/);
  t.regex(warnings[0], /3 calls/);
  t.regex(warnings[0], /regionMap: "elementwise"/);
});

test("{strict: true} makes the whole-tensor extern under computeAt an error", (t) => {
  const { s, args } = seedProgram(uniqueName("seed_strict"));
  const e = t.throws(() => lower(s, args, { strict: true }));
  t.regex(e!.message, /strict.*extern 'extern'.*no regionMap/s);
  const tiled = seedProgram(uniqueName("seed_strict_ok"), "elementwise");
  t.notThrows(() => lower(tiled.s, tiled.args, { strict: true }));
});

test("explainBounds tells why the extern's region is 96 or 32", (t) => {
  const opaque = explainBounds(seedProgram(uniqueName("e1")).s).get("extern");
  t.deepEqual(opaque.region, ["0:3", "0:4", "0:8"]);
  t.is(opaque.elements, "96");
  t.true(opaque.reasons.some((r) => r.includes("extern without region map: whole tensor")));
  const tiled = explainBounds(seedProgram(uniqueName("e2"), "elementwise").s).get("extern");
  t.deepEqual(tiled.region, ["i:(i + 1)", "0:4", "0:8"]);
  t.is(tiled.elements, "32");
  t.deepEqual(tiled.requests, [{ consumer: "compute", tensor: "extern", region: ["i:(i + 1)", "0:4", "0:8"], relaxedLoops: ["j", "k"], fixedLoops: ["i"] }]);
  const { s, args } = seedProgram(uniqueName("e3"), "elementwise");
  const mod = lower(s, args, { explain: true });
  t.regex(String(mod.explanation), /stage 'extern' \(extern \(tiled\), at compute\.i\): region \[i:\(i \+ 1\), 0:4, 0:8\] = 32 elements/);
});
