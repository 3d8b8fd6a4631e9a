// lower(): a schedule to an IRModule, through TVM's lowering order: normalize, bound inference,
// schedule-ops, buffers for tensors, then the TIR passes of transform/pipeline.ts (storage
// flatten, simplify, loop partition, vectorize, storage rewrite, unroll, simplify, remove no-ops,
// user passes by phase, then the bounds checks when asked for and the division checks), under the
// current PassContext with lower()'s options over its config (see docs/passes.md).

import { ArgumentError, ScheduleError } from "./errors.js";
import type { Buffer } from "./ir/buffer.js";
import { IRModule, type PrimFunc } from "./ir/function.js";
import { describe } from "./ir/op.js";
import { inferBound } from "./schedule/bound.js";
import { normalize } from "./schedule/normalize.js";
import { type LowerArg, schedulePostProcToPrimFunc } from "./schedule/postproc_to_primfunc.js";
import { Schedule } from "./schedule/schedule.js";
import { scheduleOps } from "./schedule/schedule_ops.js";
import { Tensor } from "./te/tensor.js";
import { opKindOf } from "./schedule/op_kinds/index.js";
import { explainBounds } from "./schedule/explain.js";
import { checkPipeline, lowerPipeline } from "./transform/pipeline.js";
import { PassContext, type PassContextConfig } from "./transform/pass_context.js";
import { DumpIR, type PassInstrument } from "./transform/instrument.js";
import { log, logLevel, PassLogInstrument, since } from "./log.js";
import { assertSplitFactorsPositive } from "./schedule/split_factor_checks.js";
import { checkCertainBounds } from "./transform/check_certain_bounds.js";
import { checkIndexWidth } from "./transform/check_index_width.js";
import { guardStack } from "./stack_guard.js";

/**
 * Options of {@link lower}. The loop options are also taken from the current PassContext's config; these override it.
 */
export interface LowerOptions {
  /** The function's name (its global symbol). */
  name?: string;
  /** Buffers to use for given tensors (instead of fresh compact ones). */
  binds?: Map<Tensor, Buffer>;
  /** Refuse (instead of warning about) an extern without regionMap computed at a loop. */
  strict?: boolean;
  /** Receives lowering warnings; by default they go to process.emitWarning. */
  onWarning?: (message: string) => void;
  /** Attach a bound explanation to the module (`module.explanation`), as explainBounds(s) gives. */
  explain?: boolean;
  /**
   * TVM's `simple_mode` (as its tutorials print): skip loop partitioning, so uneven splits keep
   * their `likely` guards. Default false.
   */
  simpleMode?: boolean;
  /**
   * Partition loops with constant bounds at their `likely` guards too (TVM's partition_const_loop;
   * default false). A guard that depends on a vectorized loop's lanes (a vector tail) is cut either way.
   */
  partitionConstLoop?: boolean;
  /** Leave vectorized loops serial (TVM's disable_vectorize; default false). */
  disableVectorize?: boolean;
  /** Unroll inner loops of up to this many steps (TVM's auto_unroll_max_step; default 0). */
  autoUnrollMaxStep?: number;
  /** The deepest loop nest unrolled automatically (TVM's auto_unroll_max_depth; default 8). */
  autoUnrollMaxDepth?: number;
  /** Unroll every loop of at most this extent (TVM's auto_unroll_max_extent; default 0). */
  autoUnrollMaxExtent?: number;
  /** Expand unrolled loops (TVM's unroll_explicit; default true); false keeps `for ... "unroll"`. */
  unrollExplicit?: boolean;
  /** Write the IR after schedule-ops and after each pass to this directory (DumpIR). */
  dumpIr?: string;
  /** More pass instruments, after the current PassContext's. */
  instruments?: readonly PassInstrument[];
  /**
   * Check every load and store against its buffer's extent at run time (TVM's
   * instrument_bound_checkers): the kernel returns an error naming the buffer, the index and the
   * shape. Default: TEJIT_BOUNDS_CHECK=1 in the environment, else false.
   */
  boundsCheck?: boolean;
}

function defaultWarning(message: string): void {
  process.emitWarning(message, { code: "TEJIT_OPAQUE_EXTERN" });
}

export type Pass = (f: PrimFunc) => PrimFunc;

function checkOptionalCount(name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
    throw new ArgumentError(`lower: ${name} must be a non-negative integer, got ${describe(v)}`);
  }
}

/** Every option lower() knows (an unknown key is a typo: refused, naming it). boundsCheck is issue 9's checked build. */
export const LOWER_OPTION_KEYS: readonly string[] = [
  "name", "binds", "strict", "onWarning", "explain", "simpleMode", "partitionConstLoop", "disableVectorize",
  "autoUnrollMaxStep", "autoUnrollMaxDepth", "autoUnrollMaxExtent", "unrollExplicit", "boundsCheck", "dumpIr", "instruments",
];
const BOOLEAN_OPTIONS = ["strict", "explain", "simpleMode", "partitionConstLoop", "disableVectorize", "unrollExplicit", "boundsCheck"];

