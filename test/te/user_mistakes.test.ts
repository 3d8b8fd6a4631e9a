// Mistakes new users make in tensor expressions, each caught where it is made with a message that
// names the thing: a reduce axis used outside a reducer, an operand that is not an expression,
// and axis names a tool renamed (named explicitly with axisNames).
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { te } from "../../ts/index.js";

const A = te.placeholder([8, 8], "float32", "A");

test("a reduce axis used outside a reducer is refused where the compute is made", (t) => {
  const k = te.reduceAxis([0, 8], "k");
  t.throws(() => te.compute([8], (i) => A.at(i, k), "C"), {
    message: "compute 'C': reduce axis 'k' is used outside a reduction over it; use it inside a reducer over that axis, e.g. te.sum(A.at(i, k), k) (or a data-parallel index instead)",
  });
  const k2 = te.reduceAxis([0, 8], "k2");
  t.throws(() => te.compute([8], (i) => te.sum(A.at(i, k).add(A.at(k2, i)), k), "T"), { message: /^compute 'T': reduce axis 'k2' is used outside a reduction over it/ });
  t.throws(() => te.compute([8], (i) => te.sum(A.at(i, k), k).add(k.var.cast("float32")), "U"), { message: /^compute 'U': a reduction may only be the top level|^compute 'U': reduce axis 'k'/ });
  const S = te.compute([8], (i) => te.sum(A.at(i, k), k), "S");
  t.is(S.op.reduceAxis[0].var, k.var);
});

test("an operand that is not an expression or a number names the operation and the other operand", (t) => {
  const i = te.var("i");
  t.throws(() => A.at(i, 0).add(undefined as never), { message: "add: the right operand (with A[i, 0]) must be an expression or a number, got undefined" });
  t.throws(() => i.mul("2" as never), { message: "mul: the right operand (with i) must be an expression or a number, got string 2" });
  t.throws(() => te.max(A as never, i), { message: "max: operand 0 must be an expression or a number (or pass reduce axes as the second argument), got an object (Tensor)" });
  t.throws(() => te.floordiv(A as never, i), { message: "floordiv: the left operand (with i) must be an expression or a number, got an object (Tensor)" });
});

test("axisNames names the axes explicitly; under tsx a parameter renamed by esbuild (x to x2) is what fcompute's names give", (t) => {
  const C = te.compute([8, 8], (p, q) => A.at(p, q), "C", { axisNames: ["row", "col"] });
  t.deepEqual(C.op.axis.map((a) => a.var.name), ["row", "col"]);
  t.throws(() => te.compute([8, 8], (p, q) => A.at(p, q), "D", { axisNames: ["row"] }), { message: "compute 'D': axisNames has 1 names (row) but the shape has 2 dimensions" });
  t.throws(() => te.compute([8], (p) => A.at(p, 0), "E", { axisNames: [""] }), { message: /^compute 'E': axisNames must be an array of non-empty strings/ });
  // The renaming itself, in a program run by tsx as a user would run it.
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const dir = mkdtempSync(join(root, "test", "te", ".tmp-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "program.ts"), `import { te } from "../../../ts/index.js";
const x = 3;
const A = te.placeholder([8, 8], "float32", "A");
const f = () => te.compute([8, 8], (x, y) => A.at(x, y), "C");
const g = () => te.compute([8, 8], (x, y) => A.at(x, y), "C", { axisNames: ["x", "y"] });
console.log(f().op.axis.map((a) => a.var.name).join(","), g().op.axis.map((a) => a.var.name).join(","), x);
`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(dir, "program.ts")], { cwd: root, encoding: "utf8" });
  t.is(r.status, 0, r.stderr);
  const [renamed, named] = r.stdout.trim().split(" ");
  t.is(named, "x,y");
  t.true(renamed === "x2,y" || renamed === "x,y", `fcompute's names under tsx: ${renamed}`);
});
