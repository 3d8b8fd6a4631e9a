// The package as a user installs it: `npm pack` of this checkout, installed into a fresh project
// (which builds the addon from the shipped native sources), then a kernel built and run from an
// ES module and from CommonJS (require of the ES entry, Node 20.19+), importing only "tejit", and
// the `tejit` command it installs.
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const kernel = (importLine: string) => `${importLine}
const n = 16;
const A = te.placeholder([n], "float32", "A");
const B = te.compute([n], (i) => A.at(i).mul(2).add(1), "B");
const s = te.createSchedule(B.op);
const f = build(s, [A, B]).getFunction("main");
const a = nd.array(Float32Array.from({ length: n }, (_, i) => i), [n]);
const b = nd.empty([n]);
f(a, b);
console.log(JSON.stringify({ b: Array.from(b.toTypedArray()), version }));
`;

test("npm pack gives a package that installs into a fresh project and runs from ESM and CommonJS", (t) => {
  const work = mkdtempSync(join(tmpdir(), "tejit-pack-"));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const env = { ...process.env, TEJIT_CACHE_DIR: join(work, "cache"), npm_config_loglevel: "error" };
  execFileSync("npm", ["pack", "--pack-destination", work], { cwd: root, env, stdio: "pipe" });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  t.truthy(tarball, "npm pack wrote a tarball");

  const listing = execFileSync("tar", ["-tzf", join(work, tarball!)], { encoding: "utf8" }).split("\n");
  for (const f of ["package/dist/ts/index.js", "package/dist/ts/index.d.ts", "package/native/tejit_abi.h", "package/native/call.cc", "package/CMakeLists.txt"]) {
    t.true(listing.includes(f), `the tarball has ${f}`);
  }
  for (const dir of ["package/test/", "package/bench/", "package/.ci/", "package/ts/", "package/examples/"]) {
    t.false(listing.some((f) => f.startsWith(dir)), `the tarball has nothing under ${dir}`);
  }

  const app = join(work, "app");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
  execFileSync("npm", ["install", join(work, tarball!), "--prefer-offline", "--no-audit", "--no-fund"], { cwd: app, env, stdio: "pipe" });

  const expected = Array.from({ length: 16 }, (_, i) => 2 * i + 1);
  writeFileSync(join(app, "esm.mjs"), kernel('import { te, build, nd, version } from "tejit";'));
  writeFileSync(join(app, "cjs.cjs"), kernel('const { te, build, nd, version } = require("tejit");'));
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    const out = execFileSync(process.execPath, [file], { cwd: app, env, encoding: "utf8" });
    const r = JSON.parse(out.trim().split("\n").pop()!) as { b: number[]; version: string };
    t.deepEqual(r.b, expected, `${file} computed 2i + 1`);
    t.is(typeof r.version, "string");
  }

  // The command line, from the installed package, on a program module importing "tejit".
  const bin = join(app, "node_modules", ".bin", "tejit");
  writeFileSync(join(app, "prog.mjs"), `import { te } from "tejit";
const A = te.placeholder([8], "float32", "A");
const C = te.compute([8], (i) => A.at(i).add(1), "C");
export const schedule = te.createSchedule(C.op);
export const args = [A, C];
`);
  t.regex(execFileSync(bin, ["lower", "prog.mjs"], { cwd: app, env, encoding: "utf8" }), /^primfn\(A_1: handle, C_1: handle\) -> \(\)/);
  t.regex(execFileSync(bin, ["info"], { cwd: app, env, encoding: "utf8" }), /^vectors {5}\d+ bytes/m);
});
