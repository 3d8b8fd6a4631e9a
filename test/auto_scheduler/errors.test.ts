// The auto-scheduler's errors by class and code: bad options and records are ArgumentErrors; a
// recorded step that does not apply to the program is a TuneError whose cause is the schedule's
// own error.
import test from "ava";
import { te, autoScheduler, ArgumentError, TuneError, ScheduleError } from "../../ts/index.js";

const A = te.placeholder([16, 16], "float32", "A");
const B = te.compute([16, 16], (i, j) => A.at(i, j).mul(2), "B");

test("tune refuses bad options with an ArgumentError", async (t) => {
  const e = await t.throwsAsync(autoScheduler.tune(B, { args: [A, B], trials: 0 }), { instanceOf: ArgumentError });
  t.is(e?.code, "ERR_ARGUMENT");
  t.is(e?.message, "autoScheduler.tune: option trials must be a positive integer, got 0");
});

test("a record of an unknown version is an ArgumentError naming where it is", (t) => {
  const e = t.throws(() => autoScheduler.applyHistoryBest(B, [A, B], [{ version: 2 } as never]), { instanceOf: ArgumentError });
  t.is(e?.message, "records[0]: unknown record version 2 (expected 1)");
});

test("a trace step that does not apply is a TuneError caused by a ScheduleError", (t) => {
  const e = t.throws(() => autoScheduler.replayTrace(B, [{ p: "split", stage: "B", loop: "i", factor: 0 }]), { instanceOf: TuneError });
  t.is(e?.code, "ERR_TUNE");
  t.regex(e!.message, /^trace step s\[B\]\.split\(i, factor=0\): /);
  t.true(e!.cause instanceof ScheduleError, `the cause is ${String(e!.cause)}`);
  t.is((e!.cause as Error).message, "stage 'B': split of axis 'i': factor must be a positive integer, got 0");
});
