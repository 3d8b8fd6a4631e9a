// tir.transform: named passes, Sequential, PassContext (config in tejit's and TVM's keys,
// disabled passes, instruments, user passes by phase), the one lowering pipeline lower() runs,
// DumpIR, TEJIT_LOG, and console.log of lowered modules.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { lower, te, tir } from "../../ts/index.js";
import type { IRModule, PrimFunc } from "../../ts/ir/function.js";
import type { PassInfo } from "../../ts/transform/pass.js";

const { transform } = tir;
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** C[i] = A[i] * 2 over n (20: an uneven split by 8, 24: even), the inner loop optionally vectorized. */
function program(vectorize = false, n = vectorize ? 24 : 20) {
  const A = te.placeholder([n], "float32", "A");
  const C = te.compute([n], (i) => A.at(i).mul(2), "C");
  const s = te.createSchedule(C.op);
  const [, xi] = s.stage(C).split(C.op.axis[0], { factor: 8 });
  if (vectorize) s.stage(C).vectorize(xi);
  return { s, args: [A, C] };
}

const PIPELINE = ["InjectPrefetch", "StorageFlatten", "Simplify", "LoopPartition", "VectorizeLoop", "StorageRewrite", "UnrollLoop", "Simplify", "RemoveNoOp"];
/** The run-time checks that end the pipeline (a Sequential of its own). */
const CHECKS = ["InstrumentIndirectBoundCheckers", "InsertDivisionChecks"];

test("lower() runs the one pipeline: every pass in TVM's order, seen by a timing instrument", (t) => {
  const { s, args } = program();
  const timing = new transform.PassTimingInstrument();
  const ctx = new transform.PassContext({ instruments: [timing] });
  ctx.scope(() => lower(s, args));
  t.deepEqual(timing.timings.map((x) => [x.name, x.depth]), [["tir.lower", 0], ...PIPELINE.map((n) => [n, 1]), ["tir.checks", 1], ...CHECKS.map((n) => [n, 2])]);
  const checked = new transform.PassTimingInstrument();
  lower(s, args, { boundsCheck: true, instruments: [checked] });
  t.deepEqual(checked.timings.slice(-3).map((x) => x.name), ["tir.checks", "InstrumentBoundCheckers", "InsertDivisionChecks"]);
  t.true(timing.timings.every((x) => x.ms >= 0));
  t.regex(timing.render(), /^tir\.lower: \d+\.\d{3} ms\n {2}InjectPrefetch: \d+\.\d{3} ms\n {2}StorageFlatten: \d+\.\d{3} ms\n/);
  const simple = new transform.PassTimingInstrument();
  lower(s, args, { simpleMode: true, instruments: [simple] });
  t.deepEqual(simple.timings.slice(1).map((x) => x.name), [...PIPELINE.filter((n) => n !== "LoopPartition"), "tir.checks", ...CHECKS]);
});

