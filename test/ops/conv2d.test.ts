// ops.conv2d (NCHW and NCHWc), ops.depthwiseConv2d and ops.pool2d against plain JS loops, with
// strides, padding and dilation, on widths that do not divide the vector width.

import test from "ava";
import { lower, ops, te } from "../../ts/index.js";
import { assertClose, checkModes, input, type Mode, runOps } from "./helpers.js";

interface Geometry { sh: number; sw: number; ph: number; pw: number; dh: number; dw: number }

/** out[n][co][y][x] = Σ x[n][ci][y·sh + ky·dh - ph][x·sw + kx·dw - pw] · w[co][ci][ky][kx] (NCHW). */
function convRef(x: Float32Array, w: Float32Array, [N, C, H, W]: number[], [CO, , KH, KW]: number[], g: Geometry): { out: Float64Array; OH: number; OW: number } {
  const OH = Math.floor((H + 2 * g.ph - g.dh * (KH - 1) - 1) / g.sh) + 1;
  const OW = Math.floor((W + 2 * g.pw - g.dw * (KW - 1) - 1) / g.sw) + 1;
  const out = new Float64Array(N * CO * OH * OW);
  for (let n = 0; n < N; n++) for (let co = 0; co < CO; co++) for (let y = 0; y < OH; y++) for (let xx = 0; xx < OW; xx++) {
    let s = 0;
    for (let ci = 0; ci < C; ci++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
      const iy = y * g.sh + ky * g.dh - g.ph, ix = xx * g.sw + kx * g.dw - g.pw;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += x[((n * C + ci) * H + iy) * W + ix] * w[((co * C + ci) * KH + ky) * KW + kx];
    }
    out[((n * CO + co) * OH + y) * OW + xx] = s;
  }
  return { out, OH, OW };
}

const G1: Geometry = { sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1 };

const CONVS: { x: number[]; w: number[]; g: Geometry; modes: Mode[] }[] = [
  { x: [1, 3, 6, 8], w: [4, 3, 3, 3], g: G1, modes: ["compiled", "interpreted", "compiled, unscheduled", "interpreted, unscheduled"] },
  // Width 11 (no vector factor divides it), 5 output channels (a partial channel block).
  { x: [2, 2, 7, 11], w: [5, 2, 3, 3], g: G1, modes: ["compiled", "interpreted"] },
  { x: [1, 3, 9, 10], w: [3, 3, 3, 2], g: { sh: 2, sw: 2, ph: 1, pw: 0, dh: 1, dw: 2 }, modes: ["compiled", "interpreted"] },
  { x: [1, 4, 5, 5], w: [2, 4, 1, 1], g: { sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1 }, modes: ["interpreted"] },
  // Width 28: vectors of 8 and a tail of 4 (the ops default's vector for a width 4 divides).
  { x: [1, 3, 5, 28], w: [5, 3, 3, 3], g: G1, modes: ["compiled", "interpreted"] },
  // 7x7 stride 2 (ResNet's first layer, small): output width 20 (8, 8 and a tail of 4), kx not unrolled.
  { x: [1, 3, 13, 40], w: [6, 3, 7, 7], g: { sh: 2, sw: 2, ph: 3, pw: 3, dh: 1, dw: 1 }, modes: ["compiled", "interpreted"] },
  // Stride 2: a tile of one row and 16 channels (8 with AVX2), 20 channels: a partial channel block.
  { x: [1, 2, 9, 20], w: [20, 2, 3, 3], g: { sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 }, modes: ["compiled", "interpreted"] },
];

for (const { x: xs, w: ws, g, modes } of CONVS) {
  test(`conv2d NCHW ${xs.join("x")} * ${ws.join("x")}, stride [${g.sh}, ${g.sw}], pad [${g.ph}, ${g.pw}], dilation [${g.dh}, ${g.dw}]`, (t) => {
    const X = te.placeholder(xs, "float32", "X");
    const W = te.placeholder(ws, "float32", "W");
    const Y = ops.conv2d(X, W, { stride: [g.sh, g.sw], padding: [g.ph, g.pw], dilation: [g.dh, g.dw] });
    const x = input(X, 1), w = input(W, 2);
    const { out, OH, OW } = convRef(x, w, xs, ws, g);
    t.deepEqual(Y.shape.map(String), [xs[0], ws[0], OH, OW].map(String));
    checkModes(t, Y, [X, W], [x, w], out, 1e-5, modes);
  });
}

