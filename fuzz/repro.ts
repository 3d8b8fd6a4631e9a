// A failing case as a ready ava test: the case's data and a check that it passes. The file
// works from test/fuzz/ or from fuzz/found/ (both two levels below the project root).

import type { Case } from "./spec.js";

export function reproTest(c: Case, title: string, status: string, detail: string | undefined): string {
  const lines = (xs: unknown[]): string => (xs.length === 0 ? "[]" : `[\n${xs.map((x) => `    ${JSON.stringify(x)},`).join("\n")}\n  ]`);
  const json = `{\n  program: { stages: ${lines(c.program.stages).replace(/\n {2}\]$/, "\n  ] }")},\n  steps: ${lines(c.steps)},\n` +
    `  cflags: ${JSON.stringify(c.cflags)},${c.cc ? ` cc: ${JSON.stringify(c.cc)},` : ""} n: ${c.n}, dataSeed: ${c.dataSeed},\n}`;
  return `// Found by the differential fuzzer (npm run fuzz), shrunk: ${title}.
// It failed with status "${status}": ${(detail ?? "").split("\n")[0].slice(0, 300).replace(/\*\//g, "* /")}
// checkCase builds the program and the schedule, compiles and runs it, runs the interpreter,
// and compares both with the reference evaluation of the unscheduled program.
import test from "ava";
import { checkCase } from "../../fuzz/check.js";
import type { Case } from "../../fuzz/spec.js";

const fuzzCase: Case = ${json};

test(${JSON.stringify(`fuzz: ${title}: compiled kernel and interpreter agree with the reference`)}, (t) => {
  const r = checkCase(fuzzCase);
  t.is(r.status, "pass", r.detail);
});
`;
}
