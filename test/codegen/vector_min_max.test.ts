// Vector min and max of floats in the C backend (c_prelude.ts): one minps / maxps (SSE, AVX,
// AVX-512, by the lane count and the target's features) where the vector is one register, the
// compare-and-select elsewhere. Both must give exactly the scalar rule, min(a, b) = a < b ? a : b
// and max(a, b) = a > b ? a : b: b when either is NaN, b for -0 against +0 (checked bit for bit
// with Object.is), for float32 and float64 at every register width, with the AVX-512 and AVX
// forms turned off too.
import { spawnSync } from "node:child_process";
import test from "ava";
import { STRICT } from "./helpers.js";
import { te, build, nd } from "../../ts/index.js";
import { compileSource } from "../../ts/runtime/compile.js";
import { nativeVectorBytes } from "../../ts/codegen/vector_width.js";
import { compilerFlags } from "../../ts/runtime/compile.js";

const NATIVE_BYTES = nativeVectorBytes(compilerFlags({ cflags: STRICT }));

/** Pairs covering NaN on either side, signed zeros both ways, infinities and ordinary values. */
function pairs(n: number): [Float64Array, Float64Array] {
  const special = [NaN, 1, 1, NaN, NaN, NaN, -0, 0, 0, -0, -0, -0, Infinity, -Infinity, -Infinity, NaN, 2.5, -3, -3, 2.5, 7, 7, 0, NaN];
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = (2 * i) % special.length;
    a[i] = i < special.length * 4 ? special[k] : Math.sin(i) * 100;
    b[i] = i < special.length * 4 ? special[(k + 1 + (i >> 4)) % special.length] : Math.cos(i * 1.3) * 100;
  }
  return [a, b];
}

function minMaxModule(dtype: "float32" | "float64", lanes: number, n: number, cflags: readonly string[]) {
  const A = te.placeholder([n], dtype, "A");
  const B = te.placeholder([n], dtype, "B");
  const Mn = te.compute([n], (i) => te.min(A.at(i), B.at(i)), "Mn");
  const Mx = te.compute([n], (i) => te.max(A.at(i), B.at(i)), "Mx");
  const s = te.createSchedule([Mn.op, Mx.op]);
  for (const o of [Mn, Mx]) {
    const [, xi] = s.stage(o).split(o.op.axis[0], { factor: lanes });
    s.stage(o).vectorize(xi);
  }
  return build(s, [A, B, Mn, Mx], { cflags: [...STRICT, ...cflags] });
}

const WIDTHS: ["float32" | "float64", number][] = [["float32", 4], ["float32", 8], ["float32", 16], ["float64", 2], ["float64", 4], ["float64", 8]];

for (const cflags of [[], ["-mno-avx512f"], ["-mno-avx"]]) {
  test(`vector min/max are the scalar rule bit for bit (NaN, signed zeros) at every width${cflags.length ? `, ${cflags.join(" ")}` : ""}`, (t) => {
    const n = 256;
    const [a, b] = pairs(n);
    for (const [dtype, lanes] of WIDTHS) {
      const mod = minMaxModule(dtype, lanes, n, cflags);
      const arr = (v: Float64Array) => nd.array(dtype === "float32" ? Float32Array.from(v) : v, [n]);
      const mn = nd.empty([n], dtype);
      const mx = nd.empty([n], dtype);
      mod.getFunction("main")(arr(a), arr(b), mn, mx);
      const gotMin = mn.toTypedArray();
      const gotMax = mx.toTypedArray();
      const r = (v: number) => (dtype === "float32" ? Math.fround(v) : v);
      for (let i = 0; i < n; i++) {
        const [x, y] = [r(a[i]), r(b[i])];
        const wantMin = x < y ? x : y;
        const wantMax = x > y ? x : y;
        if (!Object.is(gotMin[i], wantMin) || !Object.is(gotMax[i], wantMax)) {
          t.fail(`${dtype}x${lanes}: min(${x}, ${y}) = ${gotMin[i]} (want ${wantMin}), max = ${gotMax[i]} (want ${wantMax})`);
          return;
        }
      }
    }
    t.pass();
  });
}

test("vector min/max of one register compile to minps/maxps (minpd/maxpd), not a compare and a blend", (t) => {
  const widths = WIDTHS.filter(([dtype, lanes]) => (dtype === "float32" ? 4 : 8) * lanes <= NATIVE_BYTES);
  for (const [dtype, lanes] of widths) {
    const lib = compileSource(minMaxModule(dtype, lanes, 64, []).getSource(), { cflags: STRICT });
    const r = spawnSync("objdump", ["-d", "--no-show-raw-insn", lib], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.error || r.status !== 0) {
      t.log("objdump is not installed: skipped");
      t.pass();
      return;
    }
    const suffix = dtype === "float32" ? "ps" : "pd";
    const reg = { 16: "xmm", 32: "ymm", 64: "zmm" }[(dtype === "float32" ? 4 : 8) * lanes];
    t.regex(r.stdout, new RegExp(`vmin${suffix}\\s[^\\n]*%${reg}`), `${dtype}x${lanes}: vmin${suffix} on ${reg}`);
    t.regex(r.stdout, new RegExp(`vmax${suffix}\\s[^\\n]*%${reg}`), `${dtype}x${lanes}: vmax${suffix} on ${reg}`);
  }
});
