// PassContext (TVM's tvm.transform.PassContext): the options the passes read, the instruments
// that watch them, which passes are disabled or required, and the user passes added to the
// lowering pipeline by phase (TVM's "tir.add_lower_pass"). `config` takes tejit's option names
// (those of lower() and build(): `autoUnrollMaxStep`, `disableVectorize`, …) and TVM's keys
// (`tir.UnrollLoop`: {auto_max_step, …}, `tir.LoopPartition`, `tir.disable_vectorize`,
// `tir.instrument_bound_checkers`, `tir.add_lower_pass`); both resolve to one `options` record
// (boundsCheck defaults to TEJIT_BOUNDS_CHECK=1).
// A context is made current for a piece of code with `ctx.scope(fn)` (TVM's `with ctx:`), which
// also holds across awaits; lower() and build() run under the current one, their own options
// taking precedence.

import { ArgumentError } from "../errors.js";
import { AsyncLocalStorage } from "node:async_hooks";
import type { IRModule } from "../ir/function.js";
import { describe } from "../ir/op.js";
import type { Pass, PassInfo } from "./pass.js";
import type { PassInstrument } from "./instrument.js";

/** The options passes read, resolved from a context's config. */
export interface PassOptions {
  /** TVM's simple_mode: the lowering pipeline skips loop partitioning. */
  readonly simpleMode: boolean;
  /** Partition loops with constant bounds at their `likely` guards too (TVM's partition_const_loop). */
  readonly partitionConstLoop: boolean;
  /** Loop partition keeps a part of one iteration as a loop of extent 1 (TVM's no_unroll_loop_with_extent_one). */
  readonly noUnrollLoopWithExtentOne: boolean;
  /**
   * A loop with the loop_partition_hint pragma that cannot be partitioned becomes an "unroll"
   * loop (TVM's unroll_loop_with_partition_hint_no_interval).
   */
  readonly unrollLoopWithPartitionHintNoInterval: boolean;
  /** Leave vectorized loops serial (TVM's disable_vectorize). */
  readonly disableVectorize: boolean;
  /** Unroll inner loops of up to this many steps (TVM's auto_unroll_max_step). */
  readonly autoUnrollMaxStep: number;
  /** The deepest loop nest unrolled automatically (TVM's auto_unroll_max_depth). */
  readonly autoUnrollMaxDepth: number;
  /** Unroll every loop of at most this extent (TVM's auto_unroll_max_extent). */
  readonly autoUnrollMaxExtent: number;
  /** Expand unrolled loops (TVM's unroll_explicit); false keeps `for ... "unroll"` for the C compiler. */
  readonly unrollExplicit: boolean;
  /** Check every load and store against its buffer at run time (TVM's instrument_bound_checkers). */
  readonly boundsCheck: boolean;
  /**
   * Constant-size allocations up to this many bytes live on the C stack (host pipeline), while
   * the stack arrays of one function or parallel body stay within STACK_FRAME_BYTES (64 KiB).
   */
  readonly maxStackBytes: number;
  /** The widest vector (bytes) kept whole by SplitWideVectors; undefined: from the default compiler flags. */
  readonly vectorBytes: number | undefined;
  /** Schedules made under the context keep a copy after each primitive (TVM's te.keep_schedule_record). */
  readonly keepScheduleRecord: boolean;
}

/**
 * The options of a context whose config sets none (TVM's defaults: no unrolling but of loops
 * marked unroll, a nest depth of 8; Halide's 16 KiB limit of one stack allocation, where TVM has
 * 1024 bytes, so a register tile of 32 x 32 floats is still a stack array the C compiler can
 * keep in registers and knows to alias nothing).
 */
export const DEFAULT_PASS_OPTIONS: PassOptions = Object.freeze({
  simpleMode: false,
  partitionConstLoop: false,
  noUnrollLoopWithExtentOne: false,
  unrollLoopWithPartitionHintNoInterval: false,
  disableVectorize: false,
  autoUnrollMaxStep: 0,
  autoUnrollMaxDepth: 8,
  autoUnrollMaxExtent: 0,
  unrollExplicit: true,
  boundsCheck: false,
  maxStackBytes: 16384,
  vectorBytes: undefined,
  keepScheduleRecord: false,
});

/** Where user passes go in the lowering pipeline (TVM's add_lower_pass phases). */
export type LowerPhase = 0 | 1 | 2 | 3;

