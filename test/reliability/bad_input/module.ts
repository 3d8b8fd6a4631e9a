// Modules, the registry, NDArray constructors and JS callbacks used wrongly: wrong function
// names, export to a missing directory, loading what is not a library, bad registrations,
// callbacks that throw, return the wrong thing, are async, or keep a view past their return.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, getGlobalFunc, nd, registerFunc, runtime, te, tir } from "../../../ts/index.js";
import { type BadInputCase, error, typeError } from "./case.js";

let built: runtime.Module | undefined;
/** B = A + 1 over float32 [8], as "add" (built once). */
function mod(): runtime.Module {
  if (built) return built;
  const A = te.placeholder([8], "float32", "A");
  const B = te.compute([8], (i) => A.at(i).add(1), "B");
  built = build(te.createSchedule(B.op), [A, B], { name: "add" });
  return built;
}

let callbackKernel: ((...a: unknown[]) => unknown) | undefined;
/** Runs an extern over float32 [4] that calls the registered "bad_input.cb" with its input and output. */
function callWith(fn: (...a: never[]) => unknown): unknown {
  registerFunc("bad_input.cb", fn, { override: true });
  if (!callbackKernel) {
    const A = te.placeholder([4], "float32", "A");
    const E = te.extern([4], [A], (ins, outs) => tir.callPacked("bad_input.cb", ins[0], outs[0]), { name: "E" });
    callbackKernel = build(te.createSchedule(E.op), [A, E], { name: "calls_cb" }).getFunction("calls_cb");
  }
  return callbackKernel(nd.array(new Float32Array([1, 2, 3, 4])), nd.empty([4]));
}
let valueKernel: ((...a: unknown[]) => unknown) | undefined;
/** Runs B[i] = callPacked("bad_input.value", i) (an int32 value) over [2], with `fn` registered; returns B. */
function valueOf(fn: () => unknown): number[] {
  registerFunc("bad_input.value", fn, { override: true });
  if (!valueKernel) {
    const B = te.compute([2], (i) => tir.callPacked("bad_input.value", i), "B");
    valueKernel = build(te.createSchedule(B.op), [B], { name: "value" }).getFunction("value");
  }
  const b = nd.empty([2], "int32");
  valueKernel(b);
  return [...b.data];
}
let kept: nd.NDArray | undefined;

