// A Runner for a function called in this process: times `reps` back-to-back calls with the wall
// clock after setting the thread count.
import type { Runner } from "./types.js";

/** A Runner for `call`, whose output `output()` returns; `setThreads` applies a thread count. */
export function inProcess(call: () => void, output: () => ArrayLike<number>, setThreads: (t: number) => void = () => {}): Runner {
  return {
    async time(reps, threads) {
      setThreads(threads);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) call();
      return Number(process.hrtime.bigint() - t0) / 1e9 / reps;
    },
    async result(threads) {
      setThreads(threads);
      call();
      return output();
    },
  };
}
