// Workload and target keys, and records: the workload key is a structural hash (the same for a
// rebuilt or renamed program, different for another shape, body or dtype); the target key is
// stable and changes with the flags; records round-trip through a JSON-lines file, the best is
// the fastest good record of the pair, a renamed program gets the trace renamed, and
// applyHistoryBest does not apply another target's records unless asked.

import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { lower, te } from "../../ts/index.js";
import { applyHistoryBest } from "../../ts/auto_scheduler/apply_history_best.js";
import { appendRecords, bestRecord, loadRecords, translateTrace, type TuningRecord } from "../../ts/auto_scheduler/records.js";
import { describeTarget, targetKey } from "../../ts/auto_scheduler/target_key.js";
import { replayTrace, type Trace } from "../../ts/auto_scheduler/trace.js";
import { workloadKey, workloadNames, workloadText } from "../../ts/auto_scheduler/workload_key.js";
import { nativeVectorBytes } from "../../ts/codegen/vector_width.js";
import { matmul } from "./programs.js";

const ops = (p: { outputs: te.Tensor[] }) => p.outputs.map((o) => o.op);

test("the workload key is structural: same for a rebuild or other names, different for another shape, body or dtype", (t) => {
  const key = workloadKey(ops(matmul(32)));
  t.regex(key, /^[0-9a-f]{16}$/);
  t.is(workloadKey(ops(matmul(32))), key);
  t.is(workloadKey(ops(matmul(32, { A: "X", B: "Y", C: "Z", k: "r" }))), key);
  t.not(workloadKey(ops(matmul(48))), key);
  const A = te.placeholder([32, 32], "float32", "A");
  const B = te.placeholder([32, 32], "float32", "B");
  const k = te.reduceAxis([0, 32], "k");
  const plus = te.compute([32, 32], (i, j) => te.sum(A.at(i, k).add(B.at(k, j)), k), "C");
  t.not(workloadKey([plus.op]), key);
  const transposed = te.compute([32, 32], (i, j) => te.sum(A.at(k, i).mul(B.at(k, j)), k), "C");
  t.not(workloadKey([transposed.op]), key);
  const A64 = te.placeholder([32, 32], "float64", "A");
  const B64 = te.placeholder([32, 32], "float64", "B");
  const k64 = te.reduceAxis([0, 32], "k");
  t.not(workloadKey([te.compute([32, 32], (i, j) => te.sum(A64.at(i, k64).mul(B64.at(k64, j)), k64), "C").op]), key);
});

test("the workload text names tensors by op index and variables by first appearance", (t) => {
  const A = te.placeholder([8], "float32", "data");
  const B = te.compute([8], (i) => A.at(i).mul(2), "twice");
  t.is(workloadText([B.op]), [
    "0 placeholder [8:int32]:float32",
    "1 out compute [8:int32]:float32 axes(v0[0:int32,8:int32]DataPar) Mul(t0.0[v0],2:float32)",
  ].join("\n"));
  t.deepEqual(workloadNames([B.op]), { stages: ["data", "twice"], axes: [[], ["i"]] });
});

test("the target key describes this machine and compiler, is stable, and changes with the flags", (t) => {
  const d = describeTarget();
  t.is(d.cores, cpus().length);
  t.true(d.cflags.includes("-O3") && d.cflags.includes("-march=native"));
  t.is(d.vectorBytes, nativeVectorBytes(d.cflags));
  t.true(d.cpu.length > 0);
  t.regex(d.compilerHash, /^[0-9a-f]{16}$/);
  t.is(targetKey(), targetKey());
  const o1 = describeTarget({ cflags: "-O1" });
  t.is(o1.cflags[o1.cflags.length - 1], "-O1");
  t.not(targetKey({ cflags: "-O1" }), targetKey());
});

function rec(wk: string, tk: string, trace: Trace, median?: number): TuningRecord {
  return { version: 1, workloadKey: wk, targetKey: tk, trace, ...(median === undefined ? { error: { kind: "wrong", message: "x" } } : { median, seconds: [median] }) };
}

test("records round-trip through a JSON-lines file; the best is the fastest good record of the pair", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-records-"));
  const file = join(dir, "r.jsonl");
  t.deepEqual(loadRecords(file), []);
  const split: Trace = [{ p: "split", stage: "C", loop: "i", factor: 4 }];
  const records = [rec("w", "t", split, 2e-3), rec("w", "t", [], 1e-3), rec("w", "t", split), rec("w", "u", [], 1e-4), rec("v", "t", [], 1e-5)];
  appendRecords(file, records.slice(0, 2));
  appendRecords(file, records.slice(2));
  t.deepEqual(loadRecords(file), records);
  t.is(bestRecord(records, "w", "t"), records[1]);
  t.is(bestRecord(records, "w"), records[3]);
  t.is(bestRecord(records, "x", "t"), undefined);
  writeFileSync(file, `${JSON.stringify(records[0])}\n{"version": 1}\nnot json\n`);
  t.throws(() => loadRecords(file), { message: `${file}:2: a record needs workloadKey and targetKey strings` });
});