/** Refuses options that are not an object, unknown keys (beyond `known`, unless null) and values of the wrong type. */
export function checkLowerOptions(opts: unknown, what = "lower", known: readonly string[] | null = LOWER_OPTION_KEYS): void {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new ArgumentError(`${what}: options must be an object, got ${describe(opts)}`);
  const o = opts as Record<string, unknown>;
  if (known) {
    for (const key of Object.keys(o)) {
      if (!known.includes(key)) throw new ArgumentError(`${what}: unknown option '${key}' (known options: ${known.join(", ")})`);
    }
  }
  if (o.name !== undefined && (typeof o.name !== "string" || o.name === "")) throw new ArgumentError(`${what}: name must be a non-empty string, got ${o.name === "" ? "''" : describe(o.name)}`);
  for (const key of BOOLEAN_OPTIONS) {
    if (o[key] !== undefined && typeof o[key] !== "boolean") throw new ArgumentError(`${what}: option ${key} must be true or false, got ${describe(o[key])}`);
  }
  if (o.onWarning !== undefined && typeof o.onWarning !== "function") throw new ArgumentError(`${what}: option onWarning must be a function (message) => void, got ${describe(o.onWarning)}`);
  if (o.binds !== undefined && !(o.binds instanceof Map)) throw new ArgumentError(`${what}: option binds must be a Map from tensors to buffers, got ${describe(o.binds)}`);
  if (o.dumpIr !== undefined && (typeof o.dumpIr !== "string" || o.dumpIr === "")) throw new ArgumentError(`${what}: option dumpIr must be a directory path (a non-empty string), got ${describe(o.dumpIr)}`);
  if (o.instruments !== undefined && !Array.isArray(o.instruments)) throw new ArgumentError(`${what}: option instruments must be an array of pass instruments, got ${describe(o.instruments)}`);
}

/** The PassContext config lower()'s options set. */
export function passConfig(opts: LowerOptions): PassContextConfig {
  for (const k of ["autoUnrollMaxStep", "autoUnrollMaxDepth", "autoUnrollMaxExtent"] as const) checkOptionalCount(k, opts[k]);
  return {
    simpleMode: opts.simpleMode,
    partitionConstLoop: opts.partitionConstLoop,
    disableVectorize: opts.disableVectorize,
    autoUnrollMaxStep: opts.autoUnrollMaxStep,
    autoUnrollMaxDepth: opts.autoUnrollMaxDepth,
    autoUnrollMaxExtent: opts.autoUnrollMaxExtent,
    unrollExplicit: opts.unrollExplicit,
    boundsCheck: opts.boundsCheck,
  };
}

/** The context lower() runs its passes under: the current one with `opts` over its config. */
export function lowerContext(opts: LowerOptions = {}, instruments: readonly PassInstrument[] = []): PassContext {
  const extra = [...(opts.instruments ?? []), ...instruments];
  if (logLevel() === "debug") extra.push(new PassLogInstrument());
  return PassContext.current().with(passConfig(opts), extra);
}

/** Runs lower()'s pipeline (transform/pipeline.ts) on `mod` under lowerContext(opts, instruments). */
export function runLowerPipeline(mod: IRModule, opts: LowerOptions = {}, instruments: readonly PassInstrument[] = []): IRModule {
  const ctx = lowerContext(opts, instruments);
  return lowerPipeline(ctx)(mod, ctx);
}

/** The run-time checks of lower()'s pipeline (bounds when asked, divisions) on `mod`, for build(). */
export function runChecks(mod: IRModule, opts: LowerOptions = {}): IRModule {
  const ctx = lowerContext(opts);
  return checkPipeline(ctx)(mod, ctx);
}

/** The TIR passes lower() runs after schedule-ops, in order, as PrimFunc functions (for tests). */
export function lowerPasses(opts: LowerOptions = {}): Pass[] {
  const ctx = lowerContext(opts);
  return lowerPipeline(ctx).passes.map((p) => (f: PrimFunc) => p(new IRModule(new Map([["f", f]])), ctx).get("f"));
}

/** Refuses a tensor listed twice in `args`, and a placeholder the schedule reads that `args` lacks. */
function checkArgs(sch: Schedule, args: LowerArg[], binds: Map<Tensor, Buffer> | undefined): void {
  const same = (a: LowerArg, t: Tensor) => a instanceof Tensor && a.op === t.op && a.valueIndex === t.valueIndex;
  args.forEach((a, i) => {
    const j = a instanceof Tensor ? args.findIndex((b) => same(b, a)) : -1;
    if (j >= 0 && j < i) throw new ArgumentError(`lower: argument ${i} ('${(a as Tensor).name}') is the same tensor as argument ${j}; list each tensor once`);
  });
  // Placeholders another op owns (a scan's states) are that op's output, not arguments.
  const owned = new Set(sch.stages.flatMap((st) => opKindOf(st.op).ownedPlaceholders?.(st.op) ?? []));
  for (const st of sch.stages) {
    if (!opKindOf(st.op).isInput) continue;
    const t = st.op.output(0);
    if (owned.has(t)) continue;
    const bound = [...(binds ?? [])].find(([k]) => k.op === t.op)?.[1];
    if (args.some((a) => same(a, t) || (bound !== undefined && a === bound))) continue;
    const reader = sch.stages.find((r) => r.op.inputTensors().some((x) => x.op === t.op));
    throw new ArgumentError(`lower: '${reader?.op.name ?? "the schedule"}' reads placeholder '${t.name}', which is not in the argument list; pass it among the args`);
  }
}

