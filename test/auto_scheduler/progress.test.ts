// The status line of a tuning run: trials done, best so far, time left, written over itself on
// a terminal and not at all on anything else.

import test from "ava";
import { progressLine, TerminalProgress, type TuneProgress } from "../../ts/auto_scheduler/progress.js";

const p: TuneProgress = { done: 3, trials: 10, bestSeconds: 0.0123456, elapsedMs: 3000, remainingMs: 7000, last: { seconds: 0.02 } };

test("the line says trials done, best so far and time left", (t) => {
  t.is(progressLine(p), "tune: 3/10 trials, best 12.346 ms, ~7 s left");
  t.is(progressLine({ ...p, bestSeconds: undefined }), "tune: 3/10 trials, best none yet, ~7 s left");
  t.is(progressLine({ ...p, bestSeconds: 4.2e-5 }), "tune: 3/10 trials, best 42.0 us, ~7 s left");
});

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: "", write(x: string) { s.text += x; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test("on a terminal the line is rewritten in place and ended once; elsewhere nothing is written", (t) => {
  const tty = stream(true);
  const bar = new TerminalProgress(tty);
  bar.update(p);
  bar.update({ ...p, done: 4 });
  bar.finish();
  t.is(tty.text, "\r\x1b[Ktune: 3/10 trials, best 12.346 ms, ~7 s left\r\x1b[Ktune: 4/10 trials, best 12.346 ms, ~7 s left\n");
  const pipe = stream(false);
  const quiet = new TerminalProgress(pipe);
  quiet.update(p);
  quiet.finish();
  t.is(pipe.text, "");
});
