// Fits the polynomials of ts/codegen/c_vector_math.ts and ts/te/fast_math.ts by Chebyshev
// interpolation in float64 (near-minimax for smooth functions) and prints their coefficients
// with the maximum error before float32 rounding. Run after `npm run build`:
//   node scripts/fit_vector_math.mjs
import { erf } from "../dist/ts/interp/libm.js";

/** Chebyshev interpolation of g on [a, b] of degree `deg`; coefficients of u = (x − mid)/half. */
function fit(g, a, b, deg) {
  const n = deg + 1;
  const N = 4 * n;
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  const c = new Array(n).fill(0);
  for (let j = 0; j < N; j++) {
    const th = (Math.PI * (j + 0.5)) / N;
    const v = g(mid + half * Math.cos(th));
    for (let k = 0; k < n; k++) c[k] += ((k === 0 ? 1 : 2) / N) * v * Math.cos(k * th);
  }
  // Chebyshev basis -> monomials of u.
  let prev = [1];
  let cur = [0, 1];
  const m = new Array(n).fill(0);
  m[0] += c[0];
  if (n > 1) m[1] += c[1];
  for (let k = 2; k < n; k++) {
    const next = new Array(k + 1).fill(0);
    for (let i = 0; i < cur.length; i++) next[i + 1] += 2 * cur[i];
    for (let i = 0; i < prev.length; i++) next[i] -= prev[i];
    for (let i = 0; i <= k; i++) m[i] += c[k] * next[i];
    prev = cur;
    cur = next;
  }
  return { mid, half, m };
}

function maxRelError(g, f, a, b) {
  let w = 0;
  for (let i = 0; i <= 20000; i++) {
    const x = a + ((b - a) * i) / 20000;
    const u = (x - f.mid) / f.half;
    let s = 0;
    for (let k = f.m.length - 1; k >= 0; k--) s = s * u + f.m[k];
    w = Math.max(w, Math.abs(s - g(x)) / Math.abs(g(x)));
  }
  return w;
}

const small = (f, series) => (x) => (Math.abs(x) < 1e-4 ? series(x) : f(x));
/** erfc(x)·e^(x²) for x ≥ 2.5 by its continued fraction (1 − erf loses digits there). */
function erfcx(x) {
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 5000; n++) {
    D = 1 / (x + (n / 2) * D);
    C = x + n / 2 / C;
    const d = C * D;
    f *= d;
    if (Math.abs(d - 1) < 1e-16) break;
  }
  return 1 / (f * Math.sqrt(Math.PI));
}

const L2 = Math.LN2 / 2;
const fits = {
  "exp: (e^r - 1 - r)/r^2 in r": [small((r) => (Math.expm1(r) - r) / (r * r), (r) => 0.5 + r / 6 + (r * r) / 24), -L2, L2, 5],
  "log: (log(1+f) - f + f^2/2)/f^3 in u": [small((f) => (Math.log1p(f) - f + (f * f) / 2) / f ** 3, (f) => 1 / 3 - f / 4), Math.SQRT1_2 - 1, Math.SQRT2 - 1, 8],
  "tanh: (tanh(x) - x)/x^3 of z = x^2 in u": [small((z) => (Math.tanh(Math.sqrt(z)) - Math.sqrt(z)) / z ** 1.5, (z) => -1 / 3 + (2 * z) / 15), 0, 0.625 ** 2, 5],
  "erf small: erf(x)/x (subtract 1 from the first) of z = x^2 in u": [small((z) => erf(Math.sqrt(z)) / Math.sqrt(z), (z) => (2 / Math.sqrt(Math.PI)) * (1 - z / 3)), 0, 0.84375 ** 2, 5],
  "erf large: erfc(x) e^(x^2) in u": [(x) => (x < 2.5 ? (1 - erf(x)) * Math.exp(x * x) : erfcx(x)), 0.84375, 4, 12],
  "fastExp: e^r in r": [Math.exp, -L2, L2, 5],
};
for (const [name, [g, a, b, deg]] of Object.entries(fits)) {
  const f = fit(g, a, b, deg);
  // For symmetric intervals print coefficients of x itself (mid = 0).
  const coeffs = f.mid === 0 ? f.m.map((v, k) => v / f.half ** k) : f.m;
  console.log(`${name}: [${a}, ${b}] degree ${deg}, mid ${f.mid}, half ${f.half}, max relative error ${maxRelError(g, f, a, b).toExponential(2)}`);
  console.log(`  ${coeffs.map((v) => v.toPrecision(12)).join(", ")}`);
}