test("a trace recorded on one spelling of a program is renamed for another and replays to its text", (t) => {
  const a = matmul(32);
  const b = matmul(32, { A: "X", B: "Y", C: "Z", k: "r" });
  const trace: Trace = [
    { p: "split", stage: "C", loop: "k", factor: 4 },
    { p: "reorder", stage: "C", loops: ["k.outer", "i", "k.inner", "j"] },
    { p: "vectorize", stage: "C", loop: "j" },
  ];
  const renamed = translateTrace(trace, workloadNames(ops(a)), workloadNames(ops(b)));
  t.deepEqual(renamed[1], { p: "reorder", stage: "Z", loops: ["r.outer", "i", "r.inner", "j"] });
  const direct = te.createSchedule(b.outputs[0].op);
  const st = direct.stage(b.outputs[0]);
  const [ko, ki] = st.split(st.op.reduceAxis[0], { factor: 4 });
  st.reorder(ko, st.op.axis[0], ki, st.op.axis[1]);
  st.vectorize(st.op.axis[1]);
  t.is(lower(replayTrace(b.outputs, renamed), [...b.inputs, ...b.outputs]).toString(), lower(direct, [...b.inputs, ...b.outputs]).toString());
});

test("applyHistoryBest uses this target's best record; another target's only when asked, and says so", (t) => {
  const p = matmul(16);
  const wk = workloadKey(ops(p));
  const tk = targetKey();
  const args = [...p.inputs, ...p.outputs];
  const fast: Trace = [{ p: "split", stage: "C", loop: "j", factor: 8 }, { p: "vectorize", stage: "C", loop: "j.inner" }];
  const foreign = [rec(wk, "another-target", fast, 1e-6), rec(wk, "another-target", [], 1e-3)];
  const none = applyHistoryBest(p.outputs, args, foreign);
  t.false(none.fromRecords);
  t.is(none.message, "only records of other targets (2; pass {anyTarget: true} to use them): using the unscheduled program");
  t.is(lower(none.schedule, args).toString(), lower(te.createSchedule(p.outputs[0].op), args).toString());
  const asked = applyHistoryBest(p.outputs, args, foreign, { anyTarget: true });
  t.true(asked.fromRecords);
  t.is(asked.record, foreign[0]);
  t.is(lower(asked.schedule, args).toString(), lower(replayTrace(p.outputs, fast), args).toString());
  // A record of this target wins over a faster one elsewhere, and an error record never wins.
  const mine = [...foreign, rec(wk, tk, [], 5e-4), rec(wk, tk, fast)];
  const best = applyHistoryBest(p.outputs, args, mine);
  t.true(best.fromRecords);
  t.is(best.record, mine[2]);
  t.regex(best.message, /^the best record of workload [0-9a-f]{16} on this target: 0\.0005 s$/);
  const empty = applyHistoryBest(p.outputs, args, []);
  t.is(empty.message, `no record of workload ${wk} on target ${tk}: using the unscheduled program`);
});

test("each stage's loops are renamed by its own axes", (t) => {
  const make = (e: string[], f: string[]) => {
    const A = te.placeholder([8, 8], "float32", "A");
    const E = te.compute([8, 8], (i, j) => A.at(i, j).mul(2), "E", { axisNames: e });
    const F = te.compute([8, 8], (i, j) => E.at(i, j).add(1), "F", { axisNames: f });
    return { A, E, F };
  };
  const a = make(["i", "j"], ["i", "j"]);
  const b = make(["p", "q"], ["x", "y"]);
  t.is(workloadKey([b.F.op]), workloadKey([a.F.op]));
  const trace: Trace = [
    { p: "split", stage: "E", loop: "i", factor: 4 },
    { p: "split", stage: "F", loop: "i", factor: 2 },
    { p: "computeAt", stage: "E", target: "F", loop: "i.outer" },
  ];
  const renamed = translateTrace(trace, workloadNames([a.F.op]), workloadNames([b.F.op]));
  t.deepEqual(renamed, [
    { p: "split", stage: "E", loop: "p", factor: 4 },
    { p: "split", stage: "F", loop: "x", factor: 2 },
    { p: "computeAt", stage: "E", target: "F", loop: "x.outer" },
  ]);
  t.notThrows(() => lower(replayTrace(b.F, renamed), [b.A, b.F]));
});
