// Misusing schedule primitives: axes of other stages, duplicates, non-leaves, non-ancestors,
// reduction axes where data-parallel ones go, bad factors, rfactor/cache misuse, foreign
// tensors, and the schedule errors that only lowering can see.
import { build, lower, nd, te } from "../../../ts/index.js";
import { type BadInputCase, error } from "./case.js";

/** A: [16, 16]; B[r] = sum_k A[r, k]; C[x, y] = A[x, y] * B[x] (the output). */
function program() {
  const A = te.placeholder([16, 16], "float32", "A");
  const k = te.reduceAxis([0, 16], "k");
  const B = te.compute([16], (r) => te.sum(A.at(r, k), k), "B");
  const C = te.compute([16, 16], (x, y) => A.at(x, y).mul(B.at(x)), "C");
  return { A, k, B, C, s: te.createSchedule(C.op) };
}
/** The same with a second output D[i] = A[i, 0], which does not read B. */
function twoOutputs() {
  const p = program();
  const D = te.compute([16], (i) => p.A.at(i, 0), "D");
  return { ...p, D, s: te.createSchedule([p.C.op, D.op]) };
}

/** B = A + 1 over [n], split by the symbolic factor f, built; returns the kernel. */
function splitBySymbol() {
  const n = te.var("n");
  const f = te.var("f");
  const A = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (i) => A.at(i).add(1), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).split(B.op.axis[0], f);
  return build(s, [A, B, f], { name: "split_by_f" }).getFunction("split_by_f");
}

/** B = A + 1 over [n] with `mark` on its axis, built and run for n = 5; a complaint unless B is right. */
function symbolicExtent(mark: "unroll" | "vectorize"): string | undefined {
  const n = te.var("n");
  const A = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (i) => A.at(i).add(1), "B");
  const s = te.createSchedule(B.op);
  s.stage(B)[mark](B.op.axis[0]);
  const b = nd.empty([5]);
  build(s, [A, B], { name: `${mark}_n` }).getFunction(`${mark}_n`)(nd.array(new Float32Array([1, 2, 3, 4, 5])), b);
  return [...b.data].join() === "2,3,4,5,6" ? undefined : `B = ${[...b.data].join()}`;
}

