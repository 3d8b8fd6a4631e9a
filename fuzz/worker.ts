// The child process that checks fuzz cases, so that a crashing kernel only takes this process
// down: it receives batches (a seed and case indices, or explicit cases) over IPC and answers
// with one Result each (with the case itself when it failed). Its compile cache is the parent's.

import { checkCases, makeCase } from "./check.js";
import type { Case } from "./spec.js";

export type Job = { id: number; seed: number; indices: number[] } | { id: number; cases: Case[] };

process.on("message", (job: Job) => {
  // The pool's own test: TEJIT_FUZZ_CRASH_CASE=k makes the worker die by SIGSEGV on case k.
  const crash = process.env.TEJIT_FUZZ_CRASH_CASE;
  if (crash !== undefined && "indices" in job && job.indices.includes(Number(crash))) process.kill(process.pid, "SIGSEGV");
  const cases = "cases" in job ? job.cases : job.indices.map((i) => makeCase(job.seed, i));
  const names = "cases" in job ? cases.map((_, i) => `fuzz_case_x${i}`) : job.indices.map((i) => `fuzz_case_${i}`);
  const results = checkCases(cases, names).map((r, i) => (r.status === "pass" || r.status === "refused" ? r : { ...r, case: cases[i] }));
  process.send!({ id: job.id, results });
});
process.send!({ ready: true });
