// Vector math (ts/codegen/c_vector_math.ts): a vectorized exp, log, tanh, … is one vector
// computation in the C (no libm call per lane), and its maximum error over a dense sweep of the
// float32 range (every 2^10-th bit pattern, both signs) is bounded, against the exact value (a
// float64 reference) and against libm (the same kernel unvectorized). Special values (infinities,
// NaN, zeros, overflow and underflow thresholds, subnormals) are exact. The measured figures are
// printed with `npx ava test/codegen/vector_math.test.ts --verbose` and recorded in
// docs/vector_math.md.
import { spawnSync } from "node:child_process";
import test, { type ExecutionContext } from "ava";
import { CLANG, compileWithClang } from "./helpers.js";
import { te, build, nd, lower, interpret } from "../../ts/index.js";
import type { PrimExpr } from "../../ts/ir/expr.js";
import { erf } from "../../ts/interp/libm.js";
import type { Module } from "../../ts/runtime/module.js";
import { compilerFlags, compileSource } from "../../ts/runtime/compile.js";
import { nativeVectorBytes } from "../../ts/codegen/vector_width.js";

// -Wno-psabi: gcc notes that a static helper passing a vector wider than the target's registers
// (float64x8 under AVX2) has another ABI than GCC 4.5's; it is inlined and never crosses an ABI.
const STRICT = ["-Wall", "-Wextra", "-Werror", "-Wno-psabi"];
/** float32 lanes of one vector register of the target these tests build for. */
const NATIVE_F32 = nativeVectorBytes(compilerFlags({ cflags: STRICT })) / 4;

/** Every 2^10-th float32 bit pattern (the low bits vary too), both signs: 2^22 values. */
const SWEEP = (() => {
  const n = 1 << 22;
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) bits[i] = ((i << 10) | (i & 1023)) >>> 0;
  return new Float32Array(bits.buffer);
})();

type Unary = (x: PrimExpr) => PrimExpr;
interface Fn { name: string; te: Unary; ref: (x: number) => number; bound: number; }

const FNS: Fn[] = [
  { name: "exp", te: te.exp, ref: Math.exp, bound: 1.5 },
  { name: "exp2", te: te.exp2, ref: (x) => 2 ** x, bound: 1.5 },
  { name: "log", te: te.log, ref: Math.log, bound: 1 },
  { name: "log2", te: te.log2, ref: Math.log2, bound: 2 },
  { name: "tanh", te: te.tanh, ref: Math.tanh, bound: 2 },
  { name: "sigmoid", te: te.sigmoid, ref: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), bound: 3 },
  { name: "erf", te: te.erf, ref: erf, bound: 1.5 },
  { name: "sqrt", te: te.sqrt, ref: Math.sqrt, bound: 0.5 },
  { name: "rsqrt", te: te.rsqrt, ref: (x) => 1 / Math.sqrt(x), bound: 2 },
];

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
/** 2^(e − 150) for each biased exponent e: the ULP of a float32 of that exponent. */
const ULP_OF_EXPONENT = Float64Array.from({ length: 256 }, (_, e) => 2 ** (Math.max(e, 1) - 150));

/** The distance between adjacent float32 values in the binade of |v| (2^-149 among subnormals). */
function ulpOf(v: number): number {
  const a = Math.abs(v);
  F32[0] = a;
  let e = U32[0] >>> 23;
  if (F32[0] > a && (U32[0] & 0x7fffff) === 0 && e > 1) e--; // rounded up into the next binade
  return ULP_OF_EXPONENT[e];
}

/** |got − want| in float32 ULPs of `want`; a special value (NaN, ±inf) must match exactly. */
function ulpError(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  const w32 = Math.fround(want);
  if (!Number.isFinite(w32) || !Number.isFinite(got)) return got === w32 ? 0 : Infinity;
  return Math.abs(got - want) / ulpOf(want);
}

function relError(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(Math.fround(want))) return got === Math.fround(want) ? 0 : Infinity;
  if (want === 0) return got === 0 ? 0 : Infinity;
  if (Math.abs(want) < 2 ** -126) return 0; // subnormal results: the ULP figure covers them
  return Math.abs(got - want) / Math.abs(want);
}