/**
 * A PassContext's config: tejit's option names (those of `lower` and `build`) and TVM's keys;
 * both resolve to one {@link PassOptions} record (a key given both ways takes tejit's).
 */
export interface PassContextConfig {
  /** TVM's simple_mode: skip loop partitioning. */
  simpleMode?: boolean;
  /** See {@link PassOptions.partitionConstLoop}. */
  partitionConstLoop?: boolean;
  /** See {@link PassOptions.disableVectorize}. */
  disableVectorize?: boolean;
  /** See {@link PassOptions.autoUnrollMaxStep}. */
  autoUnrollMaxStep?: number;
  /** See {@link PassOptions.autoUnrollMaxDepth}. */
  autoUnrollMaxDepth?: number;
  /** See {@link PassOptions.autoUnrollMaxExtent}. */
  autoUnrollMaxExtent?: number;
  /** See {@link PassOptions.unrollExplicit}. */
  unrollExplicit?: boolean;
  /** See {@link PassOptions.boundsCheck}. */
  boundsCheck?: boolean;
  /** See {@link PassOptions.maxStackBytes}. */
  maxStackBytes?: number;
  /** See {@link PassOptions.vectorBytes}. */
  vectorBytes?: number;
  /** TVM's UnrollLoop config: auto_max_step, auto_max_depth, auto_max_extent, explicit_unroll. */
  "tir.UnrollLoop"?: { auto_max_step?: number; auto_max_depth?: number; auto_max_extent?: number; explicit_unroll?: boolean };
  /** See {@link PassOptions.noUnrollLoopWithExtentOne}. */
  noUnrollLoopWithExtentOne?: boolean;
  /** See {@link PassOptions.unrollLoopWithPartitionHintNoInterval}. */
  unrollLoopWithPartitionHintNoInterval?: boolean;
  /** TVM's LoopPartition config: partition_const_loop, no_unroll_loop_with_extent_one, unroll_loop_with_partition_hint_no_interval. */
  "tir.LoopPartition"?: { partition_const_loop?: boolean; no_unroll_loop_with_extent_one?: boolean; unroll_loop_with_partition_hint_no_interval?: boolean };
  /** TVM's key for disableVectorize. */
  "tir.disable_vectorize"?: boolean;
  /** TVM's key for boundsCheck. */
  "tir.instrument_bound_checkers"?: boolean;
  /** User passes added to the lowering pipeline, each at a phase (0 to 3), as TVM's add_lower_pass. */
  "tir.add_lower_pass"?: readonly (readonly [LowerPhase, Pass])[];
  /** TVM's key for keepScheduleRecord: `s.scheduleRecord` and `s.primitiveRecord` of new schedules. */
  "te.keep_schedule_record"?: boolean;
}

/** What a {@link PassContext} is made from. */
export interface PassContextInit {
  /** Passes whose optLevel is above this are skipped (default 2, as TVM). */
  optLevel?: number;
  /** The options passes read. */
  config?: PassContextConfig;
  /** Instruments called around every pass that runs. */
  instruments?: readonly PassInstrument[];
  /** Names of passes not to run. */
  disabledPass?: readonly string[];
  /** Names of passes to run whatever their optLevel. */
  requiredPass?: readonly string[];
}

const BOOLEAN_KEYS = [
  "simpleMode", "partitionConstLoop", "noUnrollLoopWithExtentOne", "unrollLoopWithPartitionHintNoInterval", "disableVectorize",
  "unrollExplicit", "boundsCheck",
] as const;
const TVM_LOOP_PARTITION: Record<string, keyof PassOptions> = {
  partition_const_loop: "partitionConstLoop",
  no_unroll_loop_with_extent_one: "noUnrollLoopWithExtentOne",
  unroll_loop_with_partition_hint_no_interval: "unrollLoopWithPartitionHintNoInterval",
};
const COUNT_KEYS = ["autoUnrollMaxStep", "autoUnrollMaxDepth", "autoUnrollMaxExtent", "maxStackBytes", "vectorBytes"] as const;
const TVM_UNROLL: Record<string, keyof PassOptions> = {
  auto_max_step: "autoUnrollMaxStep", auto_max_depth: "autoUnrollMaxDepth", auto_max_extent: "autoUnrollMaxExtent", explicit_unroll: "unrollExplicit",
};
/** Every config key a context accepts. */
export const CONFIG_KEYS: readonly string[] = [
  ...BOOLEAN_KEYS, ...COUNT_KEYS, "tir.UnrollLoop", "tir.LoopPartition", "tir.disable_vectorize", "tir.instrument_bound_checkers", "tir.add_lower_pass",
  "te.keep_schedule_record",
];

