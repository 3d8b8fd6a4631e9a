// build()'s warm path (issue 10 item 5): the schedule key. Random programs and schedules from the
// fuzzer: a program built twice alike gets one key and one C source, and no two cases that
// lower to different C share a key. Every schedule primitive, tensor attribute, lower and build
// option, environment variable and PassContext setting that build reads changes the key; what
// the key cannot see (a function in the program, IR dumps, instruments, user passes) leaves the
// build unkeyed. The stamps of files and commands change with a file's size, time or presence.
import test from "ava";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { work, withEnv } from "./helpers.js";
import { te, tir, lower } from "../../ts/index.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { getAddon } from "../../ts/runtime/addon.js";
import type { BuildAndLowerOptions } from "../../ts/build.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { LowerArg } from "../../ts/schedule/postproc_to_primfunc.js";
import { PassContext } from "../../ts/transform/pass_context.js";
import { PassTimingInstrument } from "../../ts/transform/instrument.js";
import { createPrimFuncPass } from "../../ts/transform/pass.js";
import { warmKey } from "../../ts/warm_build.js";
import { codeStamp } from "../../ts/runtime/build_stamp.js";
import { abiHeaderPath } from "../../ts/runtime/paths.js";
import { version } from "../../ts/version.js";
import { makeCase } from "../../fuzz/check.js";
import { buildProgram } from "../../fuzz/build_program.js";
import { applyStep, freshSchedule } from "../../fuzz/gen_schedule.js";
import type { Case } from "../../fuzz/spec.js";

const keyOf = (s: Schedule, args: LowerArg[], opts: BuildAndLowerOptions = {}): string | undefined => warmKey(s, args, opts)?.key;

/** The fuzz case's program and schedule, built afresh; undefined when a step or lowering refuses. */
function caseBuild(c: Case): { s: Schedule; args: LowerArg[] } | undefined {
  const built = buildProgram(c.program, c);
  const s = freshSchedule(built.outputs);
  try {
    for (const step of c.steps) applyStep(s, step);
  } catch {
    return undefined;
  }
  const usesN = JSON.stringify(c.program).includes('"sym":true');
  return { s, args: [...built.inputs, ...built.outputs, ...(usesN ? [built.n] : [])] };
}

test("random programs and schedules: one key and one C source for a case built twice; equal keys, equal C", (t) => {
  const byKey = new Map<string, string>();
  let lowered = 0;
  for (let i = 0; i < 60; i++) {
    const c = makeCase(20261202, i);
    const sources: string[] = [];
    const keys: (string | undefined)[] = [];
    for (let copy = 0; copy < 2; copy++) {
      const b = caseBuild(c);
      if (!b) break;
      let source: string;
      try {
        source = generateC(lower(b.s, b.args, { name: "f", onWarning: () => {} })).source;
      } catch {
        break; // refused by lower: never recorded
      }
      keys.push(keyOf(b.s, b.args, { name: "f" }));
      sources.push(source);
    }
    if (sources.length < 2) continue;
    lowered++;
    // JS externs register a fresh packed-function name each time, so their two copies differ.
    if (sources[0] === sources[1]) t.is(keys[0], keys[1], `case ${i}: built twice alike, keyed alike`);
    for (let k = 0; k < 2; k++) {
      const key = keys[k];
      t.truthy(key, `case ${i} is keyable`);
      const seen = byKey.get(key!);
      if (seen !== undefined) t.is(seen, sources[k], `case ${i}: a key shared with another build that printed different C`);
      byKey.set(key!, sources[k]);
    }
  }
  t.true(lowered >= 30, `${lowered} of 60 cases lowered`);
  t.true(byKey.size >= lowered, `${byKey.size} distinct keys`);
});

