// Shared by the codegen tests: a private compile cache per test process, warnings as errors for
// every generated file (gcc, and clang when installed), building hand-built PrimFuncs, and
// comparisons with a tolerance.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test, { type ExecutionContext } from "ava";
import { declBuffer } from "../../ts/ir/buffer.js";
import { type PrimFunc, IRModule } from "../../ts/ir/function.js";
import { type BuildOptions, buildModule } from "../../ts/codegen/build_module.js";
import type { Module } from "../../ts/runtime/module.js";
import { compileSource } from "../../ts/runtime/compile.js";

if (!process.env.TEJIT_CACHE_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "tejit-codegen-cache-"));
  process.env.TEJIT_CACHE_DIR = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}

/**
 * Every test build compiles with these: a warning fails the build. -Wno-psabi: a static helper
 * passing a vector wider than the target's registers (float64x8 under AVX2) draws an ABI note;
 * it is inlined and never crosses an ABI.
 */
export const STRICT = ["-Wall", "-Wextra", "-Werror", "-Wno-psabi"];

export function buildFuncs(funcs: PrimFunc[], opts: BuildOptions = {}): Module {
  return buildModule(new IRModule(new Map(funcs.map((f) => [f.name!, f]))), { ...opts, cflags: [...STRICT, ...(opts.cflags ? [opts.cflags].flat() : [])] });
}

export function buildFunc(f: PrimFunc, opts: BuildOptions = {}): Module {
  return buildFuncs([f], opts);
}

export { declBuffer };

/** Asserts that two numeric arrays agree element-wise within `tol` (relative to max(1, |expected|)). */
export function assertClose(t: ExecutionContext, actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = "values"): void {
  t.is(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Number.isNaN(e) ? (Number.isNaN(a) ? 0 : Infinity) : Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (err > worst) { worst = err; at = i; }
  }
  t.true(worst <= tol, `${what}: element ${at} is ${actual[at]}, expected ${expected[at]}`);
}

/** The clang found on PATH (for the warnings check), or undefined when it is not installed. */
export const CLANG: string | undefined = (() => {
  for (const cc of ["clang", "clang-16", "clang-15", "clang-14"]) {
    const r = spawnSync(cc, ["--version"], { encoding: "utf8" });
    if (!r.error && r.status === 0) return cc;
  }
  return undefined;
})();

/** Compiles `source` with clang and the strict flags; throws with the diagnostics on any warning. */
export function compileWithClang(source: string): string {
  if (!CLANG) throw new Error("clang is not installed");
  return compileSource(source, { cc: CLANG, cflags: STRICT });
}

/** A test that `source()` compiles warning-free under clang too; skipped when clang is absent. */
export function clangTest(title: string, source: () => string): void {
  if (!CLANG) {
    test.skip(`${title} (clang is not installed)`, () => {});
    return;
  }
  test(title, (t) => {
    t.notThrows(() => compileWithClang(source()));
  });
}