/** One module computing every function of `fns` elementwise on A, vectorized by `lanes` (1: scalar). */
function buildAll(fns: readonly Fn[], n: number, lanes: number, dtype = "float32", cflags: readonly string[] = []): Module {
  const A = te.placeholder([n], dtype, "A");
  const outs = fns.map((f) => te.compute([n], (i) => f.te(A.at(i)), `B_${f.name}`));
  const s = te.createSchedule(outs.map((o) => o.op));
  if (lanes > 1) {
    for (const o of outs) {
      const [, xi] = s.stage(o).split(o.op.axis[0], { factor: lanes });
      s.stage(o).vectorize(xi);
    }
  }
  return build(s, [A, ...outs], { cflags: [...STRICT, ...cflags] });
}

function runAll(mod: Module, xs: Float32Array | Float64Array, count: number): (Float32Array | Float64Array)[] {
  const dtype = xs instanceof Float32Array ? "float32" : "float64";
  const outs = Array.from({ length: count }, () => nd.empty([xs.length], dtype));
  mod.getFunction("main")(nd.array(xs, [xs.length]), ...outs);
  return outs.map((o) => o.toTypedArray() as Float32Array | Float64Array);
}

interface Measured { ulp: number; rel: number; at: number; }

function measure(xs: ArrayLike<number>, got: ArrayLike<number>, want: (i: number) => number): Measured {
  let ulp = 0;
  let rel = 0;
  let at = 0;
  for (let i = 0; i < xs.length; i++) {
    const w = want(i);
    const u = ulpError(got[i], w);
    if (u > ulp) { ulp = u; at = i; }
    const r = relError(got[i], w);
    if (r > rel) rel = r;
  }
  return { ulp, rel, at };
}

test("float32 vector math: max error over every 2^10-th bit pattern, against float64 and against libm", (t) => {
  const vec = buildAll(FNS, SWEEP.length, 16);
  const src = vec.getSource();
  for (const f of ["exp", "log", "log2", "tanh", "erf", "sqrt", "exp2"]) t.regex(src, new RegExp(`__tejit_v${f}_float32x${Math.min(16, NATIVE_F32)}\\(`), `${f} is vector code`);
  t.notRegex(src, /__tejit_lanes_/, "no function is applied lane by lane");
  const libm = buildAll(FNS, SWEEP.length, 1);
  const gotVec = runAll(vec, SWEEP, FNS.length);
  const gotLibm = runAll(libm, SWEEP, FNS.length);
  FNS.forEach((f, k) => {
    const exact = measure(SWEEP, gotVec[k], (i) => f.ref(SWEEP[i]));
    const libmExact = measure(SWEEP, gotLibm[k], (i) => f.ref(SWEEP[i]));
    const vsLibm = measure(SWEEP, gotVec[k], (i) => gotLibm[k][i]);
    t.log(`${f.name}: vector ${exact.ulp.toFixed(3)} ULP (relative ${exact.rel.toExponential(2)}) at x = ${SWEEP[exact.at]}; libm ${libmExact.ulp.toFixed(3)} ULP; vector vs libm ${vsLibm.ulp.toFixed(3)} ULP`);
    t.true(exact.ulp <= f.bound, `${f.name}(${SWEEP[exact.at]}) = ${gotVec[k][exact.at]}, exact ${f.ref(SWEEP[exact.at])}: ${exact.ulp} ULP > ${f.bound}`);
    t.true(vsLibm.ulp <= f.bound + 1, `${f.name}: ${vsLibm.ulp} ULP from libm at x = ${SWEEP[vsLibm.at]}`);
  });
});

/** The functions on the exp core, which has an AVX-512F form (vscalefps) besides the portable one. */
const EXP_FAMILY = FNS.filter((f) => ["exp", "exp2", "tanh", "sigmoid", "erf"].includes(f.name));
/** Turns the AVX-512F form off: the portable code of the same 16-lane functions. */
const PORTABLE = ["-mno-avx512f"];

/** The x86 instructions of `source` compiled with the strict flags and `cflags` (objdump), or undefined without objdump. */
function disassembly(source: string, cflags: readonly string[]): string | undefined {
  const lib = compileSource(source, { cflags: [...STRICT, ...cflags] });
  const r = spawnSync("objdump", ["-d", "--no-show-raw-insn", lib], { encoding: "utf8", maxBuffer: 1 << 28 });
  return r.error || r.status !== 0 ? undefined : r.stdout;
}

