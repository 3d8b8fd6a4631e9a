// Names that reach C must not contain NUL (issue 9, item 4): C stops at the NUL, so
// "safe\0evil" used to name the function registered as "safe". Every entry point refuses them
// with an Error naming the name: packed and extern calls in TIR, the registry, Module.getFunction,
// loadModule, function global symbols, and string arguments of kernels.
import test from "ava";
import { loadFixture } from "./helpers.js";
import { te, tir } from "../../ts/index.js";
import { build } from "../../ts/build.js";
import { getAddon } from "../../ts/runtime/addon.js";
import { loadModule } from "../../ts/runtime/module.js";
import { getGlobalFunc, registerFunc, removeGlobalFunc } from "../../ts/runtime/registry.js";

const evil = "safe\0evil";
const said = (what: string, extra = "") => `${what}: the name "safe\\u0000evil" contains a NUL character, which would end it early in C${extra}: remove the NUL`;

test("tir.callPacked and tir.callExtern refuse a NUL in the function name", (t) => {
  t.throws(() => tir.callPacked(evil, 1), { message: said("callPacked") });
  t.throws(() => tir.callExtern("float32", evil, 1), { message: said("callExtern") });
  t.throws(() => tir.callExtern("float32", "" as string, 1), { message: "callExtern: the second argument must be the C function's name, got string " });
});

test("a TE extern calling 'safe\\0evil' cannot be built, so 'safe' is never called", (t) => {
  let calledSafe = 0;
  registerFunc("safe", () => { calledSafe++; }, { override: true });
  const A = te.placeholder([4]);
  t.throws(() => te.extern([4], [A], (ins, outs) => tir.callPacked(evil, ins[0], outs[0])), { message: said("callPacked") });
  t.is(calledSafe, 0);
});

test("registerFunc, getGlobalFunc and removeGlobalFunc refuse a NUL in the name", (t) => {
  t.throws(() => registerFunc(evil, () => 0), { message: said("registerFunc") });
  t.throws(() => getGlobalFunc(evil), { message: said("getGlobalFunc") });
  t.throws(() => removeGlobalFunc(evil), { message: said("removeGlobalFunc") });
  t.throws(() => getAddon().declareFunc(evil), { message: "declareFunc: the name contains a NUL character" });
});

test("Module.getFunction and loadModule refuse a NUL in the name or path", (t) => {
  const mod = loadFixture("basic.c");
  t.throws(() => mod.getFunction("add_one\0x"), {
    message: `Module.getFunction: the name "add_one\\u0000x" contains a NUL character, which would end it early in C (dlsym): remove the NUL`,
  });
  t.throws(() => loadModule(`${mod.libraryPath}\0.so`), {
    message: `loadModule: the path ${JSON.stringify(`${mod.libraryPath}\0.so`)} contains a NUL character, which would end it early in C (dlopen): remove the NUL`,
  });
});

test("a function global symbol with a NUL is refused when the C is generated", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const B = te.compute([4], (i) => A.at(i).add(1), "B");
  const s = te.createSchedule(B.op);
  t.throws(() => build(s, [A, B], { name: "f\0g" }), {
    message: `codegen: the function name "f\\u0000g" contains a NUL character, which would end it early in C: remove the NUL`,
  });
});

test("a string argument with a NUL is refused before the kernel sees a shortened string", (t) => {
  const fail = loadFixture("basic.c").getFunction("fail");
  t.throws(() => fail("visible\0hidden"), {
    message: `fail: argument 0: the string "visible\\u0000hidden" contains a NUL character, which C would take as its end`,
  });
  t.throws(() => fail("plain"), { message: "fail: plain" }); // the kernel's own error: the string arrived whole
});
