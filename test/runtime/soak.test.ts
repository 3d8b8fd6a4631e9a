// Soak (issue 9, items 9 and "Sanitizers and soak"): 100,000 kernel calls, 100,000 scalar
// callbacks and 100,000 tensor-view callbacks, each loop synchronous (the event loop never runs
// in between), grow RSS by less than 2 MB. Measured in a child process with gc exposed, after a
// warm-up of 200,000 of each (heap and malloc arenas reach their working size), with full GCs
// around each round. Three rounds of 100,000 are measured and the smallest growth must be under
// the limit: a leak grows every round (even 20 bytes per call is 2 MB a round), while a one-off
// high-water step of the allocator, which a loaded machine can cause, shows in one round only.
// Before, each view's ArrayBuffer waited for the event loop to be freed: +20 MB every round.
// `npm run soak` runs 1,000,000 of each and prints the figures.
import test from "ava";
import { runScenario } from "./child.js";

const LIMIT = 2_000_000; // bytes

test("100,000 kernel calls, scalar callbacks and tensor callbacks grow RSS by less than 2 MB", (t) => {
  const r = runScenario("soak", 100_000, 200_000, 3);
  t.is(r.status, 0, r.stderr);
  const { growth } = r.result as { growth: Record<"kernel" | "scalar" | "tensor", number[]> };
  for (const phase of ["kernel", "scalar", "tensor"] as const) {
    t.is(growth[phase].length, 3);
    const least = Math.min(...growth[phase]);
    t.true(least < LIMIT, `${phase}: RSS grew by ${(least / 1e6).toFixed(2)} MB at least (limit 2 MB): ${JSON.stringify(r.result)}`);
  }
});
