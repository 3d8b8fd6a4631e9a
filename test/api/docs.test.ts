// Every public name of the package (the exports of ts/index.ts, through its namespaces, and the
// public members of its classes and interfaces) has a TSDoc comment: hover docs and the typedoc
// reference (npm run docs) cover the whole API. public_api.ts does the walk.
import test from "ava";
import { createApiProgram, listPublicNames } from "./public_api.js";

test("every public export and public member has a doc comment", (t) => {
  const names = listPublicNames(createApiProgram());
  // The walk reaches the API's corners: a namespace's function, a class member, an inherited
  // member, a nested namespace, an interface member.
  const all = new Set(names.map((n) => n.name));
  for (const n of ["lower", "build", "buildAsync", "te.compute", "te.Stage.split", "tir.PrimExpr.add", "tir.transform.PassContext.scope", "nd.NDArray.get", "runtime.Module.getFunction", "LowerOptions.dumpIr"]) {
    t.true(all.has(n), `the walk reaches ${n}`);
  }
  const missing = names.filter((n) => !n.documented).map((n) => `${n.name} (${n.file}:${n.line})`);
  t.deepEqual(missing, [], `${missing.length} of ${names.length} public names have no doc comment:\n${missing.join("\n")}`);
});
