// From a candidate schedule to a MeasureJob (measure_job.ts): the schedule is lowered and its C
// generated here, in the tuning process (milliseconds); compiling, running and checking it is the
// queue's work. The reference is the unscheduled program's C, generated once. A schedule that
// does not lower is an error before any job: the search records it as a build error.

import { ArgumentError } from "../errors.js";
import { generateC, type BuildOptions } from "../codegen/build_module.js";
import { lowerForBuild } from "../lower.js";
import type { Schedule } from "../schedule/schedule.js";
import { createSchedule } from "../schedule/schedule.js";
import type { LowerArg } from "../schedule/postproc_to_primfunc.js";
import { Tensor } from "../te/tensor.js";
import type { Operation } from "../te/operation.js";
import { compilerFlags } from "../runtime/compile.js";
import { targetFlags } from "../codegen/build_module.js";
import { flagList } from "../runtime/run_compiler.js";
import type { MeasureArg, MeasureJob } from "./measure_job.js";
import { shortHash } from "./workload_key.js";
import { IntImm } from "../ir/expr.js";

/** What every job of one tuning run shares. */
export interface JobSettings {
  workloadKey: string;
  targetKey: string;
  entry: string;
  build: BuildOptions;
  timeoutMs: number;
  dataSeed: number;
  rtol: number;
  setupModule?: string;
  threads?: number;
  minRepeats: number;
  maxRepeats: number;
  stableWithin: number;
}

/** The kernel arguments of a tuning run: tensors of constant shape, outputs marked. */
export function measureArgs(args: readonly LowerArg[], outputs: readonly Operation[]): MeasureArg[] {
  return args.map((a, i) => {
    if (!(a instanceof Tensor)) throw new ArgumentError(`autoScheduler.tune: argument ${i} (${String(a)}) is not a tensor; tuning takes tensors of constant shape only`);
    const shape = a.shape.map((e, d) => {
      if (!(e instanceof IntImm)) throw new ArgumentError(`autoScheduler.tune: dimension ${d} of tensor '${a.name}' is ${e}, not a constant; tune a program of constant shapes`);
      return e.value;
    });
    return { name: a.name, dtype: a.dtype.toString(), shape, role: outputs.includes(a.op) ? "output" : "input" };
  });
}

/** Every flag of the builds (tejit's defaults, TEJIT_CFLAGS, the target's and the build's own). */
export function jobCflags(build: BuildOptions): string[] {
  return compilerFlags({ cflags: [...targetFlags(build.target), ...flagList(build.cflags)] });
}

/** C source of `s` with `args`, and its exported symbol. */
export function scheduleSource(s: Schedule, args: readonly LowerArg[], entry: string, build: BuildOptions): { source: string; symbol: string } {
  const mod = lowerForBuild(s, [...args], { name: entry });
  const { source, symbols } = generateC(mod, build);
  return { source, symbol: symbols.get(entry) ?? entry };
}

/** The unscheduled program's C: the reference every candidate is checked against. */
export function referenceSource(outputs: readonly Operation[], args: readonly LowerArg[], entry: string, build: BuildOptions): string {
  return scheduleSource(createSchedule([...outputs]), args, entry, build).source;
}

/** A job measuring `source` (a candidate's C), with its id from (workload, schedule, target). */
export function makeJob(settings: JobSettings, scheduleKey: string, source: string, symbol: string, reference: string, args: MeasureArg[]): MeasureJob {
  return {
    id: shortHash(`${settings.workloadKey}\0${scheduleKey}\0${settings.targetKey}`, 32),
    workloadKey: settings.workloadKey,
    targetKey: settings.targetKey,
    source,
    referenceSource: reference,
    entry: symbol,
    cflags: jobCflags(settings.build),
    args,
    dataSeed: settings.dataSeed,
    rtol: settings.rtol,
    timeoutMs: settings.timeoutMs,
    minRepeats: settings.minRepeats,
    maxRepeats: settings.maxRepeats,
    stableWithin: settings.stableWithin,
    ...(settings.setupModule !== undefined ? { setupModule: settings.setupModule } : {}),
    ...(settings.threads !== undefined ? { threads: settings.threads } : {}),
  };
}

