// Left shifts of negative signed integers: C leaves `x << k` undefined for x < 0 (found by
// `npm run check:asan`, whose UBSan flagged `X[i] << 2` in scalar.test.ts), so codegen shifts
// signed scalars as unsigned and converts back. Checked against a JS reference (wrapping to the
// dtype) and by a build with -fsanitize=shift trapping on undefined shifts, run in a child process
// so a trap fails the test instead of killing the test process.
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import test from "ava";
import { buildFunc } from "./helpers.js";
import { SHIFT, SHIFT_DTYPES as DTYPES, type ShiftDType as IntDType, VALUES, shiftKernel } from "./shift_kernel.js";
import { array, empty } from "../../ts/runtime/ndarray.js";

const bits = (dtype: IntDType): number => Number(dtype.slice(3));
const wrap = (dtype: IntDType, v: number, k: number): bigint => BigInt.asIntN(bits(dtype), BigInt(v) << BigInt(k));

function inputs(dtype: IntDType) {
  const n = VALUES.length;
  if (dtype === "int64") return { x: array(BigInt64Array.from(VALUES.map(BigInt))), o: empty([n], "int64"), p: empty([n], "int64") };
  const T = { int8: Int8Array, int16: Int16Array, int32: Int32Array }[dtype];
  return { x: array(T.from(VALUES)), o: empty([n], dtype), p: empty([n], dtype) };
}

for (const dtype of DTYPES) {
  test(`shift_left of negative ${dtype} values wraps to the dtype`, (t) => {
    const f = buildFunc(shiftKernel(dtype)).getFunction(`shl_${dtype}`);
    const { x, o, p } = inputs(dtype);
    f(x, o, p);
    t.deepEqual(Array.from(o.data as ArrayLike<number | bigint>, BigInt), VALUES.map((v) => wrap(dtype, v, SHIFT)));
    t.deepEqual(Array.from(p.data as ArrayLike<number | bigint>, BigInt), VALUES.map((v, i) => wrap(dtype, v, i % 4)));
  });
}

test("no shift_left is undefined behaviour: a -fsanitize=shift build that traps runs clean", (t) => {
  const self = pathToFileURL(fileURLToPath(import.meta.url)).href;
  const child = `
    import { buildModule } from ${JSON.stringify(new URL("../../ts/codegen/build_module.js", self).href)};
    import { IRModule } from ${JSON.stringify(new URL("../../ts/ir/function.js", self).href)};
    import { array, empty } from ${JSON.stringify(new URL("../../ts/runtime/ndarray.js", self).href)};
    import { shiftKernel } from ${JSON.stringify(new URL("./shift_kernel.js", self).href)};
    for (const dtype of ["int8", "int16", "int32", "int64"]) {
      const n = ${VALUES.length};
      const big = dtype === "int64";
      const T = { int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array }[dtype];
      const x = array(T.from(${JSON.stringify(VALUES)}.map((v) => (big ? BigInt(v) : v))));
      const f = shiftKernel(dtype);
      const m = buildModule(new IRModule(new Map([[f.name, f]])), { cflags: ["-fsanitize=shift", "-fsanitize-undefined-trap-on-error"] });
      m.getFunction("shl_" + dtype)(x, empty([n], dtype), empty([n], dtype));
    }
    console.log("ran");
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child], { encoding: "utf8" });
  t.is(r.signal, null, `the kernel trapped (${r.signal}): a left shift is undefined in C\n${r.stderr}`);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.trim(), "ran");
});
