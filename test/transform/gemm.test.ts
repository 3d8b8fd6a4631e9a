// The schedules of TVM's "How to optimize GEMM on CPU" tutorial, lowered through the loop passes:
// the printed text where the tutorial shows it (N = 1024), the shape of the loops (a 32x32 tile
// allocation, vector stores of 32 lanes, one parallel loop per nest, unrolled k), and the results
// of every pass on a small size against the interpreter.
import test from "ava";
import { type te, lower } from "../../ts/index.js";
import { postOrderVisit } from "../../ts/ir/functor.js";
import { Allocate, For, type Stmt } from "../../ts/ir/stmt.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import { type GemmOptions, gemm } from "../../examples/gemm.js";
import { assertPipelinePreserves, bodyText, loops, vectorStoreLanes } from "./helpers.js";

type Variant = "packed" | "cache" | "cacheParallel";

/** The steps these tests lower: array packing (the block loop parallel), write cache, and both. */
const VARIANTS: Record<Variant, Omit<GemmOptions, "n">> = {
  packed: { cacheWrite: false, unrollK: false },
  cache: { parallel: false },
  cacheParallel: {},
};

function tutorial(n: number, variant: Variant): { s: Schedule; args: te.Tensor[] } {
  return gemm({ n, ...VARIANTS[variant] });
}

function allocations(s: Stmt): Allocate[] {
  const out: Allocate[] = [];
  postOrderVisit(s, (n) => {
    if (n instanceof Allocate) out.push(n);
  });
  return out;
}

/** The top-level loop nests of the function body (under the root allocations). */
function nests(s: Stmt): For[] {
  const all = loops(s);
  return all.filter((l) => !all.some((o) => o !== l && loops(o.body).includes(l)));
}

const PACKING = [
  "    for (x: int32, 0, 32) \"parallel\" {",
  "      for (y: int32, 0, 1024) {",
  "        packedB[ramp(((x*32768) + (y*32)), 1, 32)] = (float32x32*)B_2[ramp(((y*1024) + (x*32)), 1, 32)]",
  "      }",
  "    }",
];

const CACHE_BLOCK = (ind: string): string[] => [
  "for (x.c.init: int32, 0, 32) {",
  "  C.global[ramp((x.c.init*32), 1, 32)] = broadcast(0f32, 32)",
  "}",
  "for (k.outer: int32, 0, 256) {",
  "  for (x.c: int32, 0, 32) {",
  "    C.global[ramp((x.c*32), 1, 32)] = ((float32x32*)C.global[ramp((x.c*32), 1, 32)] + (broadcast((float32*)A_2[(((x.outer*32768) + (x.c*1024)) + (k.outer*4))], 32)*(float32x32*)packedB[ramp(((y.outer*32768) + (k.outer*128)), 1, 32)]))",
  "    C.global[ramp((x.c*32), 1, 32)] = ((float32x32*)C.global[ramp((x.c*32), 1, 32)] + (broadcast((float32*)A_2[((((x.outer*32768) + (x.c*1024)) + (k.outer*4)) + 1)], 32)*(float32x32*)packedB[ramp((((y.outer*32768) + (k.outer*128)) + 32), 1, 32)]))",
  "    C.global[ramp((x.c*32), 1, 32)] = ((float32x32*)C.global[ramp((x.c*32), 1, 32)] + (broadcast((float32*)A_2[((((x.outer*32768) + (x.c*1024)) + (k.outer*4)) + 2)], 32)*(float32x32*)packedB[ramp((((y.outer*32768) + (k.outer*128)) + 64), 1, 32)]))",
  "    C.global[ramp((x.c*32), 1, 32)] = ((float32x32*)C.global[ramp((x.c*32), 1, 32)] + (broadcast((float32*)A_2[((((x.outer*32768) + (x.c*1024)) + (k.outer*4)) + 3)], 32)*(float32x32*)packedB[ramp((((y.outer*32768) + (k.outer*128)) + 96), 1, 32)]))",
  "  }",
  "}",
  "for (x.inner: int32, 0, 32) {",
  "  for (y.inner: int32, 0, 32) {",
  "    C_2[((((x.outer*32768) + (x.inner*1024)) + (y.outer*32)) + y.inner)] = (float32*)C.global[((x.inner*32) + y.inner)]",
  "  }",
  "}",
].map((l) => ind + l);

