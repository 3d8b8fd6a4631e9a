// The hand schedule of the softmax workload: rows parallel, max and sum rfactored into
// lanes-wide partials, exp vectorized into a row buffer (bench/suite/schedules/softmax_rows.ts,
// with te.exp: the same function as ops.softmax's default), args [X, Y].
import { softmaxRows } from "../suite/schedules/softmax_rows.js";
import type { Scheduled } from "./types.js";

/** Softmax over the rows of an r x c float32 matrix. */
export function handSoftmax(r: number, c: number, lanes: number): Scheduled {
  return softmaxRows(r, c, lanes, false);
}