/** Refuses an output of the schedule that is not in `args`: its kernel would write nothing. */
function checkOutputsInArgs(s: Schedule, args: LowerArg[], binds?: Map<Tensor, Buffer>): void {
  for (const o of s.outputs) {
    for (const t of o.outputs) {
      const bound = binds?.get(t);
      if (args.includes(t) || (bound !== undefined && args.includes(bound))) continue;
      throw new ArgumentError(`lower: the output '${t.name}' of the schedule is not in the argument list, so the kernel would compute it ` +
        `and throw it away; add it to the arguments (e.g. lower(s, [...inputs, ${t.name}])), or leave its op out of te.createSchedule`);
    }
  }
}

/** The PrimFunc of a schedule before any TIR pass (for inspection and tests). */
export function scheduleToPrimFunc(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): PrimFunc {
  if (!(s instanceof Schedule)) throw new ArgumentError(`lower: expects a schedule (te.createSchedule), got ${describe(s)}`);
  if (!Array.isArray(args)) throw new ArgumentError(`lower: args must be an array of tensors, buffers or variables, got ${describe(args)}`);
  checkLowerOptions(opts, "lower", null); // lower() refuses unknown keys; this inspection entry lets callers add their own
  const name = opts.name ?? "main";
  const sch = normalize(s);
  checkArgs(sch, args, opts.binds);
  for (const st of sch.stages) opKindOf(st.op).check?.(st.op, st, sch);
  const bounds = inferBound(sch);
  const warnings = sch.stages.flatMap((st) => opKindOf(st.op).warnings?.(st.op, st, sch, bounds) ?? []);
  if (warnings.length > 0) {
    const message = warnings.join("\n");
    if (opts.strict) throw new ScheduleError(`lower (strict): ${message}`);
    (opts.onWarning ?? defaultWarning)(message);
  }
  const stmt = assertSplitFactorsPositive(sch, scheduleOps(sch, bounds));
  const { func } = schedulePostProcToPrimFunc(args, stmt, name, opts.binds);
  checkOutputsInArgs(s, args, opts.binds);
  return func;
}

/**
 * Lowers a schedule to an IRModule of one PrimFunc named `opts.name` (TVM's tvm.lower):
 * bound inference, the loop nests of the stages, a buffer for each tensor, then the TIR passes
 * (storage flatten, simplify, loop partition, vectorize, storage rewrite, unroll, remove no-ops),
 * under the current PassContext with `opts` over its config. The schedule is not changed.
 * `String(mod)` prints the TIR in TVM's text form.
 * @param s The schedule (te.createSchedule).
 * @param args The function's parameters in order: the input and output tensors, buffers
 * (binds) and scalar variables (symbolic sizes).
 * @param opts The function's name, loop options (unrolling, vectorizing, partitioning), IR
 * dumps and instruments.
 * @returns A module with the one function.
 * @throws Error when an option is unknown or of the wrong type, or the schedule cannot be
 * lowered with these arguments (the message names the tensor, stage or axis).
 * @example
 * ```ts
 * const A = te.placeholder([1024], "float32", "A");
 * const B = te.compute([1024], (i) => A.at(i).mul(2), "B");
 * const s = te.createSchedule(B.op);
 * const [, xi] = s.stage(B).split(B.op.axis[0], { factor: 8 });
 * s.stage(B).vectorize(xi);
 * console.log(lower(s, [A, B], { name: "scale" })); // the TIR
 * ```
 */
export function lower(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): IRModule {
  return guardStack("lower", () => lowerChecked(s, args, opts, false));
}

/**
 * lower() for a program about to be compiled and run (build(), the auto-scheduler's candidates):
 * the same module, after refusing a program that certainly accesses an argument out of bounds
 * (transform/check_certain_bounds.ts) or has a tensor too large for int32 indices
 * (transform/check_index_width.ts). lower() itself still prints such a program.
 */
export function lowerForBuild(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): IRModule {
  return lowerChecked(s, args, opts, true);
}

function lowerChecked(s: Schedule, args: LowerArg[], opts: LowerOptions, forBuild: boolean): IRModule {
  checkLowerOptions(opts);
  const start = process.hrtime.bigint();
  const name = opts.name ?? "main";
  const dump = opts.dumpIr === undefined ? undefined : new DumpIR(opts.dumpIr);
  const func = scheduleToPrimFunc(s, args, opts);
  if (forBuild) checkCertainBounds(checkIndexWidth(func));
  let mod = new IRModule(new Map([[name, func]]));
  log("debug", "lower", `schedule-ops of '${name}'`, since(start));
  dump?.dump("schedule_ops", mod);
  mod = runLowerPipeline(mod, opts, dump ? [dump] : []);
  log("info", "lower", `'${name}'`, since(start));
  return opts.explain ? mod.withExplanation(explainBounds(s)) : mod;
}