test("conv2d NCHWc equals NCHW on the blocked layout", (t) => {
  const [N, C, H, W, CO, K, c, oc] = [1, 4, 5, 7, 8, 3, 2, 4];
  const xs = [N, C, H, W], ws = [CO, C, K, K];
  const X = te.placeholder([N, C / c, H, W, c], "float32", "X");
  const Wt = te.placeholder([CO / oc, C / c, K, K, c, oc], "float32", "W");
  const x = new Float32Array(N * C * H * W), w = new Float32Array(CO * C * K * K);
  const xb = input(X, 3), wb = input(Wt, 4);
  // The same values in NCHW, for the reference.
  for (let ci = 0; ci < C; ci++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
    x[(ci * H + y) * W + xx] = xb[(((Math.floor(ci / c) * H + y) * W) + xx) * c + (ci % c)];
  }
  for (let co = 0; co < CO; co++) for (let ci = 0; ci < C; ci++) for (let ky = 0; ky < K; ky++) for (let kx = 0; kx < K; kx++) {
    w[((co * C + ci) * K + ky) * K + kx] = wb[(((((Math.floor(co / oc) * (C / c) + Math.floor(ci / c)) * K + ky) * K + kx) * c + (ci % c)) * oc) + (co % oc)];
  }
  const { out, OH, OW } = convRef(x, w, xs, ws, G1);
  const Y = ops.conv2d(X, Wt, { padding: 1, layout: "NCHWc" });
  t.deepEqual(Y.shape.map(String), ["1", "2", String(OH), String(OW), "4"]);
  const want = new Float64Array(out.length);
  for (let co = 0; co < CO; co++) for (let y = 0; y < OH; y++) for (let xx = 0; xx < OW; xx++) {
    want[(((Math.floor(co / oc) * OH + y) * OW) + xx) * oc + (co % oc)] = out[(co * OH + y) * OW + xx];
  }
  checkModes(t, Y, [X, Wt], [xb, wb], want, 1e-5, ["compiled", "interpreted", "interpreted, unscheduled"]);
});

test("depthwiseConv2d with a channel multiplier, stride 2, and a fused bias + relu", (t) => {
  const [N, C, H, W, M, K] = [1, 3, 7, 9, 2, 3];
  const X = te.placeholder([N, C, H, W], "float32", "X");
  const Wt = te.placeholder([C, M, K, K], "float32", "W");
  const bias = te.placeholder([C * M, 1, 1], "float32", "bias");
  const x = input(X, 5), w = input(Wt, 6), b = input(bias, 7);
  const OH = Math.floor((H + 2 - K) / 2) + 1, OW = Math.floor((W + 2 - K) / 2) + 1;
  const want = new Float64Array(C * M * OH * OW);
  for (let oc = 0; oc < C * M; oc++) for (let y = 0; y < OH; y++) for (let xx = 0; xx < OW; xx++) {
    const ci = Math.floor(oc / M), q = oc % M;
    let s = 0;
    for (let ky = 0; ky < K; ky++) for (let kx = 0; kx < K; kx++) {
      const iy = y * 2 + ky - 1, ix = xx * 2 + kx - 1;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += x[(ci * H + iy) * W + ix] * w[((ci * M + q) * K + ky) * K + kx];
    }
    want[(oc * OH + y) * OW + xx] = Math.max(0, s + b[oc]);
  }
  const Y = ops.relu(ops.add(ops.depthwiseConv2d(X, Wt, { stride: 2, padding: 1 }), bias));
  checkModes(t, Y, [X, Wt, bias], [x, w, b], want, 1e-5, ["compiled", "interpreted", "interpreted, unscheduled"]);
});

/** Max or average pooling in JS (the average over the window's elements inside the input, or all of it). */
function poolRef(x: Float32Array, [N, C, H, W]: number[], kind: "max" | "avg", k: number, s: number, p: number, includePad = false): Float64Array {
  const OH = Math.floor((H + 2 * p - k) / s) + 1, OW = Math.floor((W + 2 * p - k) / s) + 1;
  const out = new Float64Array(N * C * OH * OW);
  for (let nc = 0; nc < N * C; nc++) for (let y = 0; y < OH; y++) for (let xx = 0; xx < OW; xx++) {
    let acc = kind === "max" ? -Infinity : 0, cnt = 0;
    for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const iy = y * s + ky - p, ix = xx * s + kx - p;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      const v = x[(nc * H + iy) * W + ix];
      acc = kind === "max" ? Math.max(acc, v) : acc + v;
      cnt++;
    }
    out[(nc * OH + y) * OW + xx] = kind === "max" ? acc : acc / (includePad ? k * k : cnt);
  }
  return out;
}

