// One fuzz case from (seed, index), and checking cases: build the program, replay the schedule,
// lower (a primitive's or lower's Error is a refusal), compile several cases' functions into one
// module (one compiler start for the lot), run each kernel, run the TIR interpreter on the
// lowered function, and compare both with the reference evaluation of the unscheduled program.
// A wrong result at -O2/-O3 is rebuilt with -fno-tree-loop-if-convert: fixed by that flag, it
// is gcc 12's known if-conversion bug (issue 9 item 1), counted apart.

import { spawnSync } from "node:child_process";
import { nd, TejitError, InternalError } from "../ts/index.js";
import { IRModule, type PrimFunc } from "../ts/ir/function.js";
import type { Var } from "../ts/ir/expr.js";
import { lower } from "../ts/lower.js";
import { interpret } from "../ts/interp/index.js";
import { buildModule } from "../ts/codegen/build_module.js";
import type { Module } from "../ts/runtime/module.js";
import type { Tensor } from "../ts/te/tensor.js";
import { prng } from "../test/helpers/random.js";
import { buildProgram, type Built } from "./build_program.js";
import { UndefinedBehaviour } from "./dtype_math.js";
import { concreteShape, evaluateProgram, type RefTensor } from "./evaluate.js";
import { generateProgram, inputValue, MAX_N } from "./gen_program.js";
import { applyStep, freshSchedule, randomSchedule } from "./gen_schedule.js";
import { type Case, type DType, isFloat } from "./spec.js";

export type Status = "pass" | "refused" | "wrong" | "crash" | "build" | "known" | "known-extern-tile" | "invalid";

export interface Result { status: Status; detail?: string }

export const IF_CONVERT_WORKAROUND = "-fno-tree-loop-if-convert";

/** clang, when installed (cases then also draw it as their compiler). */
export const CLANG: string | undefined = (() => {
  const r = spawnSync("clang", ["--version"], { encoding: "utf8" });
  return !r.error && r.status === 0 ? "clang" : undefined;
})();

const FLAGS = [["-O0"], ["-O1"], ["-O2"], ["-O3"], []];

/** Schedule steps per case: 0..MAX_STEPS (TEJIT_FUZZ_STEPS changes it, and so every case). */
const MAX_STEPS = Number(process.env.TEJIT_FUZZ_STEPS ?? 7);

/** Cases come in blocks of this many sharing compiler and flags, so a worker's batch is one compile. */
export const FLAG_BLOCK = 16;

function caseRandom(seed: number, index: number, salt: number): () => number {
  return prng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35)) >>> 0);
}

/** Case `index` of run `seed`: the same pair gives the same case. */
export function makeCase(seed: number, index: number): Case {
  const r = caseRandom(seed, index, 0);
  const program = generateProgram(r);
  const n = 1 + Math.floor(r() * MAX_N);
  const built = buildProgram(program, { n });
  const s = freshSchedule(built.outputs);
  const { steps } = randomSchedule(s, r, Math.floor(r() * (MAX_STEPS + 1)));
  const block = caseRandom(seed, Math.floor(index / FLAG_BLOCK), 1);
  const cflags = FLAGS[Math.floor(block() * FLAGS.length)];
  const cc = CLANG && block() < 0.3 ? CLANG : undefined;
  return { program, steps, cflags, cc, n, dataSeed: Math.floor(r() * 2 ** 31) };
}

interface Prepared {
  c: Case;
  built: Built;
  func: PrimFunc;
  lowered: IRModule;
  name: string;
}

