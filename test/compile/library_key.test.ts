// The cache key of a compiled library: a -march=native build is keyed by the host CPU, so a cache
// shared between machines never hands an AVX-512 library to an AVX2 machine.
import test from "ava";
import { libraryKey, targetsHost } from "../../ts/runtime/library_key.js";
import { cacheDir, compileSource, compilerFlags, compilerIdentity, findCompiler } from "../../ts/runtime/compile.js";
import { guardedLoadFlags } from "../../ts/runtime/compiler_probe.js";
import { abiHeaderPath } from "../../ts/runtime/paths.js";
import { readFileSync } from "node:fs";
import { hostCpuStamp } from "../../ts/runtime/build_stamp.js";
import { basename } from "node:path";

const parts = (flags: string[], cpu: string) => ({
  abiHeader: "abi", compilerIdentity: "/usr/bin/gcc 12", flags, cSource: "int f(void) { return 1; }", hostCpu: () => cpu,
});

test("a -march=native library is keyed by the host CPU; other flags are not", (t) => {
  const zen4 = libraryKey(parts(["-O3", "-march=native"], "AuthenticAMD avx512f"));
  const intel = libraryKey(parts(["-O3", "-march=native"], "GenuineIntel avx2"));
  t.not(zen4, intel);
  t.is(libraryKey(parts(["-O3", "-march=native"], "AuthenticAMD avx512f")), zen4);
  let asked = 0;
  const fixed = { ...parts(["-O3", "-march=x86-64-v3"], "x"), hostCpu: () => { asked++; return String(asked); } };
  t.is(libraryKey(fixed), libraryKey(fixed));
  t.is(asked, 0);
  t.true(targetsHost(["-mtune=native"]));
  t.true(targetsHost(["-mcpu=native"]));
  t.false(targetsHost(["-march=skylake", "-native"]));
});

test("compileSource names its library by that key, with this machine's CPU in it", (t) => {
  const src = "int tejit_library_key_probe(void) { return 42; }\n";
  const lib = compileSource(src);
  const compiler = findCompiler();
  const identity = compilerIdentity(compiler);
  const flags = [...compilerFlags(), ...guardedLoadFlags(compiler, identity, compilerFlags(), cacheDir(), cacheDir())];
  t.true(targetsHost(flags));
  const key = (cpu: () => string) => libraryKey({ abiHeader: readFileSync(abiHeaderPath()), compilerIdentity: identity, flags, cSource: src, hostCpu: cpu });
  t.is(basename(lib), `${key(hostCpuStamp)}.so`);
  t.not(basename(lib), `${key(() => "another CPU")}.so`);
});
