import test from "ava";
import "../runtime/helpers.js"; // a private compile cache for this test process
import { te, lower, build, nd } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { splitWideVectors } from "../../ts/transform/split_wide_vectors.js";
import { nativeVectorBytes } from "../../ts/codegen/vector_width.js";

function vectorAdd(n: number, lanes: number) {
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const C = te.compute([n], (i) => A.at(i).mul(2).add(B.at(i)).max(0), "C");
  const s = te.createSchedule(C.op);
  const [, inner] = s.stage(C).split(C.op.axis[0], { factor: lanes });
  s.stage(C).vectorize(inner);
  return { s, args: [A, B, C] };
}

test("a float32x32 store becomes two float32x16 stores at 64 bytes, four float32x8 at 32", (t) => {
  const { s, args } = vectorAdd(64, 32);
  const f = lower(s, args).get("main");
  const at64 = splitWideVectors(f, 64).toString();
  t.regex(at64, /C_2\[ramp\(\(i\.outer\*32\), 1, 16\)\] = max\(\(\(\(float32x16\*\)A_2\[ramp\(\(i\.outer\*32\), 1, 16\)\]\*broadcast\(2f32, 16\)\) \+ \(float32x16\*\)B_2\[ramp\(\(i\.outer\*32\), 1, 16\)\]\), broadcast\(0f32, 16\)\)/);
  t.regex(at64, /C_2\[ramp\(\(\(i\.outer\*32\) \+ 16\), 1, 16\)\]/);
  t.notRegex(at64, /x32/);
  t.is((splitWideVectors(f, 32).toString().match(/C_2\[ramp/g) ?? []).length, 4);
  t.is(splitWideVectors(f, 128).toString(), f.toString(), "a vector that fits is left whole");
});

test("splitting keeps the results (interpreter, and compiled at several widths)", (t) => {
  const { s, args } = vectorAdd(96, 32);
  const f = lower(s, args).get("main");
  const a = Float32Array.from({ length: 96 }, (_, i) => (i % 7) - 3);
  const b = Float32Array.from({ length: 96 }, (_, i) => (i % 5) - 1);
  const expected = [...a].map((v, i) => Math.max(v * 2 + b[i], 0));
  for (const bytes of [16, 32, 64]) {
    const c = nd.empty([96]);
    interpret(splitWideVectors(f, bytes), [nd.array(a), nd.array(b), c]);
    t.deepEqual([...c.toTypedArray()], expected, `interpreted, ${bytes} bytes`);
    const built = nd.empty([96]);
    const mod = build(s, args, { vectorBytes: bytes });
    mod.getFunction("main")(nd.array(a), nd.array(b), built);
    t.deepEqual([...built.toTypedArray()], expected, `compiled, ${bytes} bytes`);
    t.regex(mod.getSource(), new RegExp(`float32x${bytes / 4}\\b`));
    if (bytes < 128) t.notRegex(mod.getSource(), /float32x32\b/);
  }
});

test("the native width follows the compiler flags", (t) => {
  t.is(nativeVectorBytes(["-O3"]), 16);
  t.is(nativeVectorBytes(["-march=haswell"]), 32);
  t.is(nativeVectorBytes(["-march=skylake-avx512"]), 64);
  t.is(nativeVectorBytes(["-march=x86-64"]), 16);
  t.is(nativeVectorBytes(["-march=haswell", "-mno-avx"]), 16);
  t.true([16, 32, 64].includes(nativeVectorBytes(["-march=native"])));
});
