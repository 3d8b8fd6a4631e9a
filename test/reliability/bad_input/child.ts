// Runs one bad-input case in this (child) process and prints what came out as one JSON line:
// `node --import tsx child.ts <group> <case name>`. After the case it checks that this process
// still builds and runs a kernel correctly. The parent (bad_input.test.ts) judges the result; if
// this process crashes or hangs instead, the parent sees its exit signal or the timeout.
import { groups } from "./index.js";
import { outcome, stillBuilds, stillComputes } from "./case.js";

const [groupName, caseName] = process.argv.slice(2);
const c = groups.find((g) => g.name === groupName)?.cases.find((x) => x.name === caseName);
if (!c) {
  console.error(`no case '${caseName}' in group '${groupName}'`);
  process.exit(2);
}
const o = await outcome(c);
const health = stillComputes() ?? stillBuilds();
process.stdout.write(`${JSON.stringify({ outcome: o, health: health ?? null })}\n`);
