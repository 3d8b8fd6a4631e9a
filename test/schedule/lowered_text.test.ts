// Lowered text of programs using cacheWrite, rfactor and cacheRead, line for line as TVM (2020,
// the seed's version) prints them: the GEMM tutorial's write cache ("How to optimize GEMM on
// CPU", simple mode: before vectorize/unroll), the reduction tutorial's rfactor (with constant
// shapes), and a read cache computed at a tile. The full tutorial schedule (packed B, unrolled,
// vectorized, parallel) is checked for its shape and its results.

import test from "ava";
import { te, lower } from "../../ts/index.js";
import { randomInput, run } from "./helpers.js";
import { prng } from "../helpers/random.js";

const header3 = (n: number): string[] => [
  "primfn(A_1: handle, B_1: handle, C_1: handle) -> ()",
  '  attr = {"global_symbol": "main", "tir.noalias": True}',
  `  buffers = {A: Buffer(A_2: Pointer(float32), float32, [${n}, ${n}], []),`,
  `             B: Buffer(B_2: Pointer(float32), float32, [${n}, ${n}], []),`,
  `             C: Buffer(C_2: Pointer(float32), float32, [${n}, ${n}], [])}`,
  "  buffer_map = {A_1: A, B_1: B, C_1: C} {",
];

function gemm(N: number, packed: boolean) {
  const A = te.placeholder([N, N], "float32", "A");
  const B = te.placeholder([N, N], "float32", "B");
  const k = te.reduceAxis([0, N], "k");
  const bn = 32;
  const packedB = te.compute([N / bn, N, bn], (x, y, z) => B.at(y, x.mul(bn).add(z)), "packedB");
  const C = packed
    ? te.compute([N, N], (x, y) => te.sum(A.at(x, k).mul(packedB.at(te.floordiv(y, bn), k, te.floormod(y, bn))), k), "C")
    : te.compute([N, N], (x, y) => te.sum(A.at(x, k).mul(B.at(k, y)), k), "C");
  const s = te.createSchedule(C.op);
  const CC = s.cacheWrite(C, "global");
  const [xo, yo] = s.stage(C).tile(C.op.axis[0], C.op.axis[1], bn, bn);
  s.stage(CC).computeAt(s.stage(C), yo);
  const [xc, yc] = s.stage(CC).op.axis;
  const [kk] = s.stage(CC).op.reduceAxis;
  const [ko, ki] = s.stage(CC).split(kk, { factor: 4 });
  s.stage(CC).reorder(ko, xc, ki, yc);
  return { A, B, C, CC, packedB, s, xo, ki, yc };
}

test("GEMM tutorial, write cache for blocks: the cache computed at the tile, simple mode", (t) => {
  const { A, B, C, s } = gemm(1024, false);
  const expected = [
    ...header3(1024),
    '  attr [C.global: Pointer(float32)] "storage_scope" = "global";',
    "  allocate(C.global, float32, [1024]);",
    "  for (x.outer: int32, 0, 32) {",
    "    for (y.outer: int32, 0, 32) {",
    "      for (x.c.init: int32, 0, 32) {",
    "        for (y.c.init: int32, 0, 32) {",
    "          C.global[((x.c.init*32) + y.c.init)] = 0f32",
    "        }",
    "      }",
    "      for (k.outer: int32, 0, 256) {",
    "        for (x.c: int32, 0, 32) {",
    "          for (k.inner: int32, 0, 4) {",
    "            for (y.c: int32, 0, 32) {",
    "              C.global[((x.c*32) + y.c)] = ((float32*)C.global[((x.c*32) + y.c)] + ((float32*)A_2[((((x.outer*32768) + (x.c*1024)) + (k.outer*4)) + k.inner)]*(float32*)B_2[((((k.outer*4096) + (k.inner*1024)) + (y.outer*32)) + y.c)]))",
    "            }",
    "          }",
    "        }",
    "      }",
    "      for (x.inner: int32, 0, 32) {",
    "        for (y.inner: int32, 0, 32) {",
    "          C_2[((((x.outer*32768) + (x.inner*1024)) + (y.outer*32)) + y.inner)] = (float32*)C.global[((x.inner*32) + y.inner)]",
    "        }",
    "      }",
    "    }",
    "  }",
    "}",
  ];
  t.deepEqual(lower(s, [A, B, C], { simpleMode: true }).toString().split("\n"), expected);
});

