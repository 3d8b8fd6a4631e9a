// Shared by the pass tests: random arguments for hand-built PrimFuncs, the lowering pipeline one
// pass at a time, and the oracle check that a pass keeps results: the interpreter runs the
// function before and after on the same random inputs, and every buffer must come out equal.
import type { ExecutionContext } from "ava";
import { IntImm, Load, type PrimExpr, Var } from "../../ts/ir/expr.js";
import type { PrimFunc } from "../../ts/ir/function.js";
import { StmtExprVisitor, postOrderVisit } from "../../ts/ir/functor.js";
import { For, type Stmt, Store } from "../../ts/ir/stmt.js";
import { type InterpretOptions, interpret } from "../../ts/interp/index.js";
import { type NDArray, array } from "../../ts/runtime/ndarray.js";
import { type LowerOptions, runLowerPipeline, scheduleToPrimFunc } from "../../ts/lower.js";
import { IRModule } from "../../ts/ir/function.js";
import type { PassInfo } from "../../ts/transform/pass.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { LowerArg } from "../../ts/schedule/postproc_to_primfunc.js";
import { prng, randomInt } from "../helpers/random.js";

export const quiet = { onWarning: (): void => {} };

function evalShape(e: PrimExpr, vars: ReadonlyMap<string, number>): number {
  if (e instanceof IntImm) return e.value;
  if (e instanceof Var && vars.has(e.name)) return vars.get(e.name)!;
  throw new Error(`test helper: cannot size a buffer dimension ${e}; give its variable a value`);
}

/** Random arguments for `f`: buffers filled with small values, scalars from `vars` (by name). */
export function randomArgs(f: PrimFunc, seed: number, vars: ReadonlyMap<string, number> = new Map()): (NDArray | number)[] {
  const r = prng(seed);
  return f.params.map((p) => {
    const b = f.bufferMap.get(p);
    if (!b) {
      const v = vars.get(p.name);
      if (v === undefined) throw new Error(`test helper: no value for scalar parameter '${p.name}'`);
      return v;
    }
    const shape = b.shape.map((d) => evalShape(d, vars));
    const n = shape.reduce((x, y) => x * y, 1);
    const t = b.dtype;
    if (t.isFloat()) {
      const data = t.bits === 64 ? new Float64Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = Math.round((r() * 8 - 4) * 64) / 64;
      return array(data, shape);
    }
    if (t.isInt() && t.bits === 32) {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = randomInt(r, -100, 99);
      return array(data, shape);
    }
    throw new Error(`test helper: no random data for ${t}`);
  });
}

function snapshot(args: (NDArray | number)[]): number[][] {
  return args.map((a) => (typeof a === "number" ? [a] : Array.from(a.toTypedArray() as ArrayLike<number>)));
}

/** Runs `f` on a copy of `args`; returns every argument's contents afterwards. */
export function run(f: PrimFunc, args: (NDArray | number)[], opts: InterpretOptions = {}): number[][] {
  const copy = args.map((a) => (typeof a === "number" ? a : array((a.toTypedArray() as Float32Array).slice(), [...a.shape])));
  interpret(f, copy, opts);
  return snapshot(copy);
}

export interface SameOptions {
  seeds?: number[];
  vars?: ReadonlyMap<string, number>;
  interp?: InterpretOptions;
  what?: string;
}

/** Asserts that `before` and `after` leave every argument equal, on random inputs. */
export function assertSameResults(t: ExecutionContext, before: PrimFunc, after: PrimFunc, opts: SameOptions = {}): void {
  for (const seed of opts.seeds ?? [1, 2]) {
    const args = randomArgs(before, seed, opts.vars);
    const want = run(before, args);
    const got = run(after, args, opts.interp ?? { poisonAllocations: true });
    t.deepEqual(got, want, `${opts.what ?? "pass"}: results differ for seed ${seed}`);
  }
}

/** The function after each pass of lower()'s pipeline (the first entry: before any pass), with the passes' names. */
export function pipeline(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): { names: string[]; funcs: PrimFunc[] } {
  const f = scheduleToPrimFunc(s, args, { ...quiet, ...opts });
  const names = ["schedule"];
  const funcs = [f];
  const record = { runAfterPass: (mod: IRModule, info: PassInfo) => { if (!info.sequential) { names.push(info.name); funcs.push(mod.get("main")); } } };
  runLowerPipeline(new IRModule({ main: f }), opts, [record]);
  return { names, funcs };
}

/** Asserts that every pass of lower() keeps the results of the schedule's function. */
export function assertPipelinePreserves(t: ExecutionContext, s: Schedule, args: LowerArg[], opts: LowerOptions & SameOptions = {}): PrimFunc {
  const { names, funcs } = pipeline(s, args, opts);
  const ref = funcs[0];
  for (const seed of opts.seeds ?? [1]) {
    const inputs = randomArgs(ref, seed, opts.vars);
    const want = run(ref, inputs);
    for (let i = 1; i < funcs.length; i++) {
      const got = run(funcs[i], inputs, opts.interp ?? { poisonAllocations: true });
      t.deepEqual(got, want, `after ${names[i]}: results differ for seed ${seed}`);
    }
  }
  return funcs[funcs.length - 1];
}

/** The body of a printed function: the lines after `buffer_map = {...} {`, without the final `}`. */
export function bodyText(f: PrimFunc | { toString(): string }): string {
  const lines = f.toString().split("\n");
  const start = lines.findIndex((l) => l.includes("buffer_map") || l.startsWith("primfn"));
  let i = start;
  while (i < lines.length && !lines[i].endsWith("{")) i++;
  return lines.slice(i + 1, -1).join("\n");
}

/** Loops of a statement, in pre-order (outer loops before the loops they hold). */
export function loops(s: Stmt): For[] {
  const out: For[] = [];
  class V extends StmtExprVisitor {
    override visitFor(f: For): void {
      out.push(f);
      super.visitFor(f);
    }
  }
  new V().visitStmt(s);
  return out;
}

/** Lane counts of the vector stores in a statement. */
export function vectorStoreLanes(s: Stmt): number[] {
  const out: number[] = [];
  postOrderVisit(s, (n) => {
    if (n instanceof Store && n.value.dtype.lanes > 1) out.push(n.value.dtype.lanes);
  });
  return out;
}

/** Names of the buffers loaded from in a statement. */
export function loadedBuffers(s: Stmt): Set<string> {
  const out = new Set<string>();
  postOrderVisit(s, (n) => {
    if (n instanceof Load) out.add(n.bufferVar.name);
  });
  return out;
}