for (const [kind, k, s, p, includePad] of [["max", 3, 2, 1, false], ["avg", 3, 2, 1, false], ["avg", 3, 2, 1, true], ["max", 2, 2, 0, false], ["avg", 2, 1, 0, false]] as const) {
  test(`pool2d ${kind} ${k}x${k}, stride ${s}, pad ${p}${includePad ? ", count includes padding" : ""}`, (t) => {
    const xs = [2, 3, 7, 10];
    const X = te.placeholder(xs, "float32", "X");
    const x = input(X, 8);
    const Y = ops.pool2d(X, { kind, size: k, stride: s, padding: p, countIncludePad: includePad });
    const modes: Mode[] = kind === "max" && p === 1 ? ["compiled", "interpreted", "interpreted, unscheduled"] : ["compiled", "interpreted"];
    checkModes(t, Y, [X], [x], poolRef(x, xs, kind, k, s, p, includePad), 1e-6, modes);
  });
}

test("conv2d NCHW, a 14-wide row: one 14-lane vector a row, 2 rows a tile on AVX-512 (the accumulators in 24 registers), numbers against JS", (t) => {
  const xs = [1, 3, 6, 14], ws = [8, 3, 3, 3];
  const X = te.placeholder(xs, "float32", "X");
  const W = te.placeholder(ws, "float32", "W");
  const Y = ops.conv2d(X, W, { padding: 1 });
  const text = lower(ops.schedule(Y, { vectorBytes: 64, numThreads: 1 }), [X, W, Y]).toString();
  const m = /allocate\(conv2d\.global, float32(?:x(\d+))?, \[(\d+)\]\)/.exec(text);
  t.truthy(m, "the accumulator tile is allocated");
  t.is(Number(m![1] ?? 1) * Number(m![2]), 4 * 2 * 14, "4 channels x 2 rows x 14 columns");
  const x = input(X, 3), w = input(W, 4);
  const { out } = convRef(x, w, xs, ws, G1);
  for (const vectorBytes of [64, 32]) assertClose(t, runOps(Y, [X, W], [x, w], "compiled", { vectorBytes }), out, 1e-5, `${vectorBytes}-byte vectors`);
});

// The channel-blocked NCHW form (rows not a multiple of 8 floats or a stride, >= 16 output channels): the
// weights packed into 16-channel blocks, vectors over output channels, the tile copied out to NCHW.
const BLOCKED: { x: number[]; w: number[]; g: Geometry; what: string }[] = [
  { x: [1, 5, 7, 14], w: [32, 5, 3, 3], g: G1, what: "two whole blocks" },
  // 20 channels: a partial second block (zero-padded weights); dilation 2: output width 9.
  { x: [2, 3, 9, 11], w: [20, 3, 3, 3], g: { sh: 1, sw: 1, ph: 1, pw: 1, dh: 2, dw: 2 }, what: "a partial block, dilation 2" },
  // Stride 2, output 7x7 (a prime width), 48 channels: three blocks (an odd count: one block a tile).
  { x: [1, 4, 13, 13], w: [48, 4, 3, 3], g: { sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 }, what: "stride 2, three blocks" },
  // 7x7 stride 2 (ResNet's first layer, small): output width 16, a multiple of 8, blocked for the stride.
  { x: [1, 3, 21, 32], w: [32, 3, 7, 7], g: { sh: 2, sw: 2, ph: 3, pw: 3, dh: 1, dw: 1 }, what: "7x7 stride 2" },
  // Uneven padding and a 1x3 kernel, output width 12.
  { x: [1, 3, 4, 12], w: [16, 3, 1, 3], g: { sh: 1, sw: 1, ph: 0, pw: 1, dh: 1, dw: 1 }, what: "a 1x3 kernel" },
];

for (const { x: xs, w: ws, g, what } of BLOCKED) {
  test(`conv2d NCHW channel-blocked (${what}): ${xs.join("x")} * ${ws.join("x")}, AVX-512 and AVX2 tiles and the interpreter against JS`, (t) => {
    const X = te.placeholder(xs, "float32", "X");
    const W = te.placeholder(ws, "float32", "W");
    const Y = ops.conv2d(X, W, { stride: [g.sh, g.sw], padding: [g.ph, g.pw], dilation: [g.dh, g.dw] });
    t.truthy(Y.op.inputTensors().some((p) => p.name === "conv2d_blocked"), "the output reads the channel-blocked buffer");
    const x = input(X, 11), w = input(W, 12);
    const { out, OH, OW } = convRef(x, w, xs, ws, g);
    t.deepEqual(Y.shape.map(String), [xs[0], ws[0], OH, OW].map(String));
    for (const vectorBytes of [64, 32, 16]) assertClose(t, runOps(Y, [X, W], [x, w], "compiled", { vectorBytes }), out, 1e-5, `${vectorBytes}-byte vectors`);
    assertClose(t, runOps(Y, [X, W], [x, w], "compiled", { vectorBytes: 64, numThreads: 2 }), out, 1e-5, "2 threads");
    checkModes(t, Y, [X, W], [x, w], out, 1e-5, ["interpreted", "interpreted, unscheduled"]);
  });
}