test("GEMM tutorial, packed B and the full schedule: a 32x32 tile in each parallel iteration, vector stores, results", (t) => {
  const build = (N: number) => {
    const g = gemm(N, true);
    const { s, packedB, xo, ki, yc, C, CC } = g;
    s.stage(CC).unroll(ki);
    s.stage(CC).vectorize(yc);
    s.stage(C).parallel(xo);
    const [px, , pz] = s.stage(packedB).op.axis;
    s.stage(packedB).vectorize(pz);
    s.stage(packedB).parallel(px);
    return g;
  };
  const big = build(1024);
  const text = lower(big.s, [big.A, big.B, big.C]).toString();
  t.regex(text, /allocate\(C\.global, float32, \[1024\]\)/);
  t.regex(text, /allocate\(packedB, float32(x32)?, \[(32768|1048576)\]\)/);
  t.is((text.match(/"parallel"/g) ?? []).length, 2, "packing and the tile loop are parallel");
  t.regex(text, /C\.global\[ramp\(\(x\.c\*32\), 1, 32\)\] = /, "the cache row is stored as one 32-lane vector");
  t.notRegex(text, /for \(k\.inner/, "k.inner is unrolled");
  // The same schedule on 64x64, run by the interpreter.
  const small = build(64);
  const rand = prng(30);
  const inputs = [randomInput(small.A, rand), randomInput(small.B, rand)];
  const ref = run(te.createSchedule(small.C.op), [small.A, small.B], [small.C], inputs)[0];
  const got = run(small.s, [small.A, small.B], [small.C], inputs)[0];
  t.true(got.every((v, i) => Math.abs(v - ref[i]) <= 1e-5 * Math.max(1, Math.abs(ref[i]))));
});

test("reduction tutorial: rfactor of the inner part of a split reduction, simple mode", (t) => {
  const A = te.placeholder([128, 100], "float32", "A");
  const k = te.reduceAxis([0, 100], "k");
  const B = te.compute([128], (i) => te.sum(A.at(i, k), k), "B");
  const s = te.createSchedule(B.op);
  const [, ki] = s.stage(B).split(B.op.reduceAxis[0], { factor: 16 });
  s.rfactor(B, ki);
  const expected = [
    "primfn(A_1: handle, B_1: handle) -> ()",
    '  attr = {"global_symbol": "main", "tir.noalias": True}',
    "  buffers = {A: Buffer(A_2: Pointer(float32), float32, [128, 100], []),",
    "             B: Buffer(B_2: Pointer(float32), float32, [128], [])}",
    "  buffer_map = {A_1: A, B_1: B} {",
    '  attr [B.rf: Pointer(float32)] "storage_scope" = "global";',
    "  allocate(B.rf, float32, [2048]) {",
    "    for (k.inner: int32, 0, 16) {",
    "      for (i: int32, 0, 128) {",
    "        B.rf[((k.inner*128) + i)] = 0f32",
    "        for (k.outer: int32, 0, 7) {",
    "          if @tir.likely((((k.outer*16) + k.inner) < 100), dtype=bool) {",
    "            B.rf[((k.inner*128) + i)] = ((float32*)B.rf[((k.inner*128) + i)] + (float32*)A_2[(((i*100) + (k.outer*16)) + k.inner)])",
    "          }",
    "        }",
    "      }",
    "    }",
    "    for (ax0: int32, 0, 128) {",
    "      B_2[ax0] = 0f32",
    "      for (k.inner.v: int32, 0, 16) {",
    "        B_2[ax0] = ((float32*)B_2[ax0] + (float32*)B.rf[((k.inner.v*128) + ax0)])",
    "      }",
    "    }",
    "  }",
    "}",
  ];
  t.deepEqual(lower(s, [A, B], { simpleMode: true }).toString().split("\n"), expected);
});

function readCacheProgram(scope: string) {
  const A = te.placeholder([16, 16], "float32", "A");
  const B = te.compute([16, 16], (i, j) => A.at(i, j).mul(2), "B");
  const s = te.createSchedule(B.op);
  const AA = s.cacheRead(A, scope, [B]);
  const [xo] = s.stage(B).split(B.op.axis[0], { factor: 4 });
  s.stage(AA).computeAt(s.stage(B), xo);
  return lower(s, [A, B]).toString().split("\n");
}

const readCacheExpected = (scope: string): string[] => [
  "primfn(A_1: handle, B_1: handle) -> ()",
  '  attr = {"global_symbol": "main", "tir.noalias": True}',
  "  buffers = {A: Buffer(A_2: Pointer(float32), float32, [16, 16], []),",
  "             B: Buffer(B_2: Pointer(float32), float32, [16, 16], [])}",
  "  buffer_map = {A_1: A, B_1: B} {",
  `  attr [A.${scope}: Pointer(float32)] "storage_scope" = "${scope}";`,
  `  allocate(A.${scope}, float32, [64]);`,
  "  for (i.outer: int32, 0, 4) {",
  "    for (ax0: int32, 0, 4) {",
  "      for (ax1: int32, 0, 16) {",
  `        A.${scope}[((ax0*16) + ax1)] = (float32*)A_2[(((i.outer*64) + (ax0*16)) + ax1)]`,
  "      }",
  "    }",
  "    for (i.inner: int32, 0, 4) {",
  "      for (j: int32, 0, 16) {",
  `        B_2[(((i.outer*64) + (i.inner*16)) + j)] = ((float32*)A.${scope}[((i.inner*16) + j)]*2f32)`,
  "      }",
  "    }",
  "  }",
  "}",
];

test("a read cache computed at the outer loop copies the 4x16 tile (global scope)", (t) => {
  t.deepEqual(readCacheProgram("global"), readCacheExpected("global"));
});

// The 2020 TVM the seed comes from prints the data variable of a "local"/"shared" allocation as
// `Pointer(float32)` (the scope is only in the storage_scope attribute).
test("a read cache in local scope prints its pointer type as TVM 2020 does", (t) => {
  t.deepEqual(readCacheProgram("local"), readCacheExpected("local"));
});
