// The TVM tutorials ported to examples/ (docs/porting-from-tvm.md) run as programs, as a user runs
// them (`npm run example examples/X.ts`: "tejit" is this checkout): each exits 0 — an example
// exits non-zero when a result differs from its JS reference — and prints the tutorial's key lines
// (lowered TIR, generated C, the checks, a note for every part left out).
import test from "ava";
import { runProgram } from "../helpers/run_program.js";
import { assertAllclose } from "../../examples/assert_allclose.js";

const examples: { file: string; args?: string[]; lines: string[] }[] = [
  {
    file: "examples/tensor_expr_get_started.ts",
    lines: [
      "myadd: matches the JS reference (1024 elements)",
      '  for (i: int32, 0, n) "parallel" {',
      "    C_2[i] = ((float32*)A_2[i] + (float32*)B_2[i])",
      '  for (i.outer: int32, 0, floordiv((n + 3), 4)) "parallel" {',
      "vector (n = 32768): matches the JS reference (32768 elements)",
      "myadd loaded from myadd.so: matches the JS reference (1024 elements)",
      "note: skipped the GPU part (te.thread_axis, bind, cuda/rocm/opencl targets): tejit compiles C for the host CPU",
    ],
  },
  {
    file: "examples/schedule_primitives.ts",
    lines: [
      "  for (i.outer: int32, 0, floordiv((m + 31), 32)) {",
      "  for (i.outer: int32, 0, 32) {",
      "      for (i.inner.j.inner.fused: int32, 0, 50) {",
      "    C_2[i] = (((float32*)A_2[i] + 1f32)*2f32)",
      "reorder: matches the JS reference (851 elements)",
      "compute_root: matches the JS reference (37 elements)",
      'note: skipped: bind to te.thread_axis("blockIdx.x") and ("threadIdx.x") is for GPUs; tejit compiles C for the host CPU',
    ],
  },
  {
    file: "examples/reduction.ts",
    lines: [
      "      B_2[i] = ((float32*)B_2[i] + (float32*)A_2[((i*m) + k)])",
      "  allocate(B.rf, float32, [(n*16)]) {",
      '[reduce(comm_reducer(result=[(x + y)], lhs=[x], rhs=[y], identity_element=[0f32]), [B.rf[k.inner.v, ax0]], [IterVar(k.inner.v, [0:16], "CommReduce", "")], 0, [])]',
      "row sum through rfactor, factored axis parallel: matches the JS reference (100 elements)",
      "3x3 convolution: matches the JS reference (324 elements)",
      "    B_2[i] = 1f32",
      "product reducer: matches the JS reference (5 elements)",
    ],
  },
  {
    file: "examples/extern_op.ts",
    lines: [
      "    attr [0] \"extern_scope\" = 0;",
      "        D_2[((i*235) + j)] = ((float32*)C[((i*235) + j)] + bias)",
      "matmul + bias: matches the JS reference (240640 elements)",
      "my_tvm_addone signatures: NDArray, NDArray",
      "my_tvm_addone: matches the JS reference (1024 elements)",
    ],
  },
  {
    file: "examples/tensorize.ts",
    lines: [
      "          C_2[(((i*512) + (j.outer*16)) + j.inner)] = ((float32*)C_2[(((i*512) + (j.outer*16)) + j.inner)] + ((float32*)A_2[((i*64) + k)]*(float32*)B_2[(((j.outer*1024) + (j.inner*64)) + k)]))",
      "gemv tensorized: matches the JS reference (524288 elements)",
      "      @tir.tvm_call_packed(\"gemv_reset\", @tir.tvm_stack_make_array(C_2, @tir.tvm_stack_make_shape(16, dtype=handle), @tir.tvm_stack_make_shape(1, dtype=handle), 1, 0f32, ((i*512) + (j.outer*16)), dtype=handle), 16, dtype=int32)",
      "      for (k.outer: int32, 0, 4) {",
      "gemv tensorized with reset and update: matches the JS reference (524288 elements)",
      "note: skipped: the inline C micro-kernels (clang + import_llvm); the kernels are JS functions called through tir.callPacked",
    ],
  },
  {
    file: "examples/intrin_math.ts",
    lines: [
      "B[((i_outer * 64) + i_inner)] = __builtin_expf(A[((i_outer * 64) + i_inner)]);",
      "B[((i_outer * 64) + i_inner)] = __builtin_exp(A[((i_outer * 64) + i_inner)]);",
      "te.exp, float64: matches the JS reference (100 elements)",
      "B[((i_outer * 64) + i_inner)] = __builtin_logf(A[((i_outer * 64) + i_inner)]);",
      "mylog, float64: matches the JS reference (100 elements)",
    ],
  },
  {
    file: "examples/tuple_inputs.ts",
    lines: [
      "      B.v1_2[((i*n) + j)] = ((float32*)A1_2[((i*n) + j)]*3f32)",
      "      T.v0_2[i] = select(((int32*)val_2[((i*n) + k)] <= (int32*)T.v1_2[i]), (int32*)T.v0_2[i], (int32*)idx_2[((i*n) + k)])",
      "  allocate(B.v1, float32, [n]);",
      "argmax index: matches the JS reference (7 elements)",
      "C = A1 + (A0 + 2): matches the JS reference (63 elements)",
    ],
  },
  {
    file: "examples/scan.ts",
    lines: [
      "  for (scan.idx: int32, 0, (m - 1)) {",
      "cumsum over the rows: matches the JS reference (10240 elements)",
      "  allocate(s1, float32, [32]) {",
      "multi-stage scan cell: matches the JS reference (10240 elements)",
      "      scan.v1_2[(((scan.idx + 1)*l) + i_2)] = ((float32*)scan.v1_2[((scan.idx*l) + i_2)] + (float32*)scan.v0_2[(scan.idx*n)])",
      "two states: the second: matches the JS reference (50 elements)",
      "note: skipped binding the scan cell to blockIdx.x / threadIdx.x (GPU); the inner loops are vectorized instead",
    ],
  },
  {
    file: "examples/gemm.ts", // TVM's opt_gemm
    args: ["64"],
    lines: [
      "The tutorial's final schedule, lowered (n = 64):",
      "4 of 4 steps match the JS product",
    ],
  },
  {
    file: "examples/gemm_blocked.ts", // blocked k, packed A and B, a register tile (issue 10)
    args: ["128"],
    lines: [
      "The blocked schedule, lowered (m = 16, n = 32, k = 16; mr 4, nr 16, kc 8, mc 8, nc 32):",
      "  allocate(packedB, float32, [256]) {",
      "        allocate(packedA, float32, [64]);",
      "        allocate(C.rf, float32, [64]) {",
      "              for (k.inner: int32, 0, 8) {",
      "blocked GEMM (n = 128): matches the JS product",
    ],
  },
];

for (const ex of examples) {
  test(`${ex.file} runs, checks its results and prints the tutorial's lines`, async (t) => {
    const r = await runProgram(ex.file, ex.args);
    t.is(r.code, 0, `${ex.file} exited with ${r.code ?? r.signal}:\n${r.stderr}`);
    const out = r.stdout.split("\n");
    for (const line of ex.lines) t.true(out.includes(line), `${ex.file} did not print:\n${line}`);
  });
}

test("assertAllclose (the examples' check) throws on the first element out of tolerance", (t) => {
  t.notThrows(() => assertAllclose("close", [1, 2.0000001], [1, 2], 1e-6));
  t.throws(() => assertAllclose("far", [1, 2.1, 3.5], [1, 2, 3], 1e-3), { message: "far: element 1 is 2.1, expected 2 (rtol 0.001, atol 0)" });
  t.throws(() => assertAllclose("short", [1], [1, 2]), { message: "short: 1 elements, expected 2" });
  t.throws(() => assertAllclose("nan", [Number.NaN], [1], 1), { message: /^nan: element 0 is NaN/ });
});