/** Builds, schedules and lowers a case; a refusal is returned as a Result. */
export function prepare(c: Case, name: string): Prepared | Result {
  let built: Built;
  try {
    built = buildProgram(c.program, c);
  } catch (e) {
    return { status: "invalid", detail: `the generated program is refused by te: ${(e as Error)?.stack ?? e}` };
  }
  let lowered: IRModule;
  try {
    const s = freshSchedule(built.outputs);
    for (const step of c.steps) applyStep(s, step);
    // A symbolic size is passed as a scalar parameter (a shape such as n + 1 does not define n).
    const sizes = usesSymbolicSize(c) ? [built.n as Var] : [];
    lowered = lower(s, [...built.inputs, ...built.outputs, ...sizes], { name, onWarning: () => {} });
  } catch (e) {
    // A refusal is one of tejit's errors for a user mistake (ScheduleError, ShapeError, ...); an
    // InternalError, a TypeError or the like is the compiler failing.
    if (e instanceof TejitError && !(e instanceof InternalError)) return { status: "refused", detail: e.message };
    return { status: "crash", detail: `internal error while scheduling or lowering: ${(e as Error)?.stack ?? e}` };
  }
  return { c, built, func: lowered.get(name), lowered, name };
}

const ARRAYS: Record<DType, new (n: number) => ArrayLike<number> & { [i: number]: number }> = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, int8: Int8Array, uint8: Uint8Array,
};

function inputsOf(p: Prepared): { arrays: Map<Tensor, ArrayLike<number>>; make: () => nd.NDArray[] } {
  const r = prng(p.c.dataSeed);
  const arrays = new Map<Tensor, ArrayLike<number>>();
  for (const t of p.built.inputs) {
    const shape = concreteShape(t, p.built, p.c.n);
    const a = new ARRAYS[t.dtype.toString() as DType](shape.reduce((x, y) => x * y, 1));
    for (let i = 0; i < a.length; i++) a[i] = inputValue(r, t.dtype.toString() as DType);
    arrays.set(t, a);
  }
  const make = (): nd.NDArray[] => p.built.inputs.map((t) => nd.array((arrays.get(t) as Float32Array).slice(), concreteShape(t, p.built, p.c.n)));
  return { arrays, make };
}

function outputsOf(p: Prepared): nd.NDArray[] {
  return p.built.outputs.map((t) => {
    const o = nd.empty(concreteShape(t, p.built, p.c.n), t.dtype.toString());
    const a = o.toTypedArray() as Float32Array;
    a.fill(isFloat(t.dtype.toString() as DType) ? NaN : 0x5a);
    return o;
  });
}

/** The first element where `got` differs from the reference beyond its error bound, or undefined. */
function compare(got: ArrayLike<number>, ref: RefTensor, float: boolean): string | undefined {
  for (let i = 0; i < ref.v.length; i++) {
    const want = ref.v[i];
    const ok = float
      ? (Number.isNaN(want) && Number.isNaN(got[i])) || Math.abs(got[i] - want) <= 2 * ref.e[i] + 1e-300
      : got[i] === want;
    if (!ok) return `element ${i}: got ${got[i]}, expected ${want}${float ? ` (error bound ${2 * ref.e[i]})` : ""}`;
  }
  return undefined;
}

interface Expected { refs: RefTensor[] }

function reference(p: Prepared): Expected | Result {
  const { arrays } = inputsOf(p);
  try {
    const all = evaluateProgram(p.built, p.c.n, arrays);
    return { refs: p.built.outputs.map((t) => all.get(t)!) };
  } catch (e) {
    if (e instanceof UndefinedBehaviour) return { status: "invalid", detail: `the generated program has undefined behaviour: ${e.message}` };
    throw e;
  }
}

function usesSymbolicSize(c: Case): boolean {
  return c.program.stages.some((st) => st.shape.some((d) => d.sym));
}

function check(p: Prepared, exp: Expected, run: (args: nd.NDArray[]) => void, who: string): string | undefined {
  const ins = inputsOf(p).make();
  const outs = outputsOf(p);
  try {
    run(usesSymbolicSize(p.c) ? [...ins, ...outs, p.c.n as unknown as nd.NDArray] : [...ins, ...outs]);
  } catch (e) {
    return `${who} failed: ${(e as Error)?.message ?? e}`;
  }
  for (let o = 0; o < outs.length; o++) {
    const t = p.built.outputs[o];
    const diff = compare(outs[o].toTypedArray() as ArrayLike<number>, exp.refs[o], isFloat(t.dtype.toString() as DType));
    if (diff) return `${who}: output ${o} ('${t.name}') ${diff}`;
  }
  return undefined;
}

