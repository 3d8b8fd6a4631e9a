// Every group of the bad-input table, in the order the test runs them.
import type { CaseGroup } from "./case.js";
import { callCases } from "./call.js";
import { teCases } from "./te.js";
import { scheduleCases } from "./schedule.js";
import { buildCases } from "./build.js";
import { moduleCases } from "./module.js";

export const groups: CaseGroup[] = [
  { name: "kernel calls", cases: callCases },
  { name: "tensor expressions", cases: teCases },
  { name: "schedules", cases: scheduleCases },
  { name: "lower and build", cases: buildCases },
  { name: "modules, registry, arrays and callbacks", cases: moduleCases },
];
