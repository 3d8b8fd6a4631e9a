// Schedules built and run (issue 5's list, the parts that need issue 4's primitives): an
// rfactor'd sum, and the GEMM tutorial's final schedule (cacheWrite tile at the block, k split
// and unrolled, vectorized, parallel). Each compiled result is checked against a plain JS
// reference and the TIR interpreter. The GEMM example (examples/gemm.ts) also runs as a program.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import test from "ava";
import "./helpers.js";
import { STRICT, assertClose } from "./helpers.js";
import { randomFloats } from "../helpers/random.js";
import { te, lower, build, nd } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { gemm } from "../../examples/gemm.js";

test("an rfactor'd sum (parallel partial sums, then their sum) gives the row sums", (t) => {
  const [m, n] = [8, 1024];
  const A = te.placeholder([m, n], "float32", "A");
  const k = te.reduceAxis([0, n], "k");
  const B = te.compute([m], (i) => te.sum(A.at(i, k), k), "B");
  const s = te.createSchedule(B.op);
  const [, ki] = s.stage(B).split(B.op.reduceAxis[0], { factor: 16 });
  const BF = s.rfactor(B, ki) as te.Tensor;
  s.stage(BF).parallel(s.stage(BF).op.axis[0]);
  const text = lower(s, [A, B]).toString();
  t.regex(text, /"parallel"/);
  t.regex(text, /B\.rf/);
  const a = randomFloats(m * n, 31);
  const out = nd.empty([m]);
  const mod = build(s, [A, B], { cflags: STRICT });
  mod.getFunction("main")(nd.array(a, [m, n]), out);
  const interpreted = nd.empty([m]);
  interpret(lower(s, [A, B]), [nd.array(a, [m, n]), interpreted]);
  const ref = Array.from({ length: m }, (_, r) => a.slice(r * n, r * n + n).reduce((x, y) => x + y, 0));
  assertClose(t, out.toTypedArray(), ref, 1e-4);
  assertClose(t, out.toTypedArray(), interpreted.toTypedArray(), 1e-6, "interpreter");
});

test("the GEMM tutorial's final schedule (cacheWrite, unroll, vectorize, parallel) built and run", (t) => {
  const N = 128;
  const { s, args } = gemm({ n: N });
  const text = lower(s, args).toString();
  t.regex(text, /allocate\(C\.global, float32, \[1024\]\)/);
  const a = randomFloats(N * N, 41);
  const b = randomFloats(N * N, 42);
  const ref = new Float32Array(N * N);
  for (let i = 0; i < N; i++) for (let kk = 0; kk < N; kk++) for (let j = 0; j < N; j++) ref[i * N + j] += a[i * N + kk] * b[kk * N + j];
  const mod = build(s, args, { cflags: STRICT });
  const c = nd.empty([N, N]);
  mod.getFunction("main")(nd.array(a, [N, N]), nd.array(b, [N, N]), c);
  assertClose(t, c.toTypedArray(), ref, 1e-4);
  const ci = nd.empty([N, N]);
  interpret(lower(s, args), [nd.array(a, [N, N]), nd.array(b, [N, N]), ci]);
  assertClose(t, c.toTypedArray(), ci.toTypedArray(), 1e-5, "interpreter");
  t.regex(mod.getSource(), /__TVMBackendParallelLaunch/);
});

test("examples/gemm.ts run as a program prints the lowered schedule and checks every tutorial step", (t) => {
  const example = fileURLToPath(new URL("../../examples/gemm.ts", import.meta.url));
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const r = spawnSync(process.execPath, ["--import", "tsx", example, "64"], { cwd: root, encoding: "utf8" });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /allocate\(C\.global, float32, \[1024\]\)/);
  t.regex(r.stdout, /\n4 of 4 steps match the JS product\n/);
  t.notRegex(r.stdout, /WRONG/);
});
