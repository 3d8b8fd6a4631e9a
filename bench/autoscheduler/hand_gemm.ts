// The hand schedule of the GEMM workloads: the best GEMM schedule written with the TE API so far
// (bench/suite/schedules/gemm_panel.ts: B packed into panels of two vectors, a cacheWrite
// mr x nr register tile at each row block, k outermost in the tile, rows unrolled, columns
// vectorized, row blocks parallel). Re-exported here so the benchmark's hand schedules sit in one
// folder; the lanes come from the target (ops.targetInfo), never assumed.
import { gemmPanel } from "../suite/schedules/gemm_panel.js";
import type { Scheduled } from "./types.js";

/** C = A·B (m x k · k x n, float32) with the panel schedule, args [A, B, C]. */
export function handGemm(m: number, n: number, k: number, lanes: number): Scheduled {
  return gemmPanel(m, n, k, lanes);
}