test("exp's AVX-512F form (vscalefps) is used where the target has AVX-512F and the portable form otherwise; both within the bounds over the sweep, special values exact", (t) => {
  const source = (cflags: readonly string[]) => buildAll(EXP_FAMILY, 64, 16, "float32", cflags).getSource();
  const native = disassembly(source([]), []);
  const portable = disassembly(source(PORTABLE), PORTABLE);
  if (portable !== undefined) t.notRegex(portable, /vscalefps/, "-mno-avx512f: the portable code");
  if (NATIVE_F32 !== 16) {
    if (native !== undefined) t.notRegex(native, /vscalefps/);
    t.log("the host has no AVX-512F: only the portable form can run here (the test above measured it)");
    return;
  }
  if (native !== undefined) {
    t.regex(native, /vscalefps/, "AVX-512F: the 2^n scaling by vscalefps");
    t.regex(native, /vrndscaleps/, "AVX-512F: n rounded by vrndscaleps");
  } else {
    t.log("objdump is not installed: the instruction check is skipped");
  }
  const vec = buildAll(EXP_FAMILY, SWEEP.length, 16, "float32", PORTABLE);
  const gotPortable = runAll(vec, SWEEP, EXP_FAMILY.length);
  const gotNative = runAll(buildAll(EXP_FAMILY, SWEEP.length, 16), SWEEP, EXP_FAMILY.length);
  EXP_FAMILY.forEach((f, k) => {
    const exact = measure(SWEEP, gotPortable[k], (i) => f.ref(SWEEP[i]));
    const between = measure(SWEEP, gotNative[k], (i) => gotPortable[k][i]);
    let differ = 0;
    for (let i = 0; i < SWEEP.length; i++) if (!Object.is(gotNative[k][i], gotPortable[k][i])) differ++;
    t.log(`${f.name}, portable: ${exact.ulp.toFixed(3)} ULP (relative ${exact.rel.toExponential(2)}) at x = ${SWEEP[exact.at]}; AVX-512F vs portable ${between.ulp.toFixed(3)} ULP, ${differ} of ${SWEEP.length} differ`);
    t.true(exact.ulp <= f.bound, `portable ${f.name}(${SWEEP[exact.at]}) = ${gotPortable[k][exact.at]}: ${exact.ulp} ULP > ${f.bound}`);
  });
  checkSpecialValues(t, EXP_FAMILY, PORTABLE, "portable");
});

/** C's pow: pow(x, ±0) = 1, pow(1, y) = 1, pow(-1, ±inf) = 1 (JS's Math.pow gives NaN for the last two). */
function cPow(x: number, y: number): number {
  return y === 0 || x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y);
}

const POW_Y = [0, -0, 0.5, -0.5, 1, -1, 2, -2, 3, -3, 0.25, 7.5, 1e-3, 23.7, -41.3, 127, 1e6, -1e6, 2 ** 24 + 2, 2 ** 23 + 1,
  Infinity, -Infinity, NaN, 1 / 3, 100.5];

function powModule(n: number, lanes: number): Module {
  const X = te.placeholder([n], "float32", "X");
  const Y = te.placeholder([n], "float32", "Y");
  const P = te.compute([n], (i) => te.pow(X.at(i), Y.at(i)), "P");
  const s = te.createSchedule(P.op);
  if (lanes > 1) {
    const [, xi] = s.stage(P).split(P.op.axis[0], { factor: lanes });
    s.stage(P).vectorize(xi);
  }
  return build(s, [X, Y, P], { cflags: STRICT });
}

function runPow(mod: Module, xs: Float32Array, ys: Float32Array): Float32Array {
  const out = nd.empty([xs.length], "float32");
  mod.getFunction("main")(nd.array(xs, [xs.length]), nd.array(ys, [ys.length]), out);
  return out.toTypedArray() as Float32Array;
}

