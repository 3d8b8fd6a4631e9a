// The bad-input table (issue 9): every case in test/reliability/bad_input/ gives the Error (or
// TypeError) it lists, with a message naming the thing and what was expected, and afterwards the
// process still runs a kernel built before the case and builds a new one correctly. Cases that
// could crash or hang the process run in a child process, which reports what it saw and its own
// health check; a crash shows as the child's signal. Cases whose fix another helper is making
// (pending) are skipped until that fix is merged.
import test from "ava";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { groups } from "./bad_input/index.js";
import { type BadInputCase, judge, outcome, type Outcome, stillBuilds, stillComputes } from "./bad_input/case.js";

const childScript = join(import.meta.dirname, "bad_input", "child.ts");

/** Runs one case in a child Node; resolves with its report, or a description of how it died. */
function runInChild(group: string, c: BadInputCase): Promise<{ outcome?: Outcome; health?: string | null; died?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", childScript, group, c.name], {
      env: { ...process.env, ...c.child?.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), c.child?.timeoutMs ?? 60_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop() ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line));
      else resolve({ died: `child exited with ${signal ?? code}${err ? `: ${err.trim().slice(-2000)}` : ""}` });
    });
  });
}

/** At most two children at a time (the machine is shared). */
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

let total = 0;
let pending = 0;
for (const g of groups) {
  for (const c of g.cases) {
    total++;
    const title = `${g.name} / ${c.name}`;
    if (c.pending) {
      pending++;
      test.skip(`${title} (pending: ${c.pending})`, () => {});
      continue;
    }
    if (c.child) {
      test(title, async (t) => {
        const r = await limited(() => runInChild(g.name, c));
        if (r.died) return t.fail(r.died);
        t.is(judge(c, r.outcome!), undefined);
        t.is(r.health, null, "the child still computes after the case");
      });
      continue;
    }
    test.serial(title, async (t) => {
      t.is(judge(c, await outcome(c)), undefined);
      t.is(stillComputes(), undefined, "a kernel built before the case still computes");
    });
  }
  test.serial(`${g.name}: afterwards a new kernel builds and computes`, (t) => {
    t.is(stillBuilds(), undefined);
  });
}

test("the table has at least 80 cases that are not pending", (t) => {
  t.true(total - pending >= 80, `${total - pending} of ${total}`);
});
