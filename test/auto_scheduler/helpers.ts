// Jobs for the measurement tests: small programs built with tejit and taken as C source (the
// unscheduled one is the reference; split/vectorized ones are right candidates, a program with
// another constant is a wrong one), and hand-written variants of the C that dereference NULL or
// loop forever. A private compile cache per test process.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, te } from "../../ts/index.js";
import type { MeasureJob } from "../../ts/auto_scheduler/measure_job.js";

if (!process.env.TEJIT_CACHE_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "tejit-as-test-cache-"));
  process.env.TEJIT_CACHE_DIR = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}

export const N = 256;
export const ENTRY = "axpb";

/** C source of B[i] = A[i] * 2 + c over N floats, the loop split by `factor` (0: unscheduled). */
export function axpbSource(factor: number, c = 1, vectorize = false): string {
  const A = te.placeholder([N], "float32", "A");
  const B = te.compute([N], (i) => A.at(i).mul(2).add(c), "B");
  const s = te.createSchedule(B.op);
  if (factor > 0) {
    const [, inner] = s.stage(B).split(B.op.axis[0], { factor });
    if (vectorize) s.stage(B).vectorize(inner);
  }
  return build(s, [A, B], { name: ENTRY }).getSource();
}

/** `source` with `stmt` run first in the entry function (hand-written misbehaviour). */
export function withStatement(source: string, stmt: string): string {
  const head = `int32_t ${ENTRY}(void* args, int32_t* arg_type_ids, int32_t num_args, void* out_ret_value, int32_t* out_ret_tcode, void* resource_handle) {`;
  if (!source.includes(head)) throw new Error("withStatement: the entry function's header is not in the source");
  return source.replace(head, `${head}\n  ${stmt}`);
}

export const crashingSource = (): string => withStatement(axpbSource(0), "*(volatile int*)0 = 1;");
export const hangingSource = (): string => withStatement(axpbSource(0), "for (;;) { __asm__ volatile(\"\"); }");

/** A job measuring `source` against the unscheduled program; its id hashes the source (and `salt`). */
export function axpbJob(source: string, over: Partial<MeasureJob> = {}, salt = ""): MeasureJob {
  const id = createHash("sha256").update(`${source}\0${salt}`).digest("hex").slice(0, 32);
  return {
    id,
    workloadKey: "axpb-256",
    targetKey: "test-target",
    source,
    referenceSource: axpbSource(0),
    entry: ENTRY,
    cflags: [],
    args: [
      { name: "A", dtype: "float32", shape: [N], role: "input" },
      { name: "B", dtype: "float32", shape: [N], role: "output" },
    ],
    dataSeed: 7,
    rtol: 1e-5,
    timeoutMs: 2000,
    minRepeats: 2,
    maxRepeats: 4,
    stableWithin: 0.5,
    threads: 1,
    ...over,
  };
}
