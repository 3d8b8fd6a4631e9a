// The shapes of the auto-scheduler benchmark: a workload (a TE program made fresh on demand, its
// optional `ops` default and hand schedule, the targets) and a variant (one schedule of
// it, built, with its argument tensors in the kernel's order: inputs first, the output last).
import type { te } from "../../ts/index.js";

/** A schedule of a workload and the tensors it is built with ([inputs..., output]). */
export interface Scheduled {
  s: te.Schedule;
  args: te.Tensor[];
  /** build's maxStackBytes when the schedule allocates a tile on the stack. */
  maxStackBytes?: number;
}

/** A program: its output tensors and the kernel's arguments ([inputs..., output]). */
export interface Program {
  outputs: te.Tensor[];
  args: te.Tensor[];
}

/** The ratios the issue asks for (tuned time over each other time, as speed-ups: other ÷ tuned). */
export interface Targets {
  vsDefault?: number;
  vsUnscheduled?: number;
  vsHand?: number;
}

/** One workload of the benchmark. */
export interface Workload {
  /** Short name, used on the command line and in file names (bench/out/autoscheduler/<name>.*). */
  name: string;
  /** What it is, for the table. */
  title: string;
  /** Floating-point operations a call (for GFLOP/s), when meaningful. */
  flop?: number;
  /** A fresh program (new tensors) each call. */
  program(): Program;
  /** The `ops` default schedule of a fresh program, when the program is made of `ops`. */
  opsDefault?: () => Scheduled;
  /** The hand-written schedule (bench/autoscheduler/hand_<name>.ts), given the float32 lanes of the target. */
  hand?: (lanes: number) => Scheduled;
  /** Relative tolerance of the reference check (default 1e-3). */
  rtol?: number;
  targets: Targets;
}
