// `tejit tune FILE`: tunes a program module with the queue a --queue module makes, prints the
// keys, the best time and the chosen schedule as TE code, appends every measurement to the
// records file, and a second run continues from it; bad flags are usage errors.

import test from "ava";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../ts/cli/main.js";
import { loadRecords } from "../../ts/auto_scheduler/records.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (f: string) => join(here, "fixtures", f);

async function run(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const status = await main(argv, (s) => { out += s; }, (s) => { err += s; });
  return { status, out, err };
}

test.serial("tune FILE prints the best schedule and appends the records; a second run continues", async (t) => {
  const records = join(mkdtempSync(join(tmpdir(), "tejit-tune-")), "mm.jsonl");
  const r = await run("tune", fixture("small_matmul.ts"), "--trials", "6", "--batch", "3", "--seed", "4", "--records", records, "--queue", fixture("fake_queue.ts"));
  t.is(r.status, 0, r.err);
  const lines = r.out.split("\n");
  t.regex(lines[0], new RegExp(`^workload [0-9a-f]{16}, target [0-9a-f]{16}: 6 trials \\(0 errors\\), records in ${records.replace(/[.]/g, "\\.")}$`));
  t.regex(lines[1], /^best: \d+\.\d{3} ms \((unscheduled|sample|mutation)\); unscheduled: \d+\.\d{3} ms$/);
  t.true(lines[2] === "(no steps: the unscheduled program)" || /^s(\[C(\.global)?\])?\./.test(lines[2]), lines[2]);
  t.is(loadRecords(records).length, 6);
  const again = await run("tune", fixture("small_matmul.ts"), "--trials", "4", "--records", records, "--queue", fixture("fake_queue.ts"));
  t.is(again.status, 0, again.err);
  t.is(loadRecords(records).length, 10);
  t.notRegex(again.out, /unscheduled: /, "the unscheduled program was measured in the first run");
});

test.serial("tune's bad flags are usage errors", async (t) => {
  const bad = await run("tune", fixture("small_matmul.ts"), "--trials", "0");
  t.is(bad.status, 2);
  t.regex(bad.err, /^tejit: --trials expects a positive integer, got '0'\n/);
  const seed = await run("tune", fixture("small_matmul.ts"), "--seed", "x");
  t.regex(seed.err, /^tejit: --seed expects an integer, got 'x'\n/);
  const q = await run("tune", fixture("small_matmul.ts"), "--queue", fixture("small_matmul.ts"));
  t.is(q.status, 1);
  t.regex(q.err, /^tejit: --queue .*small_matmul\.ts: the module's default export must be a function returning a MeasureQueue\n$/);
});
