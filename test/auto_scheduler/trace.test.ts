// Schedule traces: a trace replays on a fresh build of the same program (new tensor and axis
// objects) to the same lowered text as the schedule it was taken from, for every primitive; a
// step that does not apply is an Error naming the step and what is there instead.

import test from "ava";
import { lower, te } from "../../ts/index.js";
import { Rng, sampleDecisions } from "../../ts/auto_scheduler/decisions.js";
import { searchSpace } from "../../ts/auto_scheduler/search_space.js";
import { replayTrace, traceText, type Trace } from "../../ts/auto_scheduler/trace.js";
import { matmul, matmulBiasRelu, withExtern } from "./programs.js";

test("every rule-made trace replays on a fresh build of the program to the same lowered text", (t) => {
  const makers = [() => matmul(24), () => matmulBiasRelu(16, 24, 16), () => withExtern([4, 8, 16], `as_trace_ext_${process.pid}`)];
  for (const make of makers) {
    const first = make();
    const space = searchSpace(first.outputs.map((o) => o.op), { vectorBytes: 32, cores: 2 });
    const rng = new Rng(11);
    for (let i = 0; i < 3; i++) {
      const d = sampleDecisions(rng, space.specs);
      // The trace the space builds on one program...
      const trace = space.build(d);
      const direct = lower(replayTrace(first.outputs, trace), [...first.inputs, ...first.outputs]).toString();
      // ...replays on a second build of it, and survives JSON.
      const again = make();
      const replayed = lower(replayTrace(again.outputs, JSON.parse(JSON.stringify(trace)) as Trace), [...again.inputs, ...again.outputs]).toString();
      t.is(replayed, direct, `${first.name} with ${JSON.stringify(d)}`);
    }
  }
});

/** A program with two reductions, scheduled by hand with every kind of primitive. */
function handProgram() {
  const A = te.placeholder([64, 48], "float32", "A");
  const k = te.reduceAxis([0, 48], "k");
  const R = te.compute([64], (i) => te.sum(A.at(i, k).mul(2), k), "R");
  const E = te.compute([64, 48], (i, j) => A.at(i, j).add(R.at(i)), "E");
  const F = te.compute([64, 48], (i, j) => E.at(i, j).mul(3), "F");
  return { A, R, E, F, args: [A, F] };
}

test("a hand-written trace of every primitive replays to the text of the same schedule made with the API", (t) => {
  const p = handProgram();
  const s = te.createSchedule(p.F.op);
  s.stage(p.E).computeInline();
  const AL = s.cacheRead(p.A, "local", [s.stage(p.R).op]);
  const [ko, ki] = s.stage(p.R).split(p.R.op.reduceAxis[0], { factor: 8 });
  void ko;
  const RF = s.rfactor(p.R, ki);
  s.stage(RF).parallel(s.stage(RF).op.axis[0]);
  const [xo, yo, xi, yi] = s.stage(p.F).tile(p.F.op.axis[0], p.F.op.axis[1], 8, 16);
  const f = s.stage(p.F).fuse(xo, yo);
  s.stage(p.F).parallel(f);
  s.stage(p.F).unroll(xi);
  s.stage(p.F).vectorize(yi);
  s.stage(p.F).pragma(f, "auto_unroll_max_step", 16);
  s.stage(AL).computeAt(s.stage(RF), s.stage(RF).leafIterVars[0]);
  s.stage(AL).computeRoot();
  s.stage(RF).storageAlign(s.stage(RF).op.axis[0], 16, 1);
  const want = lower(s, p.args).toString();
  const trace: Trace = [
    { p: "computeInline", stage: "E" },
    { p: "cacheRead", tensor: "A", scope: "local", readers: ["R"] },
    { p: "split", stage: "R", loop: "k", factor: 8 },
    { p: "rfactor", stage: "R", loop: "k.inner" },
    { p: "parallel", stage: "R.rf", loop: "k.inner" },
    { p: "tile", stage: "F", x: "i", y: "j", xFactor: 8, yFactor: 16 },
    { p: "fuse", stage: "F", loops: ["i.outer", "j.outer"] },
    { p: "parallel", stage: "F", loop: "i.outer.j.outer.fused" },
    { p: "unroll", stage: "F", loop: "i.inner" },
    { p: "vectorize", stage: "F", loop: "j.inner" },
    { p: "pragma", stage: "F", loop: "i.outer.j.outer.fused", key: "auto_unroll_max_step", value: 16 },
    { p: "computeAt", stage: "A.local", target: "R.rf", loop: "k.inner" },
    { p: "computeRoot", stage: "A.local" },
    { p: "storageAlign", stage: "R.rf", axis: 0, factor: 16, offset: 1 },
  ];
  const q = handProgram();
  t.is(lower(replayTrace(q.F, trace), q.args).toString(), want);
  t.is(traceText(trace.slice(0, 3)), 's[E].computeInline()\ns.cacheRead(A, "local", [R])\ns[R].split(k, factor=8)');
  t.is(traceText([]), "(no steps: the unscheduled program)");
});

test("a step that does not apply names the step, the stage and what is there", (t) => {
  const p = matmul(16);
  t.throws(() => replayTrace(p.outputs, [{ p: "split", stage: "C", loop: "q", factor: 4 }]), {
    message: "trace step s[C].split(q, factor=4): trace: stage 'C' has no leaf loop 'q' (its leaf loops: i, j, k)",
  });
  t.throws(() => replayTrace(p.outputs, [{ p: "computeInline", stage: "D" }]), {
    message: "trace step s[D].computeInline(): trace: stage 'D': no such stage (stages: A, B, C)",
  });
  t.throws(() => replayTrace(p.outputs, [{ p: "vectorize", stage: "C", loop: "k" }]), {
    message: /^trace step s\[C\]\.vectorize\(k\): stage 'C': cannot vectorize axis 'k' of type CommReduce/,
  });
});