test("config: tejit's option names and TVM's keys resolve to the same options; lower()'s own options win", (t) => {
  const { s, args } = program();
  const byOption = lower(s, args, { autoUnrollMaxStep: 16 }).toString();
  t.notRegex(byOption, /for \(i\.inner/, "the inner loop of 8 is unrolled");
  const byTvmKey = new transform.PassContext({ config: { "tir.UnrollLoop": { auto_max_step: 16 } } }).scope(() => lower(s, args).toString());
  t.is(byTvmKey, byOption);
  const byName = new transform.PassContext({ config: { autoUnrollMaxStep: 16 } }).scope(() => lower(s, args).toString());
  t.is(byName, byOption);
  const overridden = new transform.PassContext({ config: { autoUnrollMaxStep: 16 } }).scope(() => lower(s, args, { autoUnrollMaxStep: 0 }).toString());
  t.is(overridden, lower(s, args).toString());
  t.regex(overridden, /for \(i\.inner: int32, 0, 8\)/);
  const ctx = new transform.PassContext({ config: { "tir.LoopPartition": { partition_const_loop: true }, "tir.disable_vectorize": true } });
  t.true(ctx.options.partitionConstLoop);
  t.true(ctx.options.disableVectorize);
  t.is(ctx.options.autoUnrollMaxDepth, 8);
});

test("config mistakes name the key and what is expected", (t) => {
  t.throws(() => new transform.PassContext({ config: { "tir.UnrolLoop": {} } as never }), {
    message: /^PassContext config has no key 'tir\.UnrolLoop'; the keys are simpleMode, .*tir\.UnrollLoop/,
  });
  t.throws(() => new transform.PassContext({ config: { "tir.UnrollLoop": { max_step: 3 } } as never }), {
    message: "PassContext config 'tir.UnrollLoop' has no field 'max_step'; it has auto_max_step, auto_max_depth, auto_max_extent, explicit_unroll",
  });
  t.throws(() => new transform.PassContext({ config: { autoUnrollMaxStep: -1 } }), { message: "PassContext config 'autoUnrollMaxStep' must be a non-negative integer, got number -1" });
  t.throws(() => new transform.PassContext({ config: { disableVectorize: "yes" as never } }), { message: /^PassContext config 'disableVectorize' must be a boolean, got/ });
  t.throws(() => new transform.PassContext({ config: { "tir.add_lower_pass": [[4, transform.Simplify()]] as never } }), {
    message: /^PassContext config 'tir\.add_lower_pass' entry 0: the phase must be 0, 1, 2 or 3, got number 4/,
  });
  t.throws(() => transform.Sequential([transform.Simplify(), (() => 1) as never]), { message: /^Sequential 'Sequential': element 1 is not a pass/ });
  const { s, args } = program();
  t.throws(() => transform.Simplify()(lower(s, args).get("main") as never), { message: /^pass Simplify: expects an IRModule/ });
});

test("disabledPass and an instrument's shouldRun skip passes", (t) => {
  const { s, args } = program(true);
  const noPartition = new transform.PassContext({ disabledPass: ["LoopPartition"] }).scope(() => lower(s, args).toString());
  t.is(noPartition, lower(s, args, { simpleMode: true }).toString());
  const skipVectorize = { shouldRun: (_m: IRModule, info: PassInfo) => info.name !== "VectorizeLoop" };
  const text = lower(s, args, { instruments: [skipVectorize] }).toString();
  t.regex(text, /for \(i\.inner: int32, 0, 8\) "vectorized" \{/, "the loop is still marked, not vectorized");
  t.regex(lower(s, args).toString(), /ramp\(/);
});

test("named passes applied by hand give what the pipeline gives; Sequential runs them in order", (t) => {
  const { s, args } = program(true);
  const seen: string[] = [];
  const record = { runBeforePass: (_m: IRModule, info: PassInfo) => { seen.push(info.name); } };
  const flat = new transform.PassContext({ disabledPass: PIPELINE.slice(2) }).scope(() => lower(s, args));
  const byHand = transform.Sequential(PIPELINE.slice(2).map((n) => (transform as unknown as Record<string, () => ReturnType<typeof transform.Simplify>>)[n]()), "rest");
  const out = new transform.PassContext({ instruments: [record] }).scope(() => byHand(flat));
  t.is(out.toString(), lower(s, args).toString());
  t.deepEqual(seen, ["rest", ...PIPELINE.slice(2)]);
  t.deepEqual(transform.UnrollLoop().info.options, ["autoUnrollMaxStep", "autoUnrollMaxDepth", "autoUnrollMaxExtent", "unrollExplicit"]);
  t.false(transform.Simplify().info.sequential);
  t.true(byHand.info.sequential);
});

test("user passes run at their phase (tir.add_lower_pass): 0 before flattening, 1 after, 3 at the end", (t) => {
  const { s, args } = program();
  const realized: Record<number, boolean> = {};
  const probe = (phase: number) => transform.createPrimFuncPass((f: PrimFunc) => {
    realized[phase] = f.toString().includes("realize(");
    return phase === 3 ? f.withAttr("checked_by_user_pass", true) : f;
  }, { name: `Probe${phase}` });
  const ctx = new transform.PassContext({ config: { "tir.add_lower_pass": [[3, probe(3)], [0, probe(0)], [1, probe(1)]] } });
  const timing = new transform.PassTimingInstrument();
  const text = ctx.scope(() => lower(s, args, { instruments: [timing] }).toString());
  t.deepEqual(timing.timings.slice(1).map((x) => x.name), ["Probe0", "InjectPrefetch", "StorageFlatten", "Simplify", "Probe1", ...PIPELINE.slice(3), "Probe3", "tir.checks", ...CHECKS]);
  t.regex(text, /"checked_by_user_pass": True/);
  t.deepEqual(realized, { 0: true, 1: false, 3: false }, "phase 0 sees the realizes of schedule-ops, later phases flat allocations");
  t.throws(() => transform.createPrimFuncPass(() => 3 as never, { name: "Bad" })(lower(s, args)), { message: "pass Bad: its function returned number 3 instead of a PrimFunc" });
});

test("lower({dumpIr}) writes the schedule-ops output and the IR after each pass, the last being the result", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-dump-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { s, args } = program(true);
  const mod = lower(s, args, { dumpIr: join(dir, "ir") });
  const files = readdirSync(join(dir, "ir")).sort();
  t.deepEqual(files, ["schedule_ops", ...PIPELINE, ...CHECKS].map((n, i) => `${String(i).padStart(2, "0")}_${n}.tir`));
  t.is(readFileSync(join(dir, "ir", files[files.length - 1]), "utf8"), `${mod.toString()}\n`);
  t.regex(readFileSync(join(dir, "ir", "00_schedule_ops.tir"), "utf8"), /realize\(|C\[/);
  t.regex(readFileSync(join(dir, "ir", "05_VectorizeLoop.tir"), "utf8"), /ramp\(/);
});

test("console.log of a lowered module or function prints the TIR text", (t) => {
  const { s, args } = program();
  const mod = lower(s, args);
  t.is(inspect(mod), mod.toString());
  t.is(inspect(mod.get("main")), mod.get("main").toString());
  t.regex(inspect({ mod }), /primfn\(A_1: handle, C_1: handle\) -> \(\)/);
});

test("TEJIT_LOG=debug prints lowering, each pass, code generation, compilation or a cache hit and loading with times; info leaves out the passes", (t) => {
  const script = `
    import { te, lower, build } from "./ts/index.ts";
    const A = te.placeholder([8], "float32", "A");
    const C = te.compute([8], (i) => A.at(i).add(1), "C");
    const s = te.createSchedule(C.op);
    lower(s, [A, C]);
    build(s, [A, C], { name: "logged" });
  `;
  const cacheDir = mkdtempSync(join(tmpdir(), "tejit-log-cache-"));
  t.teardown(() => rmSync(cacheDir, { recursive: true, force: true }));
  const run = (level: string) => spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: root, encoding: "utf8", env: { ...process.env, TEJIT_LOG: level, TEJIT_CACHE_DIR: cacheDir },
  });
  const debug = run("debug");
  t.is(debug.status, 0, debug.stderr);
  const lines = debug.stderr.split("\n").filter((l) => l.startsWith("tejit "));
  for (const pass of [...PIPELINE, "MakePackedAPI", "LowerTVMBuiltin", "LowerIntrin"]) {
    t.true(lines.some((l) => new RegExp(`^tejit pass: ${pass} \\(\\d+\\.\\d\\d ms\\)$`).test(l)), `a line for ${pass}`);
  }
  t.true(lines.some((l) => /^tejit lower: 'main' \(\d+\.\d\d ms\)$/.test(l)));
  t.true(lines.some((l) => /^tejit codegen: 'logged': \d+ bytes of C \(\d+\.\d\d ms\)$/.test(l)));
  t.true(lines.some((l) => /^tejit compile: cache miss: \S+ -O3 .* \S+\.c \(\d+\.\d\d ms\)$/.test(l)), "the first build compiles");
  t.true(lines.some((l) => /^tejit load: \S+\.so \(\d+\.\d\d ms\)$/.test(l)));
  const info = run("info");
  t.is(info.status, 0, info.stderr);
  t.regex(info.stderr, /^tejit lower: 'main' \(/m);
  t.notRegex(info.stderr, /tejit pass:/);
  t.regex(info.stderr, /^tejit compile: cache hit \S+\.so$/m, "the second build is a cache hit");
  const off = run("");
  t.notRegex(off.stderr, /^tejit /m);
  const typo = run("verbose");
  t.regex(typo.stderr, /^tejit: TEJIT_LOG='verbose' is not a level; use info or debug$/m);
});
