// Prints what every case gives today, judged against its expectation (a tool for writing cases):
// `node --import tsx test/reliability/bad_input/dump.ts [group]`. Child cases run in-process here.
import { groups } from "./index.js";
import { judge, outcome } from "./case.js";

for (const g of groups) {
  if (process.argv[2] && g.name !== process.argv[2]) continue;
  for (const c of g.cases) {
    if (c.child && process.argv[3] !== "all") { console.log(`CHILD ${g.name} / ${c.name}`); continue; }
    const o = await outcome(c);
    const bad = judge(c, o);
    console.log(`${bad ? (c.pending ? "PEND " : "FAIL ") : "ok   "}${g.name} / ${c.name}${bad ? `\n      ${bad}` : ""}`);
  }
}
