// No runtime import cycles among ts/**/*.ts (issue 11, item 8): a cycle makes the order modules
// initialise in depend on which one is imported first, so a class can be undefined where it is
// used at load time. Type-only imports (`import type`, `export type`, specifiers marked `type`)
// are erased by the compiler and do not count. import_graph.ts parses the imports.
import test from "ava";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cyclicComponents, findCycles, importGraph, projectImportGraph, runtimeImports } from "./import_graph.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Cycles known and left for now, each the sorted files of its strongly connected component, with
 * why it is still there. Empty when none is left.
 */
const KNOWN: { files: string[]; why: string }[] = [];

test("ts/ has no runtime import cycle", (t) => {
  const g = projectImportGraph(root);
  t.true(g.size > 200, `the walk found the project's files (${g.size})`);
  t.true(g.get("ts/index.ts")!.includes("ts/lower.ts"), "edges are resolved to files");
  const components = cyclicComponents(g);
  const cycles = findCycles(g);
  const known = new Set(KNOWN.map((k) => k.files.join(" ")));
  const fresh = components.map((c, i) => ({ c, cycle: cycles[i] })).filter(({ c }) => !known.has(c.join(" ")));
  t.deepEqual(fresh.map(({ cycle, c }) => `${cycle.join(" -> ")}${c.length > cycle.length - 1 ? ` (the cycle's component: ${c.join(", ")})` : ""}`), [], "import cycles");
  const gone = KNOWN.filter((k) => !components.some((c) => c.join(" ") === k.files.join(" ")));
  t.deepEqual(gone.map((k) => k.files.join(", ")), [], "known cycles that no longer exist: remove them from KNOWN");
});

test("type-only imports and exports are no edges; value ones, side-effect ones and re-exports are", (t) => {
  const src = [
    'import type { A } from "./a.js";',
    'import { type B, type C } from "./b.js";',
    'import { type D, E } from "./c.js";',
    'import "./d.js";',
    'import * as ns from "./e.js";',
    'export type { F } from "./f.js";',
    'export { type G } from "./g.js";',
    'export { H } from "./h.js";',
    'export * from "./i.js";',
    'import fs from "node:fs";',
    'const lazy = () => import("./j.js");',
  ].join("\n");
  t.deepEqual(runtimeImports("x.ts", src), ["./c.js", "./d.js", "./e.js", "./h.js", "./i.js"]);
});

test("a cycle is found and named in import order, a type-only back edge is none", (t) => {
  const files = new Map([
    ["ts/a.ts", 'import { b } from "./sub/b.js";\nimport { d } from "./d.js";'],
    ["ts/sub/b.ts", 'import { c } from "../c.js";'],
    ["ts/c.ts", 'import { a } from "./a.js";'],
    ["ts/d.ts", 'import type { a } from "./a.js";'],
    ["ts/e.ts", 'import { e } from "./e.js";'],
  ]);
  const g = importGraph(files);
  t.deepEqual(findCycles(g), [["ts/a.ts", "ts/sub/b.ts", "ts/c.ts", "ts/a.ts"], ["ts/e.ts", "ts/e.ts"]]);
  t.deepEqual(cyclicComponents(g), [["ts/a.ts", "ts/c.ts", "ts/sub/b.ts"], ["ts/e.ts"]]);
  files.set("ts/c.ts", 'import type { a } from "./a.js";');
  files.delete("ts/e.ts");
  t.deepEqual(findCycles(importGraph(files)), []);
});

test("importing ir/expr.js or ir/stmt.js alone gives nodes whose methods and toString work", (t) => {
  // expr_nodes.ts reaches op.ts and printer.ts through the table expr.ts fills (no cycle); a
  // fresh process that imports one file shows the table is filled by that import alone.
  const run = (file: string, body: string): string => {
    const script = `import * as m from ${JSON.stringify(path.join(root, file))};\nimport { IntImm } from ${JSON.stringify(path.join(root, "ts/ir/expr_nodes.ts"))};\n${body}`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    t.is(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  t.is(run("ts/ir/expr.ts", 'const i = new m.Var("i", "int32"); console.log(String(new m.IntImm("int32", 2).add(3)), String(i.mul(4).add(1).lt(16)));'), "5 (((i*4) + 1) < 16)");
  t.is(run("ts/ir/stmt.ts", 'console.log(String(new m.SeqStmt([new m.Evaluate(new IntImm("int32", 1)), new m.Evaluate(new IntImm("int32", 2))])));'), "{\n  1\n  2\n}");
});