test("array packing: packedB is declared float32x32 [32768], both nests vectorized by 32, the blocked product parallel", (t) => {
  const { s, args } = tutorial(1024, "packed");
  const f = lower(s, args).get("main");
  const text = bodyText(f).split("\n");
  t.deepEqual(text.slice(0, 2), [
    "  attr [packedB: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(packedB, float32x32, [32768]) {",
  ]);
  t.deepEqual(text.slice(2, 7), PACKING);
  t.is(text[7], "    for (x.outer: int32, 0, 32) \"parallel\" {");
  t.true(text.includes("              C_2[ramp((((x.outer*32768) + (x.inner*1024)) + (y.outer*32)), 1, 32)] = ((float32x32*)C_2[ramp((((x.outer*32768) + (x.inner*1024)) + (y.outer*32)), 1, 32)] + (broadcast((float32*)A_2[((((x.outer*32768) + (x.inner*1024)) + (k.outer*4)) + k.inner)], 32)*(float32x32*)packedB[ramp((((y.outer*32768) + (k.outer*128)) + (k.inner*32)), 1, 32)]))"), text.join("\n"));
  const [pack, product] = nests(f.body);
  t.deepEqual(loops(pack).filter((l) => l.forKind === "parallel").length, 1);
  t.deepEqual(loops(product).map((l) => l.forKind).filter((k) => k === "parallel"), ["parallel"]);
  t.is(product.forKind, "parallel");
  t.true(vectorStoreLanes(f.body).every((n) => n >= 8));
  t.deepEqual(vectorStoreLanes(f.body), [32, 32, 32]);
});

test("write cache: C.global is a 32x32 tile, k is unrolled, the tile is copied out; text as in the tutorial", (t) => {
  const { s, args } = tutorial(1024, "cache");
  t.is(bodyText(lower(s, args)), [
    "  attr [packedB: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(packedB, float32x32, [32768]);",
    "  attr [C.global: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(C.global, float32, [1024]) {",
    ...PACKING,
    "    for (x.outer: int32, 0, 32) {",
    "      for (y.outer: int32, 0, 32) {",
    ...CACHE_BLOCK("        "),
    "      }",
    "    }",
    "  }",
  ].join("\n"));
});

test("write cache with the outer loop parallel: the tile is allocated inside the parallel loop", (t) => {
  const { s, args } = tutorial(1024, "cacheParallel");
  const f = lower(s, args).get("main");
  t.is(bodyText(f), [
    "  attr [packedB: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(packedB, float32x32, [32768]) {",
    ...PACKING,
    "    for (x.outer: int32, 0, 32) \"parallel\" {",
    "      attr [C.global: Pointer(float32)] \"storage_scope\" = \"global\";",
    "      allocate(C.global, float32, [1024]);",
    "      for (y.outer: int32, 0, 32) {",
    ...CACHE_BLOCK("        "),
    "      }",
    "    }",
    "  }",
  ].join("\n"));
  const tile = allocations(f.body).find((a) => a.bufferVar.name === "C.global")!;
  t.is(tile.extents.join(","), "1024");
  const product = nests(f.body)[1];
  t.is(loops(product).filter((l) => l.forKind === "parallel").length, 1);
  t.false(loops(product).some((l) => l.loopVar.name === "k.inner"));
});

test("every pass keeps the GEMM results (N = 64)", (t) => {
  for (const v of ["packed", "cache", "cacheParallel"] as const) {
    const { s, args } = tutorial(64, v);
    assertPipelinePreserves(t, s, args, { what: v, interp: { parallelOrder: "shuffle", poisonAllocations: true } });
  }
});
