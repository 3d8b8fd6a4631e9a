// The public API's types, checked by compiling test/api/types/api_types.ts with the TypeScript
// compiler: NDArray.get is typed by the array's dtype, kernels take NDArrays and scalars, and a
// mistake in a compute body is one error at the body. Each `@ts-expect-error` line there must be
// an error and no other line may be one, so the file compiles without a diagnostic.
import test from "ava";
import ts from "typescript";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

test("api_types.ts: every expected type error and no other", (t) => {
  const configPath = path.join(here, "types/tsconfig.json");
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(configPath));
  t.deepEqual(parsed.errors, []);
  t.deepEqual(parsed.fileNames.map((f) => path.basename(f)), ["api_types.ts"]);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(here, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : "";
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
  t.deepEqual(diagnostics, [], diagnostics.join("\n"));
  // The file does contain the expected errors (so an empty list is not a vacuous pass).
  const source = program.getSourceFile(parsed.fileNames[0]!)!.text;
  t.is(source.match(/^\/\/ @ts-expect-error/gm)?.length, 10);
});
