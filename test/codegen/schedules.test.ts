// Schedules built and run (issue 5's list, the parts that need issue 4's primitives): an
// rfactor'd sum, and the GEMM tutorial's final schedule (cacheWrite tile at the block, k split
// and unrolled, vectorized, parallel). Each compiled result is checked against a plain JS
// reference and the TIR interpreter.
import test from "ava";
import "./helpers.js";
import { STRICT, assertClose } from "./helpers.js";
import { randomFloats } from "../helpers/random.js";
import { te, lower, build, nd } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";

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
  const [N, bn, kfactor] = [128, 32, 4];
  const A = te.placeholder([N, N], "float32", "A");
  const B = te.placeholder([N, N], "float32", "B");
  const k = te.reduceAxis([0, N], "k");
  const packedB = te.compute([N / bn, N, bn], (x, y, z) => B.at(y, x.mul(bn).add(z)), "packedB");
  const C = te.compute([N, N], (x, y) => te.sum(A.at(x, k).mul(packedB.at(y.floordiv(bn), k, y.floormod(bn))), k), "C");
  const s = te.createSchedule(C.op);
  const sc = s.stage(C);
  const CC = s.cacheWrite(C, "global");
  const [mo, no] = sc.tile(sc.op.axis[0], sc.op.axis[1], bn, bn);
  const scc = s.stage(CC);
  scc.computeAt(sc, no);
  const [mc, nc] = scc.op.axis;
  const [ko, ki] = scc.split(scc.op.reduceAxis[0], { factor: kfactor });
  scc.reorder(ko, mc, ki, nc);
  scc.vectorize(nc);
  scc.unroll(ki);
  sc.parallel(mo);
  const sp = s.stage(packedB);
  sp.vectorize(sp.op.axis[2]);
  sp.parallel(sp.op.axis[0]);
  const text = lower(s, [A, B, C]).toString();
  t.regex(text, /allocate\(C\.global, float32, \[1024\]\)/);
  const a = randomFloats(N * N, 41);
  const b = randomFloats(N * N, 42);
  const ref = new Float32Array(N * N);
  for (let i = 0; i < N; i++) for (let kk = 0; kk < N; kk++) for (let j = 0; j < N; j++) ref[i * N + j] += a[i * N + kk] * b[kk * N + j];
  const mod = build(s, [A, B, C], { cflags: STRICT });
  const c = nd.empty([N, N]);
  mod.getFunction("main")(nd.array(a, [N, N]), nd.array(b, [N, N]), c);
  assertClose(t, c.toTypedArray(), ref, 1e-4);
  const ci = nd.empty([N, N]);
  interpret(lower(s, [A, B, C]), [nd.array(a, [N, N]), nd.array(b, [N, N]), ci]);
  assertClose(t, c.toTypedArray(), ci.toTypedArray(), 1e-5, "interpreter");
  t.regex(mod.getSource(), /__TVMBackendParallelLaunch/);
});
