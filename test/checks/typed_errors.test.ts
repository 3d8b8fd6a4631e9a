// Every error ts/ throws is typed (issue 11, item 7): no plain `new Error(` (nor TypeError,
// RangeError) is left, and no class extends Error except TejitError (ts/errors.ts) and the
// internal signals listed below, which never leave the file that catches them. docs/errors.md
// says which class to throw.
import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tsFilesUnder } from "./import_graph.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Classes extending Error that are control flow, caught where they are used, never seen by a user. */
const SIGNALS = new Map([["ts/schedule/structural_text.ts", "UnkeyableError"]]);

/** `file:line: text` for each line of the .ts files under ts/ that matches `re`. */
function linesMatching(re: RegExp): string[] {
  const out: string[] = [];
  for (const abs of tsFilesUnder(path.join(root, "ts"))) {
    const file = path.relative(root, abs).split(path.sep).join("/");
    readFileSync(abs, "utf8").split("\n").forEach((line, i) => {
      if (re.test(line)) out.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  return out;
}

test("ts/ throws no untyped Error", (t) => {
  t.deepEqual(linesMatching(/\bnew (Error|TypeError|RangeError|SyntaxError)\(/), []);
});

test("only TejitError and the listed internal signals extend Error", (t) => {
  const found = linesMatching(/\bclass \w+ extends Error\b/);
  t.true(found.some((l) => l.startsWith("ts/errors.ts:") && l.includes("class TejitError extends Error")), "the walk sees ts/errors.ts");
  const others = found.filter((l) => {
    const file = l.slice(0, l.indexOf(":"));
    return !(file === "ts/errors.ts" && l.includes("class TejitError")) && !l.includes(`class ${SIGNALS.get(file)} extends Error`);
  });
  t.deepEqual(others, []);
});

test("the check sees a plain Error where there is one", (t) => {
  // The pattern the first test uses, on lines it must and must not flag.
  const re = /\bnew (Error|TypeError|RangeError|SyntaxError)\(/;
  t.true(re.test('  throw new Error(`bad`);'));
  t.true(re.test("return Promise.reject(new TypeError('x'));"));
  t.false(re.test("throw new ShapeError(`bad`);"));
  t.false(re.test("throw new InternalError('x', { ir });"));
});