export const moduleCases: BadInputCase[] = [
  { name: "getFunction of a name the module lacks", run: () => mod().getFunction("ad"), error: error(/^Module\.getFunction: the module has no function 'ad' \(its functions: add\)$/) },
  { name: "getFunction of a number", run: () => mod().getFunction(3 as never), error: error(/^Module\.getFunction: name must be a non-empty string, got number 3$/) },
  { name: "getFunction of an empty name", run: () => mod().getFunction(""), error: error(/^Module\.getFunction: name must be a non-empty string, got ''$/) },
  { name: "timeEvaluator with 0 calls", run: () => mod().timeEvaluator("add", { number: 0 }), error: error(/^timeEvaluator: number must be a positive integer, got 0$/) },
  { name: "timeEvaluator of a missing function", run: () => mod().timeEvaluator("nope"), error: error(/^Module\.getFunction: the module has no function 'nope' \(its functions: add\)$/) },
  { name: "exportLibrary into a missing directory", run: () => mod().exportLibrary("/nonexistent/dir/add.so"), error: error(/^Module\.exportLibrary: cannot write \/nonexistent\/dir\/add\.so: its directory \/nonexistent\/dir does not exist$/) },
  { name: "exportLibrary to a number", run: () => mod().exportLibrary(5 as never), error: error(/^Module\.exportLibrary: path must be a non-empty string, got number 5$/) },
  { name: "loadModule of a missing file", run: () => runtime.loadModule("/nonexistent/add.so"), error: error(/^loadModule: no such file \/nonexistent\/add\.so$/) },
  { name: "loadModule of a text file", run: () => { const p = join(tmpdir(), `tejit-not-a-library-${process.pid}.so`); writeFileSync(p, "not a library\n"); return runtime.loadModule(p); }, error: error(/^cannot load library \S+tejit-not-a-library-\d+\.so: .*(file too short|invalid ELF header)$/) },
  { name: "loadModule of a directory", run: () => runtime.loadModule(tmpdir()), error: error(/^cannot load library \/\S*: .*Is a directory$/) },
  { name: "loadModule of a number", run: () => runtime.loadModule(3 as never), error: error(/^loadModule: path must be a non-empty string, got number 3$/) },
  { name: "registerFunc with a number for the name", run: () => registerFunc(3 as never, () => 0), error: error(/^registerFunc: name must be a non-empty string, got number$/) },
  { name: "registerFunc with an empty name", run: () => registerFunc("", () => 0), error: error(/^registerFunc: name must be a non-empty string, got ''$/) },
  { name: "registerFunc of a non-function", run: () => registerFunc("bad_input.nofn", 3 as never), error: error(/^registerFunc\('bad_input\.nofn'\): expected a function, got number$/) },
  { name: "registerFunc of a taken name", run: () => { registerFunc("bad_input.twice", () => 0, { override: true }); registerFunc("bad_input.twice", () => 1); }, error: error(/^registerFunc: a function named 'bad_input\.twice' is already registered; pass \{override: true\} to replace it$/) },
  { name: "registerFunc with a NUL in the name", run: () => registerFunc("safe\0evil", () => 0), error: error(/registerFunc.*NUL/) },
  { name: "getGlobalFunc of an unknown name", run: () => getGlobalFunc("bad_input.nobody"), error: error(/^getGlobalFunc: no function named 'bad_input\.nobody' is registered \(registerFunc\('bad_input\.nobody', fn\) first\)$/) },
  { name: "setNumThreads(-1)", run: () => runtime.setNumThreads(-1), error: error(/^setNumThreads: expected a non-negative integer, got -1$/) },
  { name: "setNumThreads of a string", run: () => runtime.setNumThreads("4" as never), error: error(/^setNumThreads: expected a non-negative integer, got string '4'$/) },
  { name: "setNumThreads of a million threads", run: () => runtime.setNumThreads(1_000_000), error: error(/^setNumThreads: expected at most 1024 threads, got 1000000$/), child: {} },
  { name: "compileSource of a number", run: () => runtime.compileSource(3 as never), error: error(/^compileSource: cSource must be a string, got number$/) },
  { name: "compileSource of invalid C", run: () => runtime.compileSource("int x = ;\n"), error: error(/^C compilation of \S+\.c failed \(\S+ exited with 1\):\n.*error: expected expression/) },
  { name: "nd.array with a shape that does not hold the data", run: () => nd.array(new Float32Array(6), [2, 2]), error: error(/^nd\.array: shape \[2, 2\] holds 4 elements but the data has 6$/) },
  { name: "nd.array of a string", run: () => nd.array("abc" as never), error: error(/^nd\.array: expected a TypedArray or an array of numbers, got string$/) },
  { name: "nd.array of a DataView", run: () => nd.array(new DataView(new ArrayBuffer(8)) as never), error: error(/^nd\.array: expected a TypedArray or an array of numbers, got DataView$/) },
  { name: "nd.array with a dtype the data is not", run: () => nd.array(new Float32Array(2), [2], "int32"), error: error(/^NDArray: dtype 'int32' does not match the data, a Float32Array \(dtype float32\)$/) },
  { name: "nd.empty of an unsupported dtype", run: () => nd.empty([2], "float16"), error: error(/^unsupported NDArray dtype 'float16': expected one of bool, int8/) },
  { name: "nd.empty with a fractional size", run: () => nd.empty([2.5]), error: error(/^nd\.empty: shape\[0\] must be a non-negative integer, got 2\.5$/) },
  { name: "nd.empty without a shape", run: () => nd.empty(undefined as never), error: error(/^nd\.empty: shape must be an array of non-negative integers, got undefined$/) },
  { name: "nd.empty larger than memory", run: () => nd.empty([1 << 20, 1 << 20]), error: error(/^nd\.empty: shape \[1048576, 1048576\] of float32 needs 4398046511104 bytes, which cannot be allocated \(/) },
  { name: "nd.empty beyond 2^53 bytes", run: () => nd.empty([2 ** 31, 2 ** 31], "float64"), error: error(/^nd\.empty: shape \[2147483648, 2147483648\] of float64 needs \d+ bytes, more than any process can allocate$/) },
  { name: "a view reaching past its data", run: () => nd.NDArray.view(new Float32Array(4), [4], [2], 0), error: error(/^NDArray: shape \[4\] with strides \[2\] and byteOffset 0 reaches elements 0\.\.6, outside the data's 4 elements$/) },
  { name: "a view with a misaligned byte offset", run: () => nd.NDArray.view(new Float32Array(4), [2], [1], 2), error: error(/^NDArray: byteOffset must be a non-negative multiple of 4 \(the size of float32\), got 2$/) },
  { name: "NDArray.get out of range", run: () => nd.empty([2, 3]).get([1, 3]), error: error(/^NDArray\.get: index 3 is out of range for dimension 1 of extent 3 \(shape \[2, 3\]\)$/) },
  { name: "NDArray.set of a string", run: () => nd.empty([2]).set([0], "1" as never), error: error(/^NDArray\.set: expected a number for dtype float32, got string$/) },
  { name: "copyFrom of the wrong size", run: () => nd.empty([2]).copyFrom(new Float32Array(3)), error: error(/^NDArray\.copyFrom: source has 3 elements, destination shape \[2\] has 2$/) },
  { name: "a kernel calls a function nobody registered", run: () => { const A = te.placeholder([4], "float32", "A"); const E = te.extern([4], [A], (ins, outs) => tir.callPacked("bad_input.unregistered", ins[0], outs[0]), { name: "E" }); return build(te.createSchedule(E.op), [A, E]).getFunction("main")(nd.empty([4]), nd.empty([4])); }, error: error(/^packed function 'bad_input\.unregistered' is not registered: call registerFunc\('bad_input\.unregistered', fn\) before running the kernel$/) },
  { name: "a callback that throws an Error", run: () => callWith(() => { throw new Error("no luck today"); }), error: error(/^no luck today$/) }, // the callback's own Error
  { name: "a callback that throws a string", run: () => callWith(() => { throw "just a string"; }), error: error(/^packed function 'bad_input\.cb' threw: just a string$/) },
  { name: "a callback that returns an object", run: () => callWith(() => ({ ok: true })), error: error(/^packed function 'bad_input\.cb' returned a value that is not a number, bigint, boolean, string or undefined$/) },
  { name: "a callback that returns an NDArray (what copyFrom returns)", run: () => callWith((a: nd.NDArray, b: nd.NDArray) => b.copyFrom(a)), error: error(/^packed function 'bad_input\.cb' threw: packed function 'bad_input\.cb' returned an NDArray: a callback writes its results into the arrays it receives \(e\.g\. out\.copyFrom\(\.\.\.\)\) and returns undefined, a number, a bigint, a boolean or a string$/) },
  { name: "an async callback (returns a Promise)", run: () => callWith(async () => { throw new Error("later"); }), error: error(/^packed function 'bad_input\.cb' threw: packed function 'bad_input\.cb' returned a Promise: functions called from kernels must be synchronous$/) },
  { name: "a callback writing out of its view", run: () => callWith((_a: nd.NDArray, b: nd.NDArray) => b.set([4], 1)), error: error(/^NDArray\.set: index 4 is out of range for dimension 0 of extent 4 \(shape \[4\]\)$/) },
  { name: "a callback copying the wrong size into its view", run: () => callWith((_a: nd.NDArray, b: nd.NDArray) => b.copyFrom(new Float32Array(5))), error: error(/^NDArray\.copyFrom: source has 5 elements, destination shape \[4\] has 4$/) },
  { name: "a view used after its callback returned", run: () => { callWith((a: nd.NDArray) => { kept = a; }); return kept!.get([0]); }, error: error(/^NDArray\.get: this NDArray view \(argument 0 of packed function 'bad_input\.cb'\) was released when the callback returned/) },
  { name: "a view's data used after its callback returned", run: () => { callWith((a: nd.NDArray) => { kept = a; }); return kept!.toTypedArray(); }, error: error(/^NDArray\.toTypedArray: this NDArray view \(argument 0 of packed function 'bad_input\.cb'\) was released/) },
  { name: "a callback whose value is used returns a string", run: () => valueOf(() => "seven"), error: error(/^value: packed function 'bad_input\.value' returned a string \(type code 11\) where the kernel uses its int32 value$/) },
  { name: "a callback whose value is used returns a fraction", run: () => valueOf(() => 2.5), error: error(/^value: packed function 'bad_input\.value' returned a float \(type code 2\) where the kernel uses its int32 value$/) },
  { name: "a callback whose value is used returns an integer (accepted)", run: () => valueOf(() => 7), accept: (r) => ((r as number[]).join() === "7,7" ? undefined : `got ${String(r)}`) },
  { name: "an NDArray field replaced at run time (a.dtype = ...)", run: () => { const a = nd.empty([2]); (a as unknown as { dtype: string }).dtype = "float64"; return a.dtype; }, error: typeError(/dtype/) },
];