/** A small program with a reduction, an elementwise consumer and an extern, scheduled by `edit`. */
function program(edit: {
  shape?: number[]; dtype?: string; nameA?: string; nameC?: string; constant?: number; reducer?: "sum" | "max"; kExtent?: number;
  packed?: string; regionMap?: "elementwise" | ((r: { min: tir.PrimExpr; extent: tir.PrimExpr }[]) => { min: tir.PrimExpr; extent: tir.PrimExpr }[][]);
  sched?: (s: Schedule, t: { A: te.Tensor; B: te.Tensor; C: te.Tensor; E: te.Tensor }) => void; args?: (t: { A: te.Tensor; C: te.Tensor; E: te.Tensor }) => LowerArg[];
} = {}): { s: Schedule; args: LowerArg[] } {
  const [n, m] = edit.shape ?? [16, 32];
  const A = te.placeholder([n, m], edit.dtype ?? "float32", edit.nameA ?? "A");
  const k = te.reduceAxis([0, edit.kExtent ?? m], "k");
  const B = te.compute([n], (i) => (edit.reducer === "max" ? te.max : te.sum)(A.at(i, k), k), "B");
  const C = te.compute([n, m], (i, j) => A.at(i, j).mul(B.at(i)).add(edit.constant ?? 1), edit.nameC ?? "C");
  const E = te.extern([n, m], [C], (ins, outs) => tir.callPacked(edit.packed ?? "key_test.f", ins[0], outs[0]), { name: "E", regionMap: edit.regionMap });
  const s = te.createSchedule(E.op);
  edit.sched?.(s, { A, B, C, E });
  return { s, args: edit.args ? edit.args({ A, C, E }) : [A, E] };
}

test("every schedule primitive, tensor attribute, body and argument list changes the key; a rebuild does not", (t) => {
  const variants: [string, { s: Schedule; args: LowerArg[] }][] = [
    ["base", program()],
    ["shape", program({ shape: [16, 33] })],
    ["dtype", program({ dtype: "float64" })],
    ["placeholder name", program({ nameA: "A2" })],
    ["compute name", program({ nameC: "C2" })],
    ["body constant", program({ constant: 2 })],
    ["reducer", program({ reducer: "max" })],
    ["reduce extent", program({ kExtent: 31 })],
    ["extern body", program({ packed: "key_test.g" })],
    ["region map elementwise", program({ regionMap: "elementwise" })],
    ["region map function", program({ regionMap: (r) => [r.map((d) => ({ ...d }))] })],
    ["region map function, other region", program({ regionMap: (r) => [[r[0], { min: r[1].min.mul(0), extent: r[1].extent.mul(0).add(32) }]] })],
    ["argument order", program({ args: ({ A, E }) => [E, A] })],
    ["an extra argument", program({ args: ({ A, C, E }) => [A, C, E] })],
  ];
  const sched = (name: string, f: (s: Schedule, x: { A: te.Tensor; B: te.Tensor; C: te.Tensor; E: te.Tensor }) => void) => variants.push([name, program({ sched: f })]);
  sched("split factor 4", (s, { C }) => s.stage(C).split(C.op.axis[1], { factor: 4 }));
  sched("split factor 8", (s, { C }) => s.stage(C).split(C.op.axis[1], { factor: 8 }));
  sched("split nparts 4", (s, { C }) => s.stage(C).split(C.op.axis[1], { nparts: 4 }));
  sched("fuse", (s, { C }) => s.stage(C).fuse(C.op.axis[0], C.op.axis[1]));
  sched("reorder", (s, { C }) => s.stage(C).reorder(C.op.axis[1], C.op.axis[0]));
  sched("tile", (s, { C }) => s.stage(C).tile(C.op.axis[0], C.op.axis[1], 4, 8));
  sched("computeAt axis 0", (s, { B, C }) => s.stage(B).computeAt(s.stage(C), C.op.axis[0]));
  sched("computeAt axis 1", (s, { B, C }) => s.stage(B).computeAt(s.stage(C), C.op.axis[1]));
  sched("computeInline", (s, { C }) => s.stage(C).computeInline());
  sched("cacheRead", (s, { A, B }) => { s.cacheRead(A, "local", [B.op]); });
  sched("cacheWrite", (s, { B }) => { s.cacheWrite(B, "local"); });
  sched("rfactor", (s, { B }) => { s.rfactor(B, s.stage(B).split(B.op.reduceAxis[0], { factor: 4 })[1]); });
  sched("vectorize", (s, { C }) => s.stage(C).vectorize(C.op.axis[1]));
  sched("unroll", (s, { C }) => s.stage(C).unroll(C.op.axis[1]));
  sched("parallel", (s, { C }) => s.stage(C).parallel(C.op.axis[0]));
  sched("pragma", (s, { C }) => s.stage(C).pragma(C.op.axis[0], "auto_unroll_max_step", 4));
  sched("pragma value", (s, { C }) => s.stage(C).pragma(C.op.axis[0], "auto_unroll_max_step", 8));
  sched("pragma key", (s, { C }) => s.stage(C).pragma(C.op.axis[0], "note"));
  sched("storageAlign", (s, { C }) => s.stage(C).storageAlign(C.op.axis[0], 8, 1));
  sched("storageAlign offset", (s, { C }) => s.stage(C).storageAlign(C.op.axis[0], 8, 2));
  const keys = new Map<string, string>();
  for (const [name, v] of variants) {
    const key = keyOf(v.s, v.args);
    t.truthy(key, `${name} is keyable`);
    const clash = keys.get(key!);
    t.is(clash, undefined, `${name} has the key of ${clash}`);
    keys.set(key!, name);
  }
  // The same program made again (new objects, same structure) and a warning handler: one key; and
  // a stage attached then put back at the root is the stage it was (it lowers alike).
  const base = [...keys].find(([, n]) => n === "base")![0];
  const again = program();
  t.is(keyOf(again.s, again.args, { onWarning: () => {} }), base);
  const back = program({ sched: (s, { B, C }) => { s.stage(B).computeAt(s.stage(C), C.op.axis[0]); s.stage(B).computeRoot(); } });
  t.is(keyOf(back.s, back.args), base);
});