function checkBoolean(key: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new ArgumentError(`PassContext config '${key}' must be a boolean, got ${describe(v)}`);
  return v;
}

function checkCount(key: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new ArgumentError(`PassContext config '${key}' must be a non-negative integer, got ${describe(v)}`);
  return v;
}

function checkRecord(key: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new ArgumentError(`PassContext config '${key}' must be an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

/** The options a config sets (only those it sets), checked. */
export function resolveConfig(config: PassContextConfig): Partial<PassOptions> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(checkRecord("config", config))) {
    if (v === undefined) continue;
    if ((BOOLEAN_KEYS as readonly string[]).includes(key)) out[key] = checkBoolean(key, v);
    else if ((COUNT_KEYS as readonly string[]).includes(key)) out[key] = checkCount(key, v);
    else if (key === "tir.disable_vectorize") out.disableVectorize = checkBoolean(key, v);
    else if (key === "tir.instrument_bound_checkers") out.boundsCheck = checkBoolean(key, v);
    else if (key === "te.keep_schedule_record") out.keepScheduleRecord = checkBoolean(key, v);
    else if (key === "tir.LoopPartition") {
      for (const [k, x] of Object.entries(checkRecord(key, v))) {
        const name = TVM_LOOP_PARTITION[k];
        if (!name) throw new ArgumentError(`PassContext config '${key}' has no field '${k}'; it has ${Object.keys(TVM_LOOP_PARTITION).join(", ")}`);
        out[name] = checkBoolean(`${key}.${k}`, x);
      }
    } else if (key === "tir.UnrollLoop") {
      for (const [k, x] of Object.entries(checkRecord(key, v))) {
        const name = TVM_UNROLL[k];
        if (!name) throw new ArgumentError(`PassContext config '${key}' has no field '${k}'; it has ${Object.keys(TVM_UNROLL).join(", ")}`);
        out[name] = name === "unrollExplicit" ? checkBoolean(`${key}.${k}`, x) : checkCount(`${key}.${k}`, x);
      }
    } else if (key === "tir.add_lower_pass") {
      // Checked where it is read (lowerPhasePasses).
    } else {
      throw new ArgumentError(`PassContext config has no key '${key}'; the keys are ${CONFIG_KEYS.join(", ")}`);
    }
  }
  return out as Partial<PassOptions>;
}

function checkNames(what: string, v: unknown): readonly string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new ArgumentError(`PassContext ${what} must be an array of pass names, got ${describe(v)}`);
  return Object.freeze([...v]);
}

function checkInstruments(v: unknown): readonly PassInstrument[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ArgumentError(`PassContext instruments must be an array, got ${describe(v)}`);
  v.forEach((x, i) => {
    if (x === null || typeof x !== "object") throw new ArgumentError(`PassContext instrument ${i} must be an object with runBeforePass / runAfterPass / shouldRun methods, got ${describe(x)}`);
  });
  return Object.freeze([...v]);
}

function checkLowerPasses(v: unknown): readonly (readonly [LowerPhase, Pass])[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ArgumentError(`PassContext config 'tir.add_lower_pass' must be an array of [phase, pass] pairs, got ${describe(v)}`);
  return v.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2) throw new ArgumentError(`PassContext config 'tir.add_lower_pass' entry ${i} must be a [phase, pass] pair, got ${describe(entry)}`);
    const [phase, pass] = entry as [unknown, unknown];
    if (phase !== 0 && phase !== 1 && phase !== 2 && phase !== 3) throw new ArgumentError(`PassContext config 'tir.add_lower_pass' entry ${i}: the phase must be 0, 1, 2 or 3, got ${describe(phase)}`);
    if (typeof pass !== "function" || !(pass as Partial<Pass>).info) throw new ArgumentError(`PassContext config 'tir.add_lower_pass' entry ${i}: expects a pass (createPrimFuncPass(...)), got ${describe(pass)}`);
    return [phase, pass as Pass] as const;
  });
}

const store = new AsyncLocalStorage<PassContext>();

/**
 * The options the passes read, the instruments that watch them and which passes are disabled
 * or required (TVM's tvm.transform.PassContext). `ctx.scope(fn)` makes it current for `fn`
 * (TVM's `with ctx:`), across awaits too; `lower` and `build` run under the current one, their
 * own options taking precedence.
 *
 * @example
 * ```ts
 * const timing = new tir.transform.PassTimingInstrument();
 * const ctx = new tir.transform.PassContext({ config: { autoUnrollMaxStep: 16 }, instruments: [timing] });
 * const mod = ctx.scope(() => lower(s, [A, B, C]));
 * console.log(timing.render());
 * ```
 */
export class PassContext {
  /** Passes whose optLevel is above this are skipped unless required. */
  readonly optLevel: number;
  /** The config as given (merged over the enclosing context's by `with`). */
  readonly config: Readonly<PassContextConfig>;
  /** The instruments called around every pass that runs. */
  readonly instruments: readonly PassInstrument[];
  /** Names of passes not to run. */
  readonly disabledPass: readonly string[];
  /** Names of passes to run whatever their optLevel. */
  readonly requiredPass: readonly string[];
  /** The resolved options passes read. */
  readonly options: PassOptions;

  /**
   * @param init The opt level, config, instruments and disabled or required passes.
   * @throws Error naming the option when one is unknown or of the wrong type.
   */
  constructor(init: PassContextInit = {}) {
    checkRecord("init", init);
    const optLevel = init.optLevel ?? 2;
    if (!Number.isInteger(optLevel) || optLevel < 0) throw new ArgumentError(`PassContext optLevel must be a non-negative integer, got ${describe(optLevel)}`);
    this.optLevel = optLevel;
    this.config = Object.freeze({ ...(init.config ?? {}) });
    // TEJIT_BOUNDS_CHECK=1 turns bound checks on where the config does not say.
    const env = { boundsCheck: process.env.TEJIT_BOUNDS_CHECK === "1" };
    this.options = Object.freeze({ ...DEFAULT_PASS_OPTIONS, ...env, ...resolveConfig(this.config) });
    checkLowerPasses(this.config["tir.add_lower_pass"]);
    this.instruments = checkInstruments(init.instruments);
    this.disabledPass = checkNames("disabledPass", init.disabledPass);
    this.requiredPass = checkNames("requiredPass", init.requiredPass);
  }

  /** The context code runs under: the innermost `scope`, else a default one. */
  static current(): PassContext {
    return store.getStore() ?? defaultContext;
  }

  /** Runs `fn` with this context current (instruments' enterPassCtx / exitPassCtx around it). */
  scope<T>(fn: () => T): T {
    for (const i of this.instruments) i.enterPassCtx?.();
    let async = false;
    try {
      const r = store.run(this, fn);
      if (r instanceof Promise) {
        async = true;
        return r.finally(() => this.#exit()) as T;
      }
      return r;
    } finally {
      if (!async) this.#exit();
    }
  }

  #exit(): void {
    for (const i of this.instruments) i.exitPassCtx?.();
  }

  /** This context with `config` merged over its own and `instruments` added after its own. */
  with(config: PassContextConfig, instruments: readonly PassInstrument[] = []): PassContext {
    return new PassContext({
      optLevel: this.optLevel,
      config: { ...this.config, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) },
      instruments: [...this.instruments, ...instruments],
      disabledPass: this.disabledPass,
      requiredPass: this.requiredPass,
    });
  }

  /** User passes added at `phase` of the lowering pipeline. */
  lowerPhasePasses(phase: LowerPhase): Pass[] {
    return checkLowerPasses(this.config["tir.add_lower_pass"]).filter(([p]) => p === phase).map(([, pass]) => pass);
  }

  /** Whether a pass runs: not disabled, its opt level reached (or required), and no instrument says no. */
  shouldRun(info: PassInfo, mod: IRModule): boolean {
    if (this.disabledPass.includes(info.name)) return false;
    if (info.optLevel > this.optLevel && !this.requiredPass.includes(info.name)) return false;
    return this.instruments.every((i) => i.shouldRun?.(mod, info) ?? true);
  }

  /**
   * Calls every instrument's runBeforePass.
   * @param mod The module the pass is about to run on.
   * @param info The pass.
   */
  runBeforePass(mod: IRModule, info: PassInfo): void {
    for (const i of this.instruments) i.runBeforePass?.(mod, info);
  }

  /**
   * Calls every instrument's runAfterPass.
   * @param mod The module the pass returned.
   * @param info The pass.
   */
  runAfterPass(mod: IRModule, info: PassInfo): void {
    for (const i of this.instruments) i.runAfterPass?.(mod, info);
  }
}

const defaultContext = new PassContext();