test("conv2d NCHW channel-blocked, 14-wide rows: a tile of 2 blocks x 7 pixels on AVX-512, 2 blocks x 2 pixels on AVX2 (16 registers); weights packed once", (t) => {
  const xs = [1, 5, 7, 14], ws = [32, 5, 3, 3];
  const X = te.placeholder(xs, "float32", "X");
  const W = te.placeholder(ws, "float32", "W");
  const Y = ops.conv2d(X, W, { padding: 1 });
  const alloc = (vectorBytes: number) => {
    const text = lower(ops.schedule(Y, { vectorBytes, numThreads: 1 }), [X, W, Y]).toString();
    const m = /allocate\(conv2d_blocked, float32(?:x(\d+))?, \[(\d+)\]\)/.exec(text);
    t.truthy(/allocate\(W_packed, float32, \[1440\]\)/.test(text), `${vectorBytes}: the packed weights, 2 blocks x 5 x 3 x 3 x 16`);
    return m ? Number(m[1] ?? 1) * Number(m[2]) : -1;
  };
  t.is(alloc(64), 2 * 7 * 16, "AVX-512: 2 blocks x 7 columns x 16 channels");
  // AVX2: a block is 2 vectors; 12 accumulators: 1 block x 2 columns (the largest divisor of 14
  // within 6; 7 rows: prime) is 4, 2 blocks x 2 columns is 8.
  t.is(alloc(32), 2 * 2 * 16, "AVX2: 2 blocks x 2 columns x 16 channels");
});

test("conv2d NCHW channel-blocked with a fused bias + relu: the copy-out applies them", (t) => {
  const xs = [1, 3, 6, 14], ws = [16, 3, 3, 3];
  const X = te.placeholder(xs, "float32", "X");
  const W = te.placeholder(ws, "float32", "W");
  const bias = te.placeholder([16, 1, 1], "float32", "bias");
  const Y = ops.relu(ops.add(ops.conv2d(X, W, { padding: 1 }), bias));
  const x = input(X, 13), w = input(W, 14), b = input(bias, 15);
  const { out } = convRef(x, w, xs, ws, G1);
  const want = out.map((v, i) => Math.max(0, v + b[Math.floor(i / (6 * 14))]));
  const text = lower(ops.schedule(Y, { vectorBytes: 64, numThreads: 1 }), [X, W, bias, Y]).toString();
  t.false(/allocate\(conv2d,/.test(text), "the NCHW read-out is inlined into the relu");
  checkModes(t, Y, [X, W, bias], [x, w, b], want, 1e-5, ["compiled", "interpreted"]);
  for (const vectorBytes of [32]) assertClose(t, runOps(Y, [X, W, bias], [x, w, b], "compiled", { vectorBytes }), want, 1e-5, `${vectorBytes}-byte vectors`);
});

test("conv2d NCHW pointwise (1x1, stride 1): native-width vectors with a tail, channel tiles inside row tiles; numbers against JS", (t) => {
  const xs = [1, 5, 8, 40], ws = [6, 5, 1, 1];
  const X = te.placeholder(xs, "float32", "X");
  const W = te.placeholder(ws, "float32", "W");
  const Y = ops.conv2d(X, W);
  const text = lower(ops.schedule(Y, { vectorBytes: 64, numThreads: 1 }), [X, W, Y]).toString();
  t.truthy(/float32x16/.test(text) && /float32x8/.test(text), "vectors of 16 and a tail of 8 on AVX-512 (40 = 2 x 16 + 8)");
  t.regex(text, /for \(n\.y\.outer\.fused\.co\.outer\.fused/, "the row tiles outside the channel tiles");
  const x = input(X, 16), w = input(W, 17);
  const { out } = convRef(x, w, xs, ws, { sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1 });
  for (const vectorBytes of [64, 32]) assertClose(t, runOps(Y, [X, W], [x, w], "compiled", { vectorBytes }), out, 1e-5, `${vectorBytes}-byte vectors`);
  checkModes(t, Y, [X, W], [x, w], out, 1e-5, ["interpreted"]);
});
