// build()'s warm path end to end (issue 10 item 5): a second process building the same schedule
// loads the library the first built without lowering or generating C, gets the same numbers,
// source and warnings; the schedule-key record follows the cache's trust rules (a tampered
// library, a record that is a symlink or names a missing library is a miss that rebuilds and
// records again); in one process a rebuild hits too, for build and buildAsync; the C source of a
// hit is read when asked for and refused when it changed; TEJIT_DISABLE_CACHE=1 still works.
import test from "ava";
import { appendFileSync, copyFileSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runChild, tsUrl, withEnv, work } from "./helpers.js";
import { build, buildAsync, nd, te } from "../../ts/index.js";
import { compilerRunCount } from "../../ts/runtime/compile.js";

const child = `
import { build, nd, te, tir, registerFunc } from ${JSON.stringify(tsUrl("index.ts"))};
import { createHash } from "node:crypto";
registerFunc("warm_test.double", (a, b) => { const x = a.toTypedArray(), y = b.toTypedArray(); for (let i = 0; i < x.length; i++) y[i] = 2 * x[i]; });
const A = te.placeholder([4, 8], "float32", "A");
const M = te.extern([4, 8], [A], (ins, outs) => tir.callPacked("warm_test.double", ins[0], outs[0]), { name: "M" });
const C = te.compute([4, 8], (i, j) => M.at(i, j).add(A.at(i, j)), "C");
const s = te.createSchedule(C.op);
s.stage(M).computeAt(s.stage(C), C.op.axis[0]);
const mod = build(s, [A, C], { name: "warm", onWarning: (w) => console.log("warning: " + w.split("\\n")[0]) });
const a = nd.array(Float32Array.from({ length: 32 }, (_, i) => i), [4, 8]), c = nd.empty([4, 8]);
mod.getFunction("warm")(a, c);
console.log("values " + Array.from(c.toTypedArray()).join(","));
console.log("source " + createHash("sha256").update(mod.getSource()).digest("hex"));
`;

const values = `values ${Array.from({ length: 32 }, (_, i) => 3 * i).join(",")}`;

test.serial("a new process loads the library built before without lowering; tampering or a planted record is a miss that rebuilds", (t) => {
  const dir = mkdtempSync(join(work, "warm-"));
  const run = () => {
    const r = runChild(child, { TEJIT_CACHE_DIR: dir, TEJIT_LOG: "info" });
    t.is(r.status, 0, r.stderr);
    const lines = r.stdout.split("\n");
    t.true(lines.includes(values), r.stdout);
    t.true(lines.some((l) => l.startsWith("warning: extern 'M' is computed at loop 'i' of 'C' but has no regionMap")), r.stdout);
    return { source: lines.find((l) => l.startsWith("source "))!, log: r.stderr, hit: /tejit schedule-key: cache hit/.test(r.stderr) };
  };
  const first = run();
  t.false(first.hit);
  t.regex(first.log, /tejit lower: 'warm'/);
  t.regex(first.log, /tejit compile: cache miss/);
  const records = readdirSync(dir).filter((f) => f.endsWith(".sched.json"));
  t.is(records.length, 1);
  const record = JSON.parse(readFileSync(join(dir, records[0]), "utf8"));
  t.is(record.format, "tejit-schedule-1");
  t.is((lstatSync(join(dir, records[0])).mode & 0o777).toString(8), "600");

  const second = run();
  t.true(second.hit, second.log);
  t.notRegex(second.log, /tejit (lower|codegen|compile):/, "no lowering, no C, no compiler identity");
  t.is(second.source, first.source);

  // A library changed since it was built: not loaded; rebuilt, and the record is used again after.
  appendFileSync(join(dir, `${record.library}.so`), "x");
  const third = run();
  t.false(third.hit);
  t.regex(third.log, /tejit compile: cache miss/);
  t.true(run().hit);

  // A record that is a symlink (to a good copy) is not read; the rebuild replaces it with a file.
  const copy = join(dir, "elsewhere.json");
  copyFileSync(join(dir, records[0]), copy);
  rmSync(join(dir, records[0]));
  symlinkSync(copy, join(dir, records[0]));
  const fourth = run();
  t.false(fourth.hit);
  t.true(lstatSync(join(dir, records[0])).isFile());

  // A record naming a library that is not there: a miss.
  writeFileSync(join(dir, records[0]), JSON.stringify({ ...record, library: "0".repeat(64) }), { mode: 0o600 });
  t.false(run().hit);
  t.true(run().hit);
});

function vadd(n: number) {
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const C = te.compute([n], (i) => A.at(i).add(B.at(i)), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).vectorize(s.stage(C).split(C.op.axis[0], { factor: 4 })[1]);
  return { s, args: [A, B, C] };
}

function check(t: import("ava").ExecutionContext, mod: ReturnType<typeof build>, n: number): void {
  const a = nd.array(Float32Array.from({ length: n }, (_, i) => i), [n]);
  const b = nd.array(new Float32Array(n).fill(0.5), [n]);
  const c = nd.empty([n]);
  mod.getFunction("vadd")(a, b, c);
  t.deepEqual(Array.from(c.toTypedArray()), Array.from({ length: n }, (_, i) => i + 0.5));
}

test.serial("in one process a rebuild hits (build and buildAsync); a hit's C source is read when asked and refused when changed", async (t) => {
  const dir = mkdtempSync(join(work, "warm-in-"));
  const saved = process.env.TEJIT_CACHE_DIR;
  process.env.TEJIT_CACHE_DIR = dir; // withEnv would restore it at the first await
  try {
    const o = vadd(24);
    const first = build(o.s, o.args, { name: "vadd" });
    const runs = compilerRunCount();
    const p = vadd(24);
    const again = build(p.s, p.args, { name: "vadd" });
    const q = vadd(24);
    const viaAsync = await buildAsync(q.s, q.args, { name: "vadd" });
    t.is(compilerRunCount(), runs);
    for (const m of [first, again, viaAsync]) check(t, m, 24);
    t.is(again.libraryPath, first.libraryPath);
    t.is(again.getSource(), first.getSource());
    t.regex(first.getSource(), /vadd/);
    // The C source of another hit, changed in the cache before it is asked for.
    const r = vadd(24);
    const hit = build(r.s, r.args, { name: "vadd" });
    writeFileSync(first.libraryPath.replace(/\.so$/, ".c"), "int tampered;\n");
    t.throws(() => hit.getSource(), { message: /the C source of this cached build, .*\.c, is not the one recorded in the compile cache; build again with TEJIT_SCHEDULE_CACHE=0/ });
    t.true(hit.libraryPath.startsWith(dir));
  } finally {
    process.env.TEJIT_CACHE_DIR = saved;
  }
});

test.serial("TEJIT_DISABLE_CACHE=1 and TEJIT_SCHEDULE_CACHE=0 build without the warm path", (t) => {
  const dir = mkdtempSync(join(work, "warm-off-"));
  withEnv({ TEJIT_CACHE_DIR: dir }, () => {
    for (const env of [{ TEJIT_DISABLE_CACHE: "1" }, { TEJIT_SCHEDULE_CACHE: "0" }]) {
      withEnv(env, () => {
        const p = vadd(12);
        const before = compilerRunCount();
        const m = build(p.s, p.args, { name: "vadd" });
        check(t, m, 12);
        t.true(m.getSource().includes("vadd"));
        if (env.TEJIT_DISABLE_CACHE) t.is(compilerRunCount(), before + 1);
      });
    }
    t.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".sched.json")), [], "nothing recorded");
  });
});