test("tejit's code stamp is its version and the stat records of its tree and ABI header, walked once a process", (t) => {
  const addon = getAddon();
  const tree = join(import.meta.dirname, "..", "..", "ts");
  const stamp = codeStamp();
  t.is(stamp, `tejit ${version}\n${addon.fileStamp([tree, abiHeaderPath()])}`);
  t.true(stamp.includes(`${join(tree, "runtime", "build_stamp.ts")}\0`), "its own files are in it");
  t.is(codeStamp(), stamp, "once a process");
});

test("every lower and build option, the environment build reads and the PassContext change the key", (t) => {
  const p = program();
  const base = keyOf(p.s, p.args)!;
  const A = p.args[0] as te.Tensor;
  const options: [string, BuildAndLowerOptions][] = [
    ["name", { name: "other" }], ["strict", { strict: true }], ["explain", { explain: true }], ["simpleMode", { simpleMode: true }],
    ["partitionConstLoop", { partitionConstLoop: true }], ["disableVectorize", { disableVectorize: true }],
    ["autoUnrollMaxStep", { autoUnrollMaxStep: 16 }], ["autoUnrollMaxDepth", { autoUnrollMaxDepth: 4 }],
    ["autoUnrollMaxExtent", { autoUnrollMaxExtent: 4 }], ["unrollExplicit", { unrollExplicit: false }], ["boundsCheck", { boundsCheck: true }],
    ["binds", { binds: new Map([[A, tir.declBuffer(A.shape, A.dtype, "Abuf")]]) }],
    ["cc", { cc: "gcc" }], ["cflags", { cflags: "-O1" }], ["target", { target: "c -mcpu=x86-64" }], ["metadata", { metadata: false }],
    ["maxStackBytes", { maxStackBytes: 64 }], ["vectorBytes", { vectorBytes: 16 }],
  ];
  const seen = new Map<string, string>([[base, "base"]]);
  const expectNew = (what: string, key: string | undefined) => {
    t.truthy(key, `${what} is keyable`);
    t.is(seen.get(key!), undefined, `${what} has the key of ${seen.get(key!)}`);
    seen.set(key!, what);
  };
  for (const [name, o] of options) expectNew(`option ${name}`, keyOf(p.s, p.args, o));
  for (const [v, value] of [["TEJIT_CFLAGS", "-O2"], ["TEJIT_BOUNDS_CHECK", "1"], ["TEJIT_NO_COMPILER_WORKAROUNDS", "1"], ["TEJIT_CC", "gcc"], ["CC", "gcc-12"], ["GCC_EXEC_PREFIX", "/nowhere/"]]) {
    expectNew(`$${v}`, withEnv({ [v]: value }, () => keyOf(p.s, p.args)));
  }
  expectNew("optLevel", new PassContext({ optLevel: 1 }).scope(() => keyOf(p.s, p.args)));
  expectNew("disabledPass", new PassContext({ disabledPass: ["tir.LoopPartition"] }).scope(() => keyOf(p.s, p.args)));
  expectNew("requiredPass", new PassContext({ requiredPass: ["tir.LoopPartition"] }).scope(() => keyOf(p.s, p.args)));
  expectNew("config", new PassContext({ config: { "tir.UnrollLoop": { auto_max_step: 8 } } }).scope(() => keyOf(p.s, p.args)));
  t.is(keyOf(p.s, p.args), base, "back to the base");
});