export const scheduleCases: BadInputCase[] = [
  { name: "unroll a loop of symbolic extent (accepted: it stays a serial loop)", run: () => symbolicExtent("unroll"), accept: (r) => r as string | undefined },
  { name: "vectorize a loop of symbolic extent (accepted: it stays a serial loop)", run: () => symbolicExtent("vectorize"), accept: (r) => r as string | undefined },
  { name: "stage of a tensor outside the schedule", run: () => program().s.stage(te.placeholder([3], "float32", "X")), error: error(/^'X' is not part of this schedule \(it is not an input of its outputs 'C'\)$/) },
  { name: "stage of a number", run: () => program().s.stage(3 as never), error: error(/^schedule\.stage expects a tensor or an op, got number 3$/) },
  { name: "split an axis of another stage", run: () => { const p = program(); return p.s.stage(p.C).split(p.B.op.axis[0], 4); }, error: error(/^stage 'C': cannot split axis 'r': it is not an axis of this stage \(its axes: x, y\)$/) },
  { name: "split an axis twice", run: () => { const p = program(); p.s.stage(p.C).split(p.C.op.axis[0], 4); return p.s.stage(p.C).split(p.C.op.axis[0], 2); }, error: error(/^stage 'C': cannot split axis 'x': it is no longer a leaf \(it was already split or fused\)$/) },
  { name: "split a number instead of an axis", run: () => { const p = program(); return p.s.stage(p.C).split(3 as never, 4); }, error: error(/^stage 'C': split expects an axis \(IterVar\) of this stage, got number 3$/) },
  { name: "split with no arguments", run: () => { const p = program(); return (p.s.stage(p.C).split as (...a: unknown[]) => unknown)(); }, error: error(/^stage 'C': split expects an axis \(IterVar\) of this stage, got undefined$/) },
  { name: "split by a string factor", run: () => { const p = program(); return p.s.stage(p.C).split(p.C.op.axis[0], "4" as never); }, error: error(/^stage 'C': split of axis 'x': factor must be a positive integer or an expression, got string 4$/) },
  { name: "split by zero", run: () => { const p = program(); return p.s.stage(p.C).split(p.C.op.axis[0], 0); }, error: error(/^stage 'C': split of axis 'x': factor must be a positive integer, got 0$/) },
  { name: "split by a negative factor", run: () => { const p = program(); return p.s.stage(p.C).split(p.C.op.axis[0], -4); }, error: error(/^stage 'C': split of axis 'x': factor must be a positive integer, got -4$/) },
  { name: "split by a float expression", run: () => { const p = program(); return p.s.stage(p.C).split(p.C.op.axis[0], te.var("f", "float32")); }, error: error(/^stage 'C': split of axis 'x': factor must be an integer expression, got float32 \(f\)$/) },
  { name: "split with both factor and nparts", run: () => { const p = program(); return p.s.stage(p.C).split(p.C.op.axis[0], { factor: 2, nparts: 2 } as never); }, error: error(/^stage 'C': split of axis 'x' needs exactly one of \{factor\} or \{nparts\}$/) },
  { name: "a symbolic split factor that is 0 at call time", run: () => splitBySymbol()(nd.empty([8]), nd.empty([8]), 0), error: error(/^split of axis 'i' of stage 'B': the factor f must be positive, got 0$/), child: {} },
  { name: "a symbolic split factor that is negative at call time", run: () => splitBySymbol()(nd.empty([8]), nd.empty([8]), -2), error: error(/^split of axis 'i' of stage 'B': the factor f must be positive, got -2$/), child: {} },
  { name: "reorder with a duplicate", run: () => { const p = program(); const [x, y] = p.C.op.axis; return p.s.stage(p.C).reorder(x, y, x); }, error: error(/^stage 'C': reorder lists axis 'x' more than once$/) },
  { name: "reorder an axis of another stage", run: () => { const p = program(); return p.s.stage(p.C).reorder(p.B.op.axis[0], p.C.op.axis[0]); }, error: error(/^stage 'C': cannot reorder axis 'r': it is not an axis of this stage \(its axes: x, y\)$/) },
  { name: "reorder a number", run: () => { const p = program(); return p.s.stage(p.C).reorder(1 as never); }, error: error(/^stage 'C': reorder expects axes, got number 1$/) },
  { name: "fuse non-adjacent axes", run: () => { const p = program(); const [x, y] = p.C.op.axis; const [, yi] = p.s.stage(p.C).split(y, 4); return p.s.stage(p.C).fuse(x, yi); }, error: error(/^stage 'C': can only fuse consecutive axes; 'x' and 'y\.inner' are not adjacent in the loop order \(x, y\.outer, y\.inner\)$/) },
  { name: "fuse into a loop of more than 2^31 iterations", run: () => { const A = te.placeholder([65536, 65536], "int8", "A"); const C = te.compute([65536, 65536], (i, j) => A.at(i, j), "C"); const s = te.createSchedule(C.op); s.stage(C).fuse(...C.op.axis); return lower(s, [A, C]); }, error: error(/^stage 'C': fusing 'i' \(extent 65536\) and 'j' \(extent 65536\) gives a loop of 4294967296 iterations, more than an int32 loop variable holds \(2147483647\); fuse fewer axes or split first$/) },
  { name: "fuse an axis with itself", run: () => { const p = program(); const [x] = p.C.op.axis; return p.s.stage(p.C).fuse(x, x); }, error: error(/^stage 'C': fuse lists axis 'x' twice$/) },
  { name: "computeAt a stage that does not read it", run: () => { const p = twoOutputs(); return p.s.stage(p.B).computeAt(p.s.stage(p.D), p.D.op.axis[0]); }, error: error(/^stage 'B': cannot compute at 'D', which does not read 'B' \(directly or through other stages\)$/) },
  { name: "computeAt its own producer (a cycle)", run: () => { const p = program(); return p.s.stage(p.C).computeAt(p.s.stage(p.B), p.B.op.axis[0]); }, error: error(/^stage 'C': cannot compute at 'B', which does not read 'C'/) },
  { name: "computeAt itself", run: () => { const p = program(); return p.s.stage(p.C).computeAt(p.s.stage(p.C), p.C.op.axis[0]); }, error: error(/^stage 'C' cannot be computed at its own axis$/) },
  { name: "computeAt an axis of a third stage", run: () => { const p = program(); return p.s.stage(p.B).computeAt(p.s.stage(p.C), p.B.op.axis[0]); }, error: error(/^stage 'B': cannot compute at axis 'r' of 'C': it is not an axis of that stage \(leaf axes: x, y\)$/) },
  { name: "computeAt a stage of another schedule", run: () => { const p = program(); const q = program(); return p.s.stage(p.B).computeAt(q.s.stage(q.C), q.C.op.axis[0]); }, error: error(/^stage 'B': computeAt target 'C' belongs to another schedule$/) },
  { name: "computeAt without an axis", run: () => { const p = program(); return (p.s.stage(p.B).computeAt as (...a: unknown[]) => unknown)(p.s.stage(p.C)); }, error: error(/^stage 'B': computeAt expects an axis of 'C', got undefined$/) },
  { name: "computeAt a number", run: () => { const p = program(); return p.s.stage(p.B).computeAt(3 as never, 4 as never); }, error: error(/^stage 'B': computeAt expects a stage and one of its axes, got number 3$/) },
  { name: "a producer inside one consumer read by another outside", run: () => { const p = program(); const D = te.compute([16, 16], (x, y) => p.C.at(x, y).add(p.B.at(y)), "D"); const s = te.createSchedule(D.op); s.stage(p.B).computeAt(s.stage(p.C), p.C.op.axis[0]); return lower(s, [p.A, D]); }, error: error(/^invalid schedule: stage 'B' is computed at loop 'x', but its consumer 'D' is not inside that loop/) },
  { name: "vectorize a reduction axis", run: () => { const p = program(); return p.s.stage(p.B).vectorize(p.k); }, error: error(/^stage 'B': cannot vectorize axis 'k' of type CommReduce: only data-parallel axes can be vectorized$/) },
  { name: "parallel over a reduction axis", run: () => { const p = program(); return p.s.stage(p.B).parallel(p.k); }, error: error(/^stage 'B': cannot parallelize reduction axis 'k': its iterations update the same output \(rfactor it first\)$/) },
  { name: "unroll an axis of another stage", run: () => { const p = program(); return p.s.stage(p.B).unroll(p.C.op.axis[0]); }, error: error(/^stage 'B': cannot unroll axis 'x': it is not an axis of this stage \(its axes: r, k\)$/) },
  { name: "vectorize a number", run: () => { const p = program(); return p.s.stage(p.B).vectorize(0 as never); }, error: error(/^stage 'B': vectorize expects an axis \(IterVar\) of this stage, got number 0$/) },
  { name: "inline a reduction", run: () => { const p = program(); return p.s.stage(p.B).computeInline(); }, error: error(/^stage 'B': a reduction cannot be inlined into its consumers$/) },
  { name: "inline an output", run: () => { const p = program(); return p.s.stage(p.C).computeInline(); }, error: error(/^stage 'C' is an output of the schedule and cannot be inlined$/) },
  { name: "inline a placeholder", run: () => { const p = program(); return p.s.stage(p.A).computeInline(); }, error: error(/^stage 'A': only compute stages can be inlined \(this is a PlaceholderOp\)$/) },
  { name: "rfactor a data-parallel axis", run: () => { const p = program(); return p.s.rfactor(p.B, p.B.op.axis[0]); }, error: error(/^rfactor of 'B': axis 'r' is a DataPar axis; rfactor factors a reduction axis/) },
  { name: "rfactor a placeholder", run: () => { const p = program(); return p.s.rfactor(p.A, p.k); }, error: error(/^rfactor of 'A': only compute stages can be factored; 'A' is a PlaceholderOp$/) },
  { name: "rfactor with a number for the axis", run: () => { const p = program(); return p.s.rfactor(p.B, 3 as never); }, error: error(/^rfactor of 'B': expects a reduction loop \(an IterVar\) of 'B', got number 3$/) },
  { name: "rfactor with factorAxis out of range", run: () => { const p = program(); const [ko] = p.s.stage(p.B).split(p.k, 4); return p.s.rfactor(p.B, ko, 5); }, error: error(/^rfactor of 'B': factorAxis 5 is out of range; 'B' has 1 dimensions, so the new axis goes at a position in \[0, 1\]/) },
  { name: "cacheWrite a placeholder", run: () => { const p = program(); return p.s.cacheWrite(p.A, "local"); }, error: error(/^cacheWrite of 'A': only compute stages can be cache-written; 'A' is a placeholder/) },
  { name: "cacheWrite with an empty scope", run: () => { const p = program(); return p.s.cacheWrite(p.C, ""); }, error: error(/^cacheWrite of 'C': scope must be a non-empty storage scope name such as "global", "shared" or "local", got string $/) },
  { name: "cacheWrite a number", run: () => { const p = program(); return p.s.cacheWrite(3 as never, "local"); }, error: error(/^cacheWrite: expects a tensor of this schedule, got number 3$/) },
  { name: "cacheRead for a stage that does not read it", run: () => { const p = program(); return p.s.cacheRead(p.C, "local", [p.B]); }, error: error(/^cacheRead of 'C': reader 'B' does not read 'C' \(it reads 'A'\)$/) },
  { name: "cacheRead with no readers", run: () => { const p = program(); return p.s.cacheRead(p.A, "local", []); }, error: error(/^cacheRead of 'A': needs at least one reader \(a tensor or op that reads 'A'\)$/) },
  { name: "cacheRead of a tensor outside the schedule", run: () => { const p = program(); return p.s.cacheRead(te.placeholder([3], "float32", "Z"), "local", [p.B]); }, error: error(/^cacheRead of 'Z': tensor 'Z' is not part of this schedule/) },
  { name: "pragma with a number for the key", run: () => { const p = program(); return p.s.stage(p.C).pragma(p.C.op.axis[0], 5 as never); }, error: error(/^stage 'C': pragma key must be a non-empty string, got number 5$/) },
  { name: "tile the same axis twice", run: () => { const p = program(); return p.s.stage(p.C).tile(p.C.op.axis[0], p.C.op.axis[0], 4, 4); }, error: error(/^stage 'C': cannot split axis 'x': it is no longer a leaf/) },
  { name: "storageAlign with a negative offset", run: () => { const p = program(); return p.s.stage(p.C).storageAlign(p.C.op.axis[0], 4, -1); }, error: error(/^stage 'C': storageAlign offset must be an integer in \[0, 4\), got -1$/) },
];
