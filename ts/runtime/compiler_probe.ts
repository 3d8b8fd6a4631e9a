// The compiler probe: finds whether a C compiler, with the exact flags of a build, miscompiles
// the guarded loads tejit emits for zero padding (gcc 12.2 at -O3 with AVX2 or AVX-512 reads 0 or
// the wrong row for `(lo <= i && i < hi) ? A[i*n + j - lo*n] : c`, see docs/reliability.md,
// "Compiler bugs tejit works around"), and which extra flag makes it right. A small program with
// that loop (two forms tejit emits) is compiled with those flags, run, and its exit code read:
// 0 right, 1 wrong. When wrong, it is built again with -fno-tree-loop-if-convert. The verdict is
// kept per compiler identity (command, path and --version) and flags, in memory and in the cache
// directory as probe-<key>.json, so another process does not probe again. A probe that cannot
// be built or run (a cross compiler, flags that cannot link a program) gives no verdict: the
// workaround flag is then added when the compiler accepts it, and nothing is written to disk.
// TEJIT_NO_COMPILER_WORKAROUNDS=1 skips all of this (to measure what the workaround costs).
import { CompileError } from "../errors.js";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readOwnFile, writeFileAtomic } from "./cache_entry.js";
import { type Compiler, type Steps, compilerStep, programStep, runStepsSync, wroteOutput } from "./run_compiler.js";

/** The flag that makes gcc 12 compile the probe right: no if-conversion of loops. */
export const GUARDED_LOAD_WORKAROUND = "-fno-tree-loop-if-convert";

export const PROBE_SOURCE = `/* tejit compiler probe: guarded loads of a zero-padded tensor; exit 0 when right, 87 when wrong. */
__attribute__((noinline)) static void pad_sum(const double* restrict A, double* restrict S) {
  double P[20] __attribute__((aligned(64)));
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 2; ++j) P[i * 2 + j] = ((1 <= i) && (i < 9)) ? A[i * 2 + j - 2] : 0.0;
  for (int i = 0; i < 10; ++i) {
    S[i] = 0.0;
    for (int k = 0; k < 2; ++k) S[i] = S[i] + P[i * 2 + k];
  }
}
__attribute__((noinline)) static void pad_rows(const float* restrict A, float* restrict B) {
  for (int i = 0; i < 12; ++i) {
    float row[13];
    for (int j = 0; j < 13; ++j) row[j] = ((2 <= i) && (i < 10)) ? A[i * 13 + j - 26] : -7.0f;
    for (int j = 0; j < 13; ++j) B[i * 13 + j] = row[j];
  }
}
int main(void) {
  double A[16], S[10];
  float F[104], B[156];
  int wrong = 0;
  for (int k = 0; k < 16; ++k) A[k] = k + 1;
  for (int k = 0; k < 104; ++k) F[k] = (float)(k + 1);
  pad_sum(A, S);
  for (int i = 0; i < 10; ++i) wrong += S[i] != ((1 <= i && i < 9) ? A[2 * i - 2] + A[2 * i - 1] : 0.0);
  pad_rows(F, B);
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 13; ++j) wrong += B[i * 13 + j] != ((2 <= i && i < 10) ? F[i * 13 + j - 26] : -7.0f);
  return wrong == 0 ? 0 : 87;
}
`;

export interface ProbeVerdict {
  /** "right": no flag needed; "workaround": `flags` fix it; "unknown": the probe could not run. */
  verdict: "right" | "workaround" | "unknown";
  /** Flags appended to the build. */
  flags: string[];
}

const verdicts = new Map<string, ProbeVerdict>();
let probes = 0;

/** How many times this process has built and run the probe. */
export function probeRunCount(): number {
  return probes;
}

/** Forgets the in-memory verdicts (tests check the on-disk ones). */
export function forgetProbeVerdicts(): void {
  verdicts.clear();
}

/**
 * The flags that can change how the probe compiles: without macros, include and library paths,
 * libraries and warning options (-D -U -I -L -l -W... -w), so builds differing only in those
 * share one verdict.
 */
export function codeFlags(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (f === "-D" || f === "-U" || f === "-I" || f === "-L") { i++; continue; }
    if (/^-[DUILlW]/.test(f) || f === "-w") continue;
    out.push(f);
  }
  return out;
}

function probeKey(identity: string, flags: readonly string[]): string {
  return createHash("sha256").update("tejit-probe-1\0").update(identity).update("\0").update(flags.join("\0")).update("\0").update(PROBE_SOURCE).digest("hex");
}

type Outcome = "right" | "wrong" | "no-build" | "no-run";

/** The probe's exit status when the compiled loops gave wrong numbers. */
const PROBE_WRONG_EXIT = 87;

