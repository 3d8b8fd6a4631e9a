// Parallel loops are shared out in chunks taken from an atomic counter (c_outline.ts): the task
// function's loop as generated, every iteration run exactly once for extents around the chunk
// sizes (0, 1, fewer iterations than tasks, uneven, large; a loop not starting at 0) on pools of
// 1, 2 and 3 threads, and the same numbers as the serial loop whichever thread runs what.
import test from "ava";
import { buildFuncs, declBuffer } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import * as op from "../../ts/ir/op.js";
import { Var } from "../../ts/ir/expr.js";
import { interpret } from "../../ts/interp/index.js";
import { empty } from "../../ts/runtime/ndarray.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { IRModule } from "../../ts/ir/function.js";
import { setNumThreads } from "../../ts/runtime/threads.js";

// for i in parallel(lo, n): O[i] = O[i] + 1 (so an iteration run twice, or never, shows), and
// S[i] = a small sum that depends on i only.
function counts(kind: "parallel" | "serial") {
  const n = new Var("n");
  const lo = new Var("lo");
  const O = declBuffer([n], "int32", "O");
  const S = declBuffer([n], "float32", "S");
  const ib = irBuilder();
  const o = ib.bufferPtr(O);
  const sv = ib.bufferPtr(S);
  ib.forRange(lo, n, "i", (i) => {
    o.set(i, op.add(o.get(i), 1));
    const acc = ib.allocate("float32", 1, "acc");
    acc.set(0, op.constant(0, "float32"));
    ib.forRange(0, 17, "k", (k) => acc.set(0, op.add(acc.get(0), op.div(op.constant(1, "float32"), op.cast("float32", op.add(op.add(i, k), 1))))));
    sv.set(i, acc.get(0));
  }, kind);
  return primFunc([O, S, n, lo], ib.get(), `counts_${kind}`);
}

const funcs = [counts("parallel"), counts("serial")];
const mod = buildFuncs(funcs);
const source = generateC(new IRModule(new Map(funcs.map((f) => [f.name!, f])))).source;

test("the task function takes chunks of the range from the closure's counter until none is left", (t) => {
  const lines = [
    "typedef struct {",
    "  int32_t lo;",
    "  int32_t n;",
    "  int32_t* O;",
    "  float* S;",
    "  int64_t next_chunk;",
    "} counts_parallel_parallel_0_args;",
    "",
    "static int32_t counts_parallel_parallel_0(int32_t task_id, TVMParallelGroupEnv* penv, void* cdata) {",
    "  (void)task_id;",
    "  counts_parallel_parallel_0_args* closure = (counts_parallel_parallel_0_args*)cdata;",
    "  int32_t lo = closure->lo;",
    "  int32_t n = closure->n;",
    "  int32_t* restrict O = closure->O;",
    "  float* restrict S = closure->S;",
    "  int32_t i_min = lo;",
    "  int64_t i_extent = (int64_t)((n - lo));",
    "  int64_t chunk = (i_extent + (int64_t)penv->num_task * 8 - 1) / ((int64_t)penv->num_task * 8);",
    "  if (chunk < 1) chunk = 1;",
    "  for (;;) {",
    "    int64_t begin = __atomic_fetch_add(&closure->next_chunk, chunk, __ATOMIC_RELAXED);",
    "    if (begin >= i_extent) break;",
    "    int64_t end = begin + chunk < i_extent ? begin + chunk : i_extent;",
    "    for (int32_t i = (int32_t)(i_min + begin); i < (int32_t)(i_min + end); ++i) {",
    "      O[i] = (O[i] + 1);",
  ];
  t.true(source.includes(lines.join("\n")), source.slice(source.indexOf("typedef struct {\n  int32_t lo;")));
  t.regex(source, /counts_parallel_parallel_0_args counts_parallel_parallel_0_closure = \{.*\.next_chunk = 0\};/);
});

test.serial("every iteration runs exactly once, with the serial loop's numbers, on 1, 2 and 3 threads", (t) => {
  const cases: [number, number][] = [[0, 0], [0, 1], [0, 2], [0, 3], [0, 7], [0, 16], [0, 17], [5, 1000], [0, 100003], [9, 4]];
  try {
    for (const threads of [1, 2, 3]) {
      setNumThreads(threads);
      for (const [lo, n] of cases) {
        const O = empty([n], "int32");
        const S = empty([n]);
        mod.getFunction("counts_parallel")(O, S, n, lo);
        const Os = empty([n], "int32");
        const Ss = empty([n]);
        mod.getFunction("counts_serial")(Os, Ss, n, lo);
        const o = [...(O.toTypedArray() as Int32Array)];
        const expected = Array.from({ length: n }, (_, i) => (i >= lo && i < n ? 1 : 0));
        t.deepEqual(o, expected, `threads ${threads}, range [${lo}, ${n})`);
        t.deepEqual([...S.toTypedArray()], [...Ss.toTypedArray()], `threads ${threads}, range [${lo}, ${n}): bitwise equal to serial`);
      }
    }
  } finally {
    setNumThreads(0);
  }
  // The interpreter agrees with the compiled loop.
  const n = 40;
  const O = empty([n], "int32");
  const S = empty([n]);
  mod.getFunction("counts_parallel")(O, S, n, 3);
  const Oi = empty([n], "int32");
  const Si = empty([n]);
  interpret(funcs[0], [Oi, Si, n, 3]);
  t.deepEqual([...O.toTypedArray()], [...Oi.toTypedArray()]);
  t.deepEqual([...S.toTypedArray()], [...Si.toTypedArray()]);
});
