// Scenarios run in a child process by memory.test.ts and soak.test.ts (node --expose-gc), so
// that a crash (a kernel writing freed memory) is seen as a failed test, not a dead runner, and
// RSS is measured in a process doing nothing else. Each prints one JSON line with what it saw.
//   node --expose-gc --import tsx test/runtime/memory_child.ts <scenario> [args...]
import { loadFixture } from "./helpers.js";
import { array, empty, type NDArray } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("memory_child.ts needs node --expose-gc");
const mod = loadFixture("memory.c");
// 4 MiB: freed with munmap, so a write after the free faults at once instead of corrupting quietly.
const N = 1 << 20;

function collect(): void {
  for (let i = 0; i < 4; i++) gc!();
}

/** Fills the heap with fresh buffers, which take the place of any freed memory. */
function churn(): Float32Array[] {
  const junk: Float32Array[] = [];
  for (let i = 0; i < 16; i++) junk.push(new Float32Array(N));
  return junk;
}

const scenarios: Record<string, (args: string[]) => Promise<unknown> | unknown> = {
  // callAsync, then the caller transfers the tensor's buffer away; the new owner is collected.
  async "async-transfer"() {
    const B = array(new Float32Array(N));
    const done = mod.getFunction("slow_fill").callAsync(B, 100, 5);
    let moved: ArrayBuffer | null = structuredClone(B.data.buffer, { transfer: [B.data.buffer] });
    const detached = B.data.length === 0;
    moved = null;
    collect();
    const junk = churn();
    await done;
    collect();
    return { detached, resolved: true, junkWritten: junk.some((j) => j[0] === 5 || j[N - 1] === 5), moved };
  },
  // Same, but the new owner keeps the buffer: the kernel's writes land in it (the memory moved).
  async "async-transfer-kept"() {
    const B = array(new Float32Array(N));
    const done = mod.getFunction("slow_fill").callAsync(B, 50, 7);
    const moved = new Float32Array(structuredClone(B.data.buffer, { transfer: [B.data.buffer] }));
    collect();
    await done;
    return { movedAllSeven: moved.every((v) => v === 7), length: moved.length };
  },
  // A callback of a synchronous call transfers the kernel's argument away and collects it; the
  // kernel then writes that argument.
  "sync-callback-transfer"() {
    const B = array(new Float32Array(N));
    registerFunc("mem.steal", () => {
      let moved: ArrayBuffer | null = structuredClone(B.data.buffer, { transfer: [B.data.buffer] });
      moved = null;
      collect();
      churn();
      return moved === null ? 1 : 0;
    });
    const r = mod.getFunction("call_then_fill")("mem.steal", B, 3);
    collect();
    const junk = churn();
    return { result: r, detached: B.data.length === 0, junkWritten: junk.some((j) => j[0] === 3) };
  },
  // The same from a parallel region: task 1's callback (queued from a pool thread to the JS
  // thread) transfers the argument away and collects it while task 0 keeps writing it.
  "parallel-callback-transfer"() {
    const B = array(new Float32Array(N));
    registerFunc("mem.par", (task: number) => {
      if (task !== 1) return 0;
      let moved: ArrayBuffer | null = structuredClone(B.data.buffer, { transfer: [B.data.buffer] });
      moved = null;
      collect();
      churn();
      return moved === null ? 1 : 0;
    });
    mod.getFunction("par_call_then_fill")("mem.par", B, 8);
    collect();
    const junk = churn();
    return { detached: B.data.length === 0, junkWritten: junk.some((j) => j[0] === 8 || j[N - 1] === 8) };
  },
  // RSS growth of `count` kernel calls, scalar callbacks and tensor-view callbacks, each loop
  // synchronous, after a warm-up of `warm` of each, measured `rounds` times in a row: for each
  // phase, the growth of every round in bytes, and seconds per round.
  soak(args) {
    const count = Number(args[0] ?? 100000);
    const warm = Number(args[1] ?? 200000);
    const rounds = Number(args[2] ?? 3);
    const A = empty([64]), B = empty([64]), C = empty([64]);
    const add3 = mod.getFunction("add3");
    const loop = mod.getFunction("callback_loop");
    let sink = 0;
    registerFunc("soak.scalar", (x: number) => { sink += x; });
    registerFunc("soak.tensor", (v: NDArray) => { sink += v.size; });
    const phases: [string, (n: number) => void][] = [
      ["kernel", (n) => { for (let i = 0; i < n; i++) add3(A, B, C); }],
      ["scalar", (n) => loop("soak.scalar", n, 1)],
      ["tensor", (n) => loop("soak.tensor", n, 2, A)],
    ];
    const growth: Record<string, number[]> = {};
    const seconds: Record<string, number[]> = {};
    for (const [name, run] of phases) {
      run(warm);
      growth[name] = [];
      seconds[name] = [];
      for (let r = 0; r < rounds; r++) {
        collect();
        const before = process.memoryUsage().rss;
        const t0 = process.hrtime.bigint();
        run(count);
        seconds[name].push(Number(process.hrtime.bigint() - t0) / 1e9);
        collect();
        growth[name].push(process.memoryUsage().rss - before);
      }
    }
    return { count, warm, rounds, growth, seconds, sink: sink > 0 };
  },
};

const [name, ...rest] = process.argv.slice(2);
const scenario = scenarios[name];
if (!scenario) throw new Error(`memory_child.ts: unknown scenario '${name}' (${Object.keys(scenarios).join(", ")})`);
console.log(JSON.stringify(await scenario(rest)));