test("float32 vector pow: max error over the sweep and a set of exponents, C's special cases", (t) => {
  const n = SWEEP.length >> 2;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    ys[i] = POW_Y[(i * 7919) % POW_Y.length];
    const x = SWEEP[i * 4];
    // Large exponents of bases near 1 give results in range; the others mostly overflow.
    xs[i] = Math.abs(ys[i]) > 4 && i & 1 ? Math.fround(1 + (x % 1) * 0.01) : x;
  }
  const vec = powModule(n, 8);
  t.regex(vec.getSource(), /__tejit_vpow_float32x8\(/);
  const got = runPow(vec, xs, ys);
  const exact = measure(xs, got, (i) => cPow(xs[i], ys[i]));
  t.log(`pow: vector ${exact.ulp.toFixed(3)} ULP (relative ${exact.rel.toExponential(2)}) at pow(${xs[exact.at]}, ${ys[exact.at]})`);
  t.true(exact.ulp <= 1, `pow(${xs[exact.at]}, ${ys[exact.at]}) = ${got[exact.at]}, exact ${cPow(xs[exact.at], ys[exact.at])}`);
  // C's special cases, each checked exactly (signed zeros too).
  const cases: [number, number, number][] = [
    [NaN, 0, 1], [NaN, -0, 1], [1, NaN, 1], [1, Infinity, 1], [-1, Infinity, 1], [-1, -Infinity, 1],
    [-2, 0.5, NaN], [-8, 1 / 3, NaN], [-2, 3, -8], [-2, 2, 4], [-2, -1, -0.5], [0, -1, Infinity], [-0, -1, -Infinity],
    [-0, -2, Infinity], [0, 3, 0], [-0, 3, -0], [-0, 2, 0], [0.5, Infinity, 0], [0.5, -Infinity, Infinity],
    [2, Infinity, Infinity], [2, -Infinity, 0], [Infinity, -1, 0], [Infinity, 2, Infinity], [-Infinity, 3, -Infinity],
    [-Infinity, -3, -0], [-Infinity, 2, Infinity], [-Infinity, 0.5, Infinity], [-Infinity, -0.5, 0], [2, NaN, NaN],
    [NaN, 1, NaN], [2, 128, Infinity], [2, -149, 2 ** -149], [2, -150, 0], [-2, 2 ** 24 + 2, Infinity], [10, 38, Math.fround(1e38)],
  ];
  const cx = new Float32Array(16 * Math.ceil(cases.length / 16)).fill(1);
  const cy = new Float32Array(cx.length).fill(1);
  cases.forEach(([x, y], i) => { cx[i] = x; cy[i] = y; });
  const special = runPow(powModule(cx.length, 16), cx, cy);
  cases.forEach(([x, y, want], i) => t.true(Object.is(special[i], want), `pow(${x}, ${y}) = ${special[i]}, C gives ${want}`));
});

/** Checks the special values of every function in `fns` (vectorized by `lanes`, built with `cflags`). */
function checkSpecialValues(t: ExecutionContext, fns: readonly Fn[], cflags: readonly string[], what: string, lanes = 16): void {
  const inf = Infinity;
  const min = 2 ** -149;
  const fexp = (x: number): number => Math.fround(Math.exp(Math.fround(x)));
  const cases: Record<string, [number, number][]> = {
    exp: [[inf, inf], [-inf, 0], [NaN, NaN], [0, 1], [-0, 1], [88.72283, fexp(88.72283)], [88.72283935546875, inf], [89, inf],
      [-103.3, min], [-104, 0], [-87.33654, fexp(-87.33654)], [-100, fexp(-100)], [1e-30, 1]],
    exp2: [[inf, inf], [-inf, 0], [NaN, NaN], [0, 1], [128, inf], [127, 2 ** 127], [-126, 2 ** -126], [-149, min], [-150, 0], [-149.5, min], [3, 8]],
    log: [[0, -inf], [-0, -inf], [-1, NaN], [-inf, NaN], [inf, inf], [NaN, NaN], [1, 0], [min, Math.fround(Math.log(min))]],
    log2: [[0, -inf], [-0, -inf], [-1, NaN], [inf, inf], [NaN, NaN], [1, 0], [min, -149], [2 ** -130, -130], [1024, 10], [0.5, -1]],
    tanh: [[inf, 1], [-inf, -1], [NaN, NaN], [0, 0], [-0, -0], [20, 1], [-20, -1], [10, 1], [9, Math.fround(Math.tanh(9))], [1e-20, Math.fround(1e-20)]],
    sigmoid: [[inf, 1], [-inf, 0], [NaN, NaN], [0, 0.5], [20, Math.fround(1 / (1 + Math.exp(-20)))], [-100, fexp(-100)], [-104, 0]],
    erf: [[inf, 1], [-inf, -1], [NaN, NaN], [0, 0], [-0, -0], [4, 1], [-10, -1], [1e-20, Math.fround(1.1283791670955126 * Math.fround(1e-20))]],
    sqrt: [[-1, NaN], [-0, -0], [0, 0], [inf, inf], [-inf, NaN], [NaN, NaN], [4, 2], [min, Math.fround(Math.sqrt(min))]],
    rsqrt: [[0, inf], [inf, 0], [-1, NaN], [NaN, NaN], [4, 0.5]],
  };
  fns = fns.filter((f) => cases[f.name]);
  const size = 16;
  const xs = new Float32Array(size * fns.length * 2);
  const vec = buildAll(fns, xs.length, lanes, "float32", cflags);
  const inputs = fns.map((f) => cases[f.name]);
  // Function k reads its cases from A[k·32 ...]; the rest of A is 1.
  xs.fill(1);
  inputs.forEach((list, k) => list.forEach(([x], i) => { xs[k * 2 * size + i] = x; }));
  const got = runAll(vec, xs, fns.length);
  fns.forEach((f, k) => {
    inputs[k].forEach(([x, want], i) => {
      const g = got[k][k * 2 * size + i];
      t.true(Object.is(g, want), `${what}: ${f.name}(${x}) = ${g}, expected ${want}`);
    });
  });
}

