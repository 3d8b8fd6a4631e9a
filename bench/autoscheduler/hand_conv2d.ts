// The hand schedule of the conv2d workloads: Halide's anchor schedule written with the TE API
// (bench/suite/schedules/conv_tiled.ts: the input padded once, weights repacked by 4 output
// channels, a 4 x 2 x vx cacheWrite tile with the reduction outermost, columns vectorized,
// channel blocks parallel), args [X, W, Y].
import { type ConvShape, convTiled } from "../suite/schedules/conv_tiled.js";
import type { Scheduled } from "./types.js";

/** The conv2d layer `p` (batch 1, NCHW, float32) with the tiled schedule. */
export function handConv2d(p: ConvShape, lanes: number): Scheduled {
  return convTiled(p, lanes);
}