test("what the key cannot see leaves the build unkeyed", (t) => {
  const p = program();
  t.is(withEnv({ TEJIT_DISABLE_CACHE: "1" }, () => keyOf(p.s, p.args)), undefined, "cache off");
  t.is(withEnv({ TEJIT_SCHEDULE_CACHE: "0" }, () => keyOf(p.s, p.args)), undefined, "warm path off");
  t.is(withEnv({ TEJIT_LOG: "debug" }, () => keyOf(p.s, p.args)), undefined, "debug logging");
  t.is(keyOf(p.s, p.args, { dumpIr: join(work, "dump") }), undefined, "dumpIr");
  t.is(keyOf(p.s, p.args, { instruments: [new PassTimingInstrument()] }), undefined, "instruments");
  t.is(new PassContext({ instruments: [new PassTimingInstrument()] }).scope(() => keyOf(p.s, p.args)), undefined, "context instruments");
  const pass = createPrimFuncPass((f) => f, { name: "user", optLevel: 0 });
  t.is(new PassContext({ config: { "tir.add_lower_pass": [[1, pass]] } }).scope(() => keyOf(p.s, p.args)), undefined, "user passes");
  const A = te.placeholder([4], "float32", "A");
  const B = te.compute([4], (i) => A.at(i).add(1), "B", { attrs: { hook: () => 1 } });
  t.is(keyOf(te.createSchedule(B.op), [A, B]), undefined, "a function among an op's attrs");
  const throwing = program({ regionMap: () => { throw new Error("no"); } });
  t.is(keyOf(throwing.s, throwing.args), undefined, "a region map that throws");
});

test("fileStamp changes with a file's size, time or presence; commandStamp resolves PATH", (t) => {
  const dir = mkdtempSync(join(work, "stamp-"));
  const addon = getAddon();
  writeFileSync(join(dir, "a.ts"), "one");
  const s0 = addon.fileStamp([dir]);
  t.is(addon.fileStamp([dir]), s0);
  writeFileSync(join(dir, "a.ts"), "two!");
  const s1 = addon.fileStamp([dir]);
  t.not(s1, s0, "size");
  utimesSync(join(dir, "a.ts"), new Date(2020, 1, 1), new Date(2020, 1, 1));
  const s2 = addon.fileStamp([dir]);
  t.not(s2, s1, "time");
  writeFileSync(join(dir, "b.ts"), "");
  t.not(addon.fileStamp([dir]), s2, "a new file");
  t.regex(addon.fileStamp([join(dir, "gone")]), /gone\0missing\n$/);
  // The walk on a thread of its own (build_stamp.ts starts tejit's at import) gives the same stamp, once.
  const job = addon.fileStampBegin([dir, join(dir, "gone")]);
  t.is(addon.fileStampEnd(job), addon.fileStamp([dir, join(dir, "gone")]));
  t.throws(() => addon.fileStampEnd(job), { message: /already ended/ });
  t.throws(() => addon.fileStampEnd({} as never), { message: /expected a job/ });
  t.not(addon.fileStampEnd(addon.fileStampBegin([dir])), s2, "a job sees the new file");
  const bin = mkdtempSync(join(work, "bin-"));
  writeFileSync(join(bin, "fakecc"), "#!/bin/sh\n", { mode: 0o755 });
  const c0 = withEnv({ PATH: `${bin}:${process.env.PATH}` }, () => addon.commandStamp(["fakecc", "-O2"]));
  t.true(c0.startsWith(`exe fakecc = ${bin}/fakecc\n${bin}/fakecc\0`), c0);
  writeFileSync(join(bin, "fakecc"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  t.not(withEnv({ PATH: `${bin}:${process.env.PATH}` }, () => addon.commandStamp(["fakecc", "-O2"])), c0, "a changed compiler");
  t.is(withEnv({ PATH: bin }, () => addon.commandStamp(["no-such-cc"])), "");
});
