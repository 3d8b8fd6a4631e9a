// The target key: what a measurement's speed depends on besides the program and its schedule —
// the CPU model, its vector ISA extensions, the core count, the C compiler (command, path,
// version) and the compile flags. Records are kept per target key, and each target key has its
// own measure queue, so a worker only measures candidates built for a machine like its own.
import { cpus } from "node:os";
import { compilerFlags, compilerIdentity, findCompiler, type CompileOptions } from "../runtime/compile.js";
import { cpuFeatures } from "../runtime/cpu_features.js";

/**
 * This machine's target key for builds with `opts` (the compiler and extra flags): one line,
 * `cpu=…; isa=…; cores=…; cc=…; flags=…`.
 * @throws When the compiler cannot report its version.
 */
export function targetKey(opts: CompileOptions = {}): string {
  const [command, path, version] = compilerIdentity(findCompiler(opts.cc)).split("\n");
  const model = (cpus()[0]?.model ?? "unknown").replace(/\s+/g, " ").trim();
  return [
    `cpu=${model}`,
    `isa=${cpuFeatures().join(",") || "unknown"}`,
    `cores=${cpus().length}`,
    `cc=${command} (${path}, ${version.trim()})`,
    `flags=${compilerFlags(opts).join(" ")}`,
  ].join("; ");
}