test("float32 vector math: special values are exact", (t) => {
  checkSpecialValues(t, FNS, [], "native");
});

test("vector math at every lane count (2, 4, 8; 16 above) and float64 (sqrt vectorized, tanh lane by lane through libm)", (t) => {
  const n = 1 << 14;
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = SWEEP[i * (SWEEP.length / n)];
  const fns = FNS.filter((f) => ["exp", "log", "tanh", "erf"].includes(f.name));
  for (const lanes of [2, 4, 8]) {
    const mod = buildAll(fns, n, lanes);
    t.regex(mod.getSource(), new RegExp(`__tejit_vexp_float32x${lanes}\\(`));
    const got = runAll(mod, xs, fns.length);
    fns.forEach((f, k) => {
      const m = measure(xs, got[k], (i) => f.ref(xs[i]));
      t.true(m.ulp <= f.bound, `${f.name} x${lanes}: ${m.ulp} ULP at ${xs[m.at]}`);
    });
    // The clamps are minps/maxps at 4 and 8 lanes (SSE, AVX), a select at 2: special values on each.
    checkSpecialValues(t, EXP_FAMILY, [], `x${lanes}`, lanes);
  }
  const xd = Float64Array.from(xs, (x) => Math.abs(x) < 1e300 ? x : 1);
  const f64 = FNS.filter((f) => ["sqrt", "tanh"].includes(f.name));
  const mod = buildAll(f64, n, 4, "float64");
  t.regex(mod.getSource(), /__tejit_vsqrt_float64x4\(/);
  t.regex(mod.getSource(), /__tejit_lanes_tanh_float64x4\(/);
  const got = runAll(mod, xd, f64.length);
  f64.forEach((f, k) => {
    for (let i = 0; i < n; i++) {
      const want = f.ref(xd[i]);
      const g = got[k][i];
      if (!(Object.is(g, want) || Math.abs(g - want) <= 2 ** -52 * Math.abs(want))) {
        t.fail(`float64 ${f.name}(${xd[i]}) = ${g}, expected ${want}`);
        return;
      }
    }
  });
  t.pass();
});

test("te.fastExp: within 4 ULP of exp over [-87.3, 88.3], clamped outside, vector code without libm, same in the interpreter", (t) => {
  const inRange = SWEEP.filter((x) => x > -87.3 && x < 88.3);
  const n = inRange.length - (inRange.length % 16);
  const xs = inRange.slice(0, n);
  const fast: Fn = { name: "fastExp", te: te.fastExp, ref: Math.exp, bound: 4 };
  const mod = buildAll([fast], n, 16);
  t.notRegex(mod.getSource(), /expf|__tejit_vexp/);
  const [got] = runAll(mod, xs, 1);
  const m = measure(xs, got, (i) => Math.exp(xs[i]));
  t.log(`fastExp: ${m.ulp.toFixed(3)} ULP (relative ${m.rel.toExponential(2)}) at x = ${xs[m.at]}`);
  t.true(m.ulp <= fast.bound, `fastExp(${xs[m.at]}) = ${got[m.at]}: ${m.ulp} ULP`);
  // Outside the range the input is clamped (documented in ts/te/fast_math.ts).
  const edge = new Float32Array([-1000, -87.3365402, 88.3762589, 1000, 0, 1, -1, 10, 20, -20, 30, -30, 40, -40, 50, -50]);
  const [e] = runAll(buildAll([fast], edge.length, 16), edge, 1);
  t.true(e[0] > 1e-38 && e[0] < 1.3e-38, `fastExp(-1000) = ${e[0]}`);
  t.is(e[0], e[1]);
  t.is(e[3], e[2]);
  t.true(e[3] > 2.3e38 && e[3] < 2.5e38, `fastExp(1000) = ${e[3]}`);
  const X = te.placeholder([edge.length], "float32", "X");
  const Y = te.compute([edge.length], (i) => te.fastExp(X.at(i)), "Y");
  const yi = nd.empty([edge.length], "float32");
  interpret(lower(te.createSchedule(Y.op), [X, Y]), [nd.array(edge, [edge.length]), yi]);
  const gi = yi.toTypedArray() as Float32Array;
  for (let i = 0; i < edge.length; i++) t.true(Math.abs(gi[i] - e[i]) <= 2 * ulpOf(e[i]), `interpreter fastExp(${edge[i]}) = ${gi[i]}, compiled ${e[i]}`);
});

test("the vector math compiles without warnings under clang too", (t) => {
  if (!CLANG) {
    t.pass("clang is not installed");
    return;
  }
  for (const lanes of [4, 16]) {
    const src = buildAll(FNS, 64, lanes).getSource();
    t.notThrows(() => compileWithClang(src), `float32x${lanes}`);
  }
  t.notThrows(() => compileWithClang(powModule(64, 8).getSource()));
  t.notThrows(() => compileWithClang(buildAll(FNS.filter((f) => f.name === "sqrt"), 64, 4, "float64").getSource()));
});

test("exp, exp2, pow and fastExp stay right when the user passes -ffast-math (the rounding is read from the bits)", (t) => {
  const n = 1024;
  const xs = Float32Array.from({ length: n }, (_, i) => -80 + (160 * i) / n);
  const A = te.placeholder([n], "float32", "A");
  const outs = [
    te.compute([n], (i) => te.exp(A.at(i)), "E"),
    te.compute([n], (i) => te.exp2(A.at(i)), "E2"),
    te.compute([n], (i) => te.pow(te.abs(A.at(i)), 1.5), "P"),
    te.compute([n], (i) => te.fastExp(A.at(i)), "F"),
  ];
  const refs = [Math.exp, (x: number) => 2 ** x, (x: number) => Math.abs(x) ** 1.5, Math.exp];
  const s = te.createSchedule(outs.map((o) => o.op));
  for (const o of outs) {
    const [, xi] = s.stage(o).split(o.op.axis[0], { factor: 16 });
    s.stage(o).vectorize(xi);
  }
  const mod = build(s, [A, ...outs], { cflags: [...STRICT, "-ffast-math"] });
  const got = runAll(mod, xs, outs.length);
  refs.forEach((ref, k) => {
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, relError(got[k][i], ref(xs[i])));
    t.true(worst < 5e-7, `${outs[k].op.name}: max relative error ${worst} under -ffast-math`);
  });
});

test("float64 vector exp: within 2 ULP of Math.exp over [-750, 715], exact special values", (t) => {
  const n = 1 << 18;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = -750 + (1465 * i) / n + (i % 7) * 1e-3;
  // Overflow and underflow thresholds, the smallest subnormal, infinities, NaN, zeros.
  const special = [Infinity, -Infinity, NaN, 0, -0, 709.782712893384, 709.7827128933841, -708.3964185322641,
    -745.1332191019411, -745.1332191019412, 1e-300, -1e-300];
  special.forEach((v, i) => { xs[i] = v; });
  const fn: Fn = { name: "exp", te: te.exp, ref: Math.exp, bound: 2 };
  const mod = buildAll([fn], n, 8, "float64");
  t.regex(mod.getSource(), new RegExp(`__tejit_vexp_float64x${Math.min(8, NATIVE_F32 / 2)}\\(`));
  const [got] = runAll(mod, xs, 1);
  const ulp64 = (v: number): number => {
    const a = Math.abs(v);
    if (a < 2 ** -1022) return 2 ** -1074;
    let e = Math.floor(Math.log2(a));
    if (2 ** e > a) e--;
    if (2 ** (e + 1) <= a) e++;
    return 2 ** (e - 52);
  };
  let worst = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp(xs[i]);
    const g = got[i];
    const e = Number.isNaN(w) ? (Number.isNaN(g) ? 0 : Infinity) : !Number.isFinite(w) || !Number.isFinite(g) ? (g === w ? 0 : Infinity) : Math.abs(g - w) / ulp64(w);
    if (e > worst) { worst = e; at = i; }
  }
  t.log(`float64 exp: ${worst.toFixed(3)} ULP from Math.exp at x = ${xs[at]}`);
  t.true(worst <= fn.bound, `exp(${xs[at]}) = ${got[at]}, Math.exp gives ${Math.exp(xs[at])}`);
  special.forEach((v, i) => t.true(Object.is(got[i], Math.exp(v)), `exp(${v}) = ${got[i]}, expected ${Math.exp(v)}`));
});
