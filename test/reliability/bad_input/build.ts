// lower() and build() given the wrong things: arguments, names, unknown or mistyped options,
// targets; a compiler that is missing, fails, is killed or writes no library; a cache directory
// that cannot be used or that others could write.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, lower, nd, te } from "../../../ts/index.js";
import { type BadInputCase, error, withEnv } from "./case.js";

let counter = 0;
/** A: [8]; B = A + c with a constant new to this process (so a build runs the compiler). */
function program() {
  const A = te.placeholder([8], "float32", "A");
  const c = 1000 + counter++;
  const B = te.compute([8], (i) => A.at(i).add(c), "B");
  return { A, B, c, s: te.createSchedule(B.op) };
}
const buildWith = (opts: object) => { const p = program(); return build(p.s, [p.A, p.B], opts); };
const lowerWith = (opts: object) => { const p = program(); return lower(p.s, [p.A, p.B], opts); };

/** A directory of small compiler stand-ins (shell scripts), made on first use. */
let bin: string | undefined;
function fakeCompiler(name: string): string {
  bin ??= mkdtempSync(join(tmpdir(), "tejit-bad-cc-"));
  const scripts: Record<string, string> = {
    "exits-1": "exit 1",
    "fails-compiling": 'if [ "$1" = "--version" ]; then echo fake-cc 1; exit 0; fi\necho "fake-cc: internal compiler error" >&2\nexit 1',
    "writes-nothing": 'if [ "$1" = "--version" ]; then echo fake-cc 2; exit 0; fi\nexit 0',
    "writes-garbage": 'if [ "$1" = "--version" ]; then echo fake-cc 3; exit 0; fi\nwhile [ $# -gt 0 ]; do if [ "$1" = "-o" ]; then echo garbage > "$2"; fi; shift; done',
    "killed": "kill -9 $$",
    "not-executable": "",
  };
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\n${scripts[name]}\n`);
  chmodSync(path, name === "not-executable" ? 0o644 : 0o755);
  return path;
}
/** A fresh directory with `mode` (root ignores permissions, so the modes are only tested by the trust checks). */
function freshDir(mode: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), "tejit-bad-cache-")), "cache");
  mkdirSync(dir);
  chmodSync(dir, mode);
  return dir;
}

/** B[i] = A[i + k] over [8] with the scalar argument k: built with `opts`, run with k = 1 (one element past A). */
function readPastEnd(opts: object) {
  const A = te.placeholder([8], "float32", "A");
  const k = te.var("k");
  const B = te.compute([8], (i) => A.at(i.add(k)), "B");
  const f = build(te.createSchedule(B.op), [A, B, k], { name: "past_end", ...opts }).getFunction("past_end");
  return f(nd.empty([8]), nd.empty([8]), 1);
}
/** B[i, j] = A[i, j + 1] over A's whole shape [4, 8]: certainly reads past each row; built (never run). */
function certainlyPastEnd(opts: object) {
  const A = te.placeholder([4, 8], "float32", "A");
  const B = te.compute([4, 8], (i, j) => A.at(i, j.add(1)), "B");
  return build(te.createSchedule(B.op), [A, B], { name: "certainly_past_end", ...opts });
}
/** B[i] = A[i] // d and A[i] % d (int32 [4]) built, run with d = 0. */
function divideByArgument() {
  const d = te.var("d");
  const A = te.placeholder([4], "int32", "A");
  const B = te.compute([4], (i) => te.floordiv(A.at(i), d).add(A.at(i).mod(d)), "B");
  const f = build(te.createSchedule(B.op), [A, B, d], { name: "divide" }).getFunction("divide");
  return f(nd.empty([4], "int32"), nd.empty([4], "int32"), 0);
}

/** A [3, 2^30] int8 argument: more elements than int32 flat indices address. */
function hugeArgument() {
  const A = te.placeholder([3, 1 << 30], "int8", "A");
  const B = te.compute([3, 1 << 30], (i, j) => A.at(i, j).add(1), "B");
  return build(te.createSchedule(B.op), [A, B], { name: "huge" });
}
/** Row sums of a [3, 2^30] intermediate computed from a small input. */
function hugeIntermediate() {
  const T = te.placeholder([1024], "int8", "T");
  const U = te.compute([3, 1 << 30], (i, j) => T.at(j.floormod(1024)).add(i.cast("int8")), "U");
  const k = te.reduceAxis([0, 1 << 30], "k");
  const V = te.compute([3], (i) => te.sum(U.at(i, k), [k]), "V");
  return build(te.createSchedule(V.op), [T, V], { name: "huge_mid" });
}
/** B = A + 1 over [n, 2^20] int8, called with n = 2048 (2^31 elements; the memory is never touched). */
function hugeSymbolicCall() {
  const n = te.var("n");
  const A = te.placeholder([n, 1 << 20], "int8", "A");
  const B = te.compute([n, 1 << 20], (i, j) => A.at(i, j).add(1), "B");
  const f = build(te.createSchedule(B.op), [A, B], { name: "huge_n" }).getFunction("huge_n");
  return f(nd.empty([2048, 1 << 20], "int8"), nd.empty([2048, 1 << 20], "int8"));
}

/** B[i] = A[i] + 1 + 1 + ... (`depth` additions in one expression), built. */
function deepChain(depth: number) {
  const A = te.placeholder([4], "float32", "A");
  const B = te.compute([4], (i) => { let e = A.at(i); for (let k = 0; k < depth; k++) e = e.add(1); return e; }, "B");
  return build(te.createSchedule(B.op), [A, B], { name: `deep${depth}` });
}

export const buildCases: BadInputCase[] = [
  { name: "a checked build reading past a buffer's end", run: () => readPastEnd({ boundsCheck: true }), error: error(/^out-of-bounds load from 'A': index 8 is outside \[0, 8\) \(shape \[8\]\)$/), child: {} },
  { name: "TEJIT_BOUNDS_CHECK=1 and a read past a buffer's end", run: () => readPastEnd({}), error: error(/^out-of-bounds load from 'A': index 8 is outside \[0, 8\) \(shape \[8\]\)$/), child: { env: { TEJIT_BOUNDS_CHECK: "1" } } },
  { name: "a build that certainly reads past a buffer's end (B[i, j] = A[i, j + 1])", run: () => certainlyPastEnd({}), error: error(/^build: 'certainly_past_end' certainly reads 'A' out of bounds: index \(j \+ 1\) of dimension 1 is 8 at j = 7, outside \[0, 8\) \(shape \[4, 8\]\); fix the index or guard it \(te\.ifThenElse\), or lower\(\) to inspect the program$/) },
  { name: "a checked build that certainly reads past a buffer's end is refused at build too", run: () => certainlyPastEnd({ boundsCheck: true }), error: error(/^build: 'certainly_past_end' certainly reads 'A' out of bounds: index \(j \+ 1\)/) },
  { name: "an argument of more than 2^31-1 elements (int32 indices would overflow)", run: () => hugeArgument(), error: error(/^build: 'huge': the argument 'A' of shape \[3, 1073741824\] has 3221225472 elements, more than the 2147483647 that tejit's int32 indices address; split it into smaller tensors$/) },
  { name: "an intermediate of more than 2^31-1 elements", run: () => hugeIntermediate(), error: error(/^build: 'huge_mid': the intermediate 'U' of shape \[3, 1073741824\] has 3221225472 elements, more than the 2147483647/) },
  { name: "a symbolic shape of 2^31 elements at call time", run: () => hugeSymbolicCall(), error: error(/^huge_n: argument 0 \(A\) has shape \[2048, 1048576\], more than the 2147483647 elements that tejit's int32 indices address; split it into smaller tensors$/), child: {} },
  { name: "an expression chain of 6,000 additions (deeper than the passes' recursion)", run: () => deepChain(6000), error: error(/^(build|compute 'B'): the program nests expressions too deeply for tejit's passes \(the JavaScript stack overflowed; a chain of a few thousand operations in one expression is the limit\); compute the chain in several stages/) },
  { name: "an expression chain of 100,000 additions", run: () => deepChain(100000), error: error(/^(build|compute 'B'): the program nests expressions too deeply/) },
  { name: "an int8 tensor plus 300 (a constant outside int8)", run: () => { const A = te.placeholder([4], "int8", "A"); return te.compute([4], (i) => A.at(i).add(300), "B"); }, error: error(/^constant 300 does not fit in int8 \(range \[-128, 127\]\); use a wider dtype, or cast the other operand first \(x\.cast\("int16"\)\)$/) },
  { name: "te.const(-1, 'uint8')", run: () => te.const(-1, "uint8"), error: error(/^constant -1 does not fit in uint8 \(range \[0, 255\]\); use a wider dtype, or cast the other operand first \(x\.cast\("uint16"\)\)$/) },
  { name: "te.const(2^32, 'int32')", run: () => te.const(2 ** 32, "int32"), error: error(/^constant 4294967296 does not fit in int32 \(range \[-2147483648, 2147483647\]\)/) },
  { name: "a placeholder dimension of 3e9 (more than int32)", run: () => te.placeholder([3e9], "int8", "A"), error: error(/^placeholder 'A': dimension 0 is 3000000000, more than an int32 extent holds \(2147483647\)$/) },
  { name: "division and modulo by an argument that is 0 at call time", run: () => divideByArgument(), error: error(/^division by zero in (floordiv|floormod)\(\(int32\*\)A\[i\], d\) \(the divisor d is 0\)$/), child: {} },
  { name: "tensors whose names are all punctuation (each sanitised to '_')", run: () => { const X = te.placeholder([4], "float32", "-"); const Y = te.compute([4], (i) => X.at(i).add(1), "+"); const y = nd.empty([4]); build(te.createSchedule(Y.op), [X, Y], { name: "punct" }).getFunction("punct")(nd.array(new Float32Array([1, 2, 3, 4])), y); return Array.from(y.data).join(",") === "2,3,4,5" ? undefined : `Y = ${Array.from(y.data)}`; }, accept: (r) => r as string | undefined, child: { timeoutMs: 30000 } },
  { name: "lower of something that is not a schedule", run: () => lower(3 as never, []), error: error(/^lower: expects a schedule \(te\.createSchedule\), got number 3$/) },
  { name: "lower with args that are not an array", run: () => { const p = program(); return lower(p.s, p.A as never); }, error: error(/^lower: args must be an array of tensors, buffers or variables, got an object \(Tensor\)$/) },
  { name: "lower with a number among the args", run: () => { const p = program(); return lower(p.s, [p.A, 3 as never]); }, error: error(/^lower: argument 1 must be a tensor, a buffer or a variable, got number 3$/) },
  { name: "lower with undefined among the args", run: () => { const p = program(); return lower(p.s, [p.A, undefined as never, p.B]); }, error: error(/^lower: argument 1 must be a tensor, a buffer or a variable, got undefined$/) },
  { name: "lower with a tensor listed twice", run: () => { const p = program(); return lower(p.s, [p.A, p.B, p.A]); }, error: error(/^lower: argument 2 \('A'\) is the same tensor as argument 0; list each tensor once$/) },
  { name: "lower without an input it reads", run: () => { const p = program(); return lower(p.s, [p.B]); }, error: error(/^lower: 'B' reads placeholder 'A', which is not in the argument list; pass it among the args$/) },
  { name: "lower without the output", run: () => { const p = program(); return lower(p.s, [p.A]); }, error: error(/'B'.*(argument|args)/) },
  { name: "lower options that are not an object", run: () => lowerWith("main" as never), error: error(/^lower: options must be an object, got string main$/) },
  { name: "lower options null", run: () => lowerWith(null as never), error: error(/^lower: options must be an object, got null$/) },
  { name: "lower with an unknown option", run: () => lowerWith({ unrolExplicit: false }), error: error(/^lower: unknown option 'unrolExplicit' \(known options: name, binds, .*unrollExplicit/) },
  { name: "lower with a name that is not a string", run: () => lowerWith({ name: 3 }), error: error(/^lower: name must be a non-empty string, got number 3$/) },
  { name: "lower with an empty name", run: () => lowerWith({ name: "" }), error: error(/^lower: name must be a non-empty string, got ''$/) },
  { name: "lower with a string for a boolean option", run: () => lowerWith({ simpleMode: "yes" }), error: error(/^lower: option simpleMode must be true or false, got string yes$/) },
  { name: "lower with a negative unroll limit", run: () => lowerWith({ autoUnrollMaxStep: -1 }), error: error(/^lower: autoUnrollMaxStep must be a non-negative integer, got number -1$/) },
  { name: "lower with onWarning not a function", run: () => lowerWith({ onWarning: "console" }), error: error(/^lower: option onWarning must be a function \(message\) => void, got string console$/) },
  { name: "lower with binds not a Map", run: () => lowerWith({ binds: {} }), error: error(/^lower: option binds must be a Map from tensors to buffers, got an object \(Object\)$/) },
  { name: "build of something that is not a schedule", run: () => build(3 as never), error: error(/^build: expects a schedule \(te\.createSchedule\), an IRModule \(lower\) or a PrimFunc, got number 3$/) },
  { name: "build of a schedule without args", run: () => build(program().s), error: error(/^build: building a schedule needs the argument list \(tensors\), got undefined$/) },
  { name: "build options that are not an object", run: () => buildWith("main" as never), error: error(/^build: options must be an object, got string main$/) },
  { name: "build with an unknown option", run: () => buildWith({ optLevel: 3 }), error: error(/^build: unknown option 'optLevel' \(known options: .*cflags, target/) },
  { name: "build with an unsupported target", run: () => buildWith({ target: "cuda" }), error: error(/^build: target 'cuda' is not supported; tejit compiles C for the host CPU/) },
  { name: "build with a target that is not a string", run: () => buildWith({ target: 3 }), error: error(/^build: target must be a string such as "c", got number 3$/) },
  { name: "build with an unknown target option", run: () => buildWith({ target: "c -mattr=+avx" }), error: error(/^build: unknown target option '-mattr=\+avx' in 'c -mattr=\+avx'; only -mcpu=<cpu> is supported$/) },
  { name: "build with cflags a number", run: () => buildWith({ cflags: 3 }), error: error(/^build: option cflags must be a string or an array of strings, got number 3$/) },
  { name: "build with a number among the cflags", run: () => buildWith({ cflags: ["-O2", 3] }), error: error(/^build: option cflags must be a string or an array of strings, got an array holding number 3$/) },
  { name: "build with cc a number", run: () => buildWith({ cc: 3 }), error: error(/^build: option cc must be a compiler command line \(a string\), got number 3$/) },
  { name: "build with metadata a string", run: () => buildWith({ metadata: "no" }), error: error(/^build: option metadata must be true or false, got string no$/) },
  { name: "build with a flag the compiler rejects", run: () => buildWith({ cflags: ["-fno-such-flag"] }), error: error(/^C compilation of \S+\.c failed \(\S+ exited with 1\):\n.*-fno-such-flag/) },
  { name: "build with cflags as one string of two flags", run: () => { const p = program(); const m = build(p.s, [p.A, p.B], { cflags: "-O2 -fno-strict-aliasing" }); const b = nd.empty([8]); m.getFunction("main")(nd.array(new Float32Array(8)), b); return b.data[7] === p.c ? undefined : `B[7] = ${b.data[7]}`; }, accept: (r) => r as string | undefined },
  { name: "build with a name containing a NUL", run: () => buildWith({ name: "main\0evil" }), error: error(/name.*NUL/) },
  { name: "cc option: a missing program", run: () => buildWith({ cc: "/nonexistent/bin/cc" }), error: error(/^C compiler '\/nonexistent\/bin\/cc' not found \(chosen by the cc option\): install gcc or clang, or set TEJIT_CC to a C compiler$/) },
  { name: "TEJIT_CC: a missing program", run: () => withEnv({ TEJIT_CC: "/nonexistent/bin/tejit-cc" }, () => buildWith({})), error: error(/^C compiler '\/nonexistent\/bin\/tejit-cc' not found \(chosen by \$TEJIT_CC\): install gcc or clang/) },
  { name: "TEJIT_CC: a script that exits 1", run: () => withEnv({ TEJIT_CC: fakeCompiler("exits-1") }, () => buildWith({})), error: error(/^C compiler '\S+exits-1' \(chosen by \$TEJIT_CC\) failed to report its version \(exit 1\)/) },
  { name: "TEJIT_CC: a compiler that fails on the source", run: () => withEnv({ TEJIT_CC: fakeCompiler("fails-compiling") }, () => buildWith({})), error: error(/^C compilation of \S+\.c failed \(\S+fails-compiling exited with 1\):\nfake-cc: internal compiler error$/) },
  { name: "TEJIT_CC: a compiler killed by a signal", run: () => withEnv({ TEJIT_CC: fakeCompiler("killed") }, () => buildWith({})), error: error(/^C compiler '\S+killed' \(chosen by \$TEJIT_CC\) failed to report its version \(killed by SIGKILL\)/) },
  { name: "TEJIT_CC: a compiler that succeeds but writes no library", run: () => withEnv({ TEJIT_CC: fakeCompiler("writes-nothing") }, () => buildWith({})), error: error(/^C compilation of \S+\.c failed \(\S+writes-nothing exited with 0 but wrote no library to \S+\.so\.\S+\.tmp\):\n$/) },
  { name: "TEJIT_CC: a compiler that writes a non-library", run: () => withEnv({ TEJIT_CC: fakeCompiler("writes-garbage") }, () => buildWith({})), error: error(/^cannot load library \S+\.so: .*(file too short|invalid ELF header)/) },
  { name: "TEJIT_CC: a file that is not executable", run: () => withEnv({ TEJIT_CC: fakeCompiler("not-executable") }, () => buildWith({})), error: error(/^cannot run C compiler '\S+not-executable' \(chosen by \$TEJIT_CC\) reporting its version: spawnSync \S+ EACCES$/) },
  { name: "TEJIT_CACHE_DIR: a regular file", run: () => withEnv({ TEJIT_CACHE_DIR: "/etc/hostname" }, () => buildWith({})), error: error(/^cannot create the tejit cache directory \/etc\/hostname \(from \$TEJIT_CACHE_DIR\): \/etc\/hostname is not a directory; set TEJIT_CACHE_DIR to a writable directory of your own, or TEJIT_DISABLE_CACHE=1$/) },
  { name: "TEJIT_CACHE_DIR: under a regular file", run: () => withEnv({ TEJIT_CACHE_DIR: "/etc/hostname/tejit" }, () => buildWith({})), error: error(/^cannot create the tejit cache directory \/etc\/hostname\/tejit \(from \$TEJIT_CACHE_DIR\): \/etc\/hostname is not a directory; set TEJIT_CACHE_DIR to a writable directory/) },
  { name: "TEJIT_CACHE_DIR: under /proc", run: () => withEnv({ TEJIT_CACHE_DIR: "/proc/tejit-cache" }, () => buildWith({})), error: error(/\/proc\/tejit-cache/), child: { timeoutMs: 20000 } },
  { name: "TEJIT_CACHE_DIR: a world-writable directory", run: () => withEnv({ TEJIT_CACHE_DIR: freshDir(0o777) }, () => buildWith({})), error: error(/cache directory \S+ .*writ.*(chmod|TEJIT_CACHE_DIR)/) },
];