/** Builds the probe in `work` with `flags` and runs it. Compiler timeouts propagate. */
function* buildAndRun(c: Compiler, flags: string[], work: string, tag: string): Steps<Outcome> {
  const src = join(work, "tejit-probe.c");
  const exe = join(work, `tejit-probe-${tag}`);
  // -w: the user's -Werror with their warnings must not stop the probe (it does not change code).
  const built = yield* compilerStep(c, [...flags, "-w", "-o", exe, src], "the compiler probe");
  if (built.status !== 0 || !wroteOutput(exe)) return "no-build";
  const run = yield* programStep(exe, 10_000);
  if (run.failed || run.signal !== null) return "no-run";
  // "Wrong" has its own exit code: 1 is what a failing runtime says (a sanitizer's report, a
  // missing library), which says nothing about the compiled code.
  return run.status === 0 ? "right" : run.status === PROBE_WRONG_EXIT ? "wrong" : "no-run";
}

/** Does the compiler take `flag` without complaining about it (gcc refuses unknown flags, clang warns)? */
function* accepts(c: Compiler, flags: string[], flag: string, work: string): Steps<boolean> {
  const obj = join(work, "tejit-probe.o");
  const r = yield* compilerStep(c, [...flags, flag, "-c", "-o", obj, join(work, "tejit-probe.c")], "the compiler probe");
  return r.status === 0 && wroteOutput(obj) && !r.output.includes(flag.replace(/^-fno-/, ""));
}

function* runProbe(c: Compiler, flags: string[], workParent: string): Steps<ProbeVerdict> {
  probes++;
  const work = mkdtempSync(join(workParent, "probe-"));
  try {
    writeFileSync(join(work, "tejit-probe.c"), PROBE_SOURCE, { mode: 0o600 });
    const first = yield* buildAndRun(c, flags, work, "plain");
    if (first === "right") return { verdict: "right", flags: [] };
    if (first === "wrong") {
      const fixed = yield* buildAndRun(c, [...flags, GUARDED_LOAD_WORKAROUND], work, "fixed");
      if (fixed === "right") return { verdict: "workaround", flags: [GUARDED_LOAD_WORKAROUND] };
      if (fixed === "no-build") {
        throw new CompileError(
          `C compiler '${c.argv.join(" ")}' miscompiles tejit's probe program (zero-padded guarded loads) with flags '${flags.join(" ")}', ` +
          `and refuses the workaround ${GUARDED_LOAD_WORKAROUND}: its kernels could return wrong numbers; use another compiler (TEJIT_CC) or lower the optimisation (cflags "-O2")`,
        );
      }
      throw new CompileError(
        `C compiler '${c.argv.join(" ")}' miscompiles tejit's probe program (zero-padded guarded loads) with flags '${flags.join(" ")}', ` +
        `also with ${GUARDED_LOAD_WORKAROUND}: its kernels could return wrong numbers; use another compiler (TEJIT_CC=clang) or lower the optimisation (cflags "-O2")`,
      );
    }
    return { verdict: "unknown", flags: (yield* accepts(c, flags, GUARDED_LOAD_WORKAROUND, work)) ? [GUARDED_LOAD_WORKAROUND] : [] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function readVerdict(path: string): ProbeVerdict | undefined {
  const bytes = readOwnFile(path);
  if (bytes === undefined) return undefined;
  try {
    const v = JSON.parse(bytes.toString("utf8")) as ProbeVerdict;
    if ((v.verdict === "right" || v.verdict === "workaround") && Array.isArray(v.flags) && v.flags.every((f) => f === GUARDED_LOAD_WORKAROUND)) return v;
  } catch {
    // corrupt: probe again
  }
  return undefined;
}

/**
 * The flags a build with compiler `c` (identity `identity`) and `flags` must add so that guarded
 * loads compile right. `dir` is the (checked) cache directory, or undefined with the cache off;
 * `scratch` a private directory the probe is built in.
 */
export function guardedLoadFlags(c: Compiler, identity: string, flags: string[], dir: string | undefined, scratch: string): string[] {
  return runStepsSync(guardedLoadFlagSteps(c, identity, flags, dir, scratch));
}

/** guardedLoadFlags as process steps (for the synchronous and the asynchronous build). */
export function* guardedLoadFlagSteps(c: Compiler, identity: string, flags: string[], dir: string | undefined, scratch: string): Steps<string[]> {
  if (process.env.TEJIT_NO_COMPILER_WORKAROUNDS === "1") return []; // the raw compiler (bench/compiler-workaround.ts)
  const relevant = codeFlags(flags);
  const key = probeKey(identity, relevant);
  const known = verdicts.get(key);
  if (known) return known.flags;
  const file = dir === undefined ? undefined : join(dir, `probe-${key}.json`);
  const stored = file === undefined ? undefined : readVerdict(file);
  if (stored) {
    verdicts.set(key, stored);
    return stored.flags;
  }
  const v = yield* runProbe(c, relevant.filter((f) => f !== "-shared"), scratch);
  verdicts.set(key, v);
  if (file !== undefined && v.verdict !== "unknown") writeFileAtomic(file, JSON.stringify(v), 0o600);
  return v.flags;
}
