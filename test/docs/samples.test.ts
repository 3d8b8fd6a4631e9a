// Every program in README.md and docs/*.md runs (docs/contributing.md has the conventions): each
// imports only "tejit" (and node: modules), runs in a child process as a user runs it — "tejit"
// is this checkout's ts/index.ts — exits 0, and prints what its output blocks show. Fragments
// say why they do not run, and every file a doc cites exists.
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, runProgram } from "../helpers/run_program.js";
import { citedFolders, citedPaths, docFiles, importsOf, outputMismatch, pathExists, readDoc, samplesOf, type Sample } from "./samples.js";

const docs = docFiles(repoRoot).map((file) => ({ file, text: readDoc(repoRoot, file), ...samplesOf(file, readDoc(repoRoot, file)) }));
const samples: Sample[] = docs.flatMap((d) => d.samples);
const workDir = mkdtempSync(join(tmpdir(), "tejit-doc-samples-"));

test("the docs have samples, and each imports only tejit and node: modules", (t) => {
  t.true(samples.length >= 9, `only ${samples.length} samples found`);
  for (const s of samples) {
    const imports = importsOf(s.code);
    const others = imports.filter((m) => m !== "tejit" && !m.startsWith("node:"));
    t.deepEqual(others, [], `${s.title} imports ${others.join(", ")}; samples import "tejit" as a user does`);
    t.true(imports.includes("tejit"), `${s.title} does not import "tejit"`);
  }
});

for (const s of samples) {
  test(`sample ${s.title} runs${s.expected.length > 0 ? " and prints its output block" : ""}`, async (t) => {
    const file = join(workDir, `${s.title.replace(/[^\w]+/g, "_")}.mts`);
    writeFileSync(file, `${s.code}\n`);
    const r = await runProgram(file, [], { cwd: workDir });
    t.is(r.code, 0, `${s.title} exited with ${r.code ?? r.signal}:\n${r.stderr}\n--- program:\n${s.code}`);
    if (s.expected.length > 0) {
      const mismatch = outputMismatch(s.expected.join("\n"), r.stdout);
      t.is(mismatch, undefined, `${s.title}: ${mismatch}`);
    }
  });
}

test("every fragment says why it does not run", (t) => {
  const fragments = docs.flatMap((d) => d.fragments);
  t.true(fragments.length > 0);
  for (const f of fragments) t.regex(f.code, /^\/\/ fragment: \S/, f.title);
});

/** What a build writes (not in the repository): `npm run docs`'s API reference. */
const GENERATED = new Set(["docs/api/", "api/"]);

test("every file a doc cites exists", (t) => {
  const missing: string[] = [];
  for (const d of docs) {
    const paths = citedPaths(d.text);
    const folders = citedFolders(paths);
    for (const p of paths) {
      if (GENERATED.has(p.path)) continue;
      if (!pathExists(repoRoot, d.file, p.path, folders)) missing.push(`${d.file}:${p.line}: ${p.path}`);
    }
  }
  t.deepEqual(missing, []);
});