function buildGroup(ps: Prepared[], c: Case, extra: string[] = []): Module {
  const mod = new IRModule(new Map(ps.map((p) => [p.name, p.func])));
  return buildModule(mod, { cflags: [...c.cflags, ...extra], cc: c.cc });
}

export interface CheckOptions {
  /** Changes the compiled kernel's outputs before the comparison (the checker's own tests). */
  tamper?: (outputs: nd.NDArray[]) => void;
}

/** Checks several cases; one compile per compiler and flag set. */
export function checkCases(cases: Case[], names: string[] = cases.map((_, i) => `fuzz_case_${i}`), opts: CheckOptions = {}): Result[] {
  const results: Result[] = new Array(cases.length);
  const ready: { i: number; p: Prepared; exp: Expected }[] = [];
  cases.forEach((c, i) => {
    const p = prepare(c, names[i]);
    if (!("func" in p)) { results[i] = p; return; }
    const exp = reference(p);
    if (!("refs" in exp)) { results[i] = exp; return; }
    ready.push({ i, p, exp });
  });
  const groups = new Map<string, typeof ready>();
  for (const x of ready) {
    const key = `${x.p.c.cc ?? ""} ${x.p.c.cflags.join(" ")}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  for (const group of groups.values()) {
    let mod: Module | undefined;
    try {
      mod = buildGroup(group.map((x) => x.p), group[0].p.c);
    } catch {
      mod = undefined;
    }
    for (const x of group) {
      let m = mod;
      if (!m) {
        try {
          m = buildGroup([x.p], x.p.c);
        } catch (e) {
          results[x.i] = { status: "build", detail: String((e as Error)?.message ?? e).slice(0, 4000) };
          continue;
        }
      }
      results[x.i] = runOne(x.p, x.exp, m, opts);
    }
  }
  return results;
}

function runOne(p: Prepared, exp: Expected, m: Module, opts: CheckOptions): Result {
  const fn = m.getFunction(p.name);
  const compiled = check(p, exp, (args) => {
    fn(...args);
    opts.tamper?.(args.slice(p.built.inputs.length, p.built.inputs.length + p.built.outputs.length));
  }, "compiled kernel");
  const interpreted = check(p, exp, (args) => interpret(p.lowered, args, { poisonAllocations: true, parallelOrder: "shuffle" }), "interpreter");
  if (!compiled && !interpreted) return { status: "pass" };
  // A region-mapped extern's tile reaching outside its tensor (a view or load at element -1, a
  // negative tile extent): a bug class found by the fuzzer and fixed; classified apart so that a
  // regression shows as such (the driver lists and shrinks these cases, and the run fails).
  const externTile = /the view of '[^']+' with shape .* reaches elements .* outside|out-of-bounds load from '[^']+'|negative extent|must be a non-negative integer, got -/;
  const either = [compiled, interpreted].filter(Boolean).join("; ");
  if (externTile.test(either) && p.c.program.stages.some((st) => st.kind === "extern" && st.ext.regionMap)) {
    return { status: "known-extern-tile", detail: [compiled, interpreted].filter(Boolean).join("; ") };
  }
  if (compiled && !interpreted && !p.c.cflags.some((f) => f === "-O0" || f === "-O1") && !p.c.cc) {
    try {
      const again = buildGroup([p], p.c, [IF_CONVERT_WORKAROUND]).getFunction(p.name);
      const rerun = (args: nd.NDArray[]): void => {
        again(...args);
        opts.tamper?.(args.slice(p.built.inputs.length, p.built.inputs.length + p.built.outputs.length));
      };
      if (!check(p, exp, rerun, "compiled kernel")) return { status: "known", detail: `${compiled}; correct with ${IF_CONVERT_WORKAROUND}` };
    } catch {
      // fall through: reported as wrong
    }
  }
  return { status: "wrong", detail: [compiled, interpreted].filter(Boolean).join("; ") };
}

/** Checks one case on its own (the reproducer tests call this). */
export function checkCase(c: Case, opts: CheckOptions = {}): Result {
  return checkCases([c], undefined, opts)[0];
}
