// Memory safety at the JS boundary (issue 9, items 2 and 3): the memory of a kernel's arguments
// stays allocated while the kernel runs even if JS transfers the buffers away (callAsync; a
// callback of a synchronous call); views of kernel memory cannot leave their callback (a transfer
// copies, callAsync refuses them); NDArray fields are read-only at run time and the native side
// counts bytes of the dtype; detached, resizable and shared buffers are handled clearly.
import test from "ava";
import { MessageChannel } from "node:worker_threads";
import { runScenario } from "./child.js";
import { loadFixture } from "./helpers.js";
import { getAddon, callMeta, type KernelHandle } from "../../ts/runtime/addon.js";
import { encodeArgs } from "../../ts/runtime/marshal.js";
import { NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";

const functions = {
  slow_fill: { params: [
    { kind: "tensor" as const, dtype: "float32", ndim: 1, name: "B" },
    { kind: "scalar" as const, dtype: "int64", name: "ms" },
    { kind: "scalar" as const, dtype: "float64", name: "value" },
  ] },
};
const mod = loadFixture("memory.c", { functions });
const slowFill = mod.getFunction("slow_fill");
const callThenFill = mod.getFunction("call_then_fill");

test("callAsync, then the caller transfers the buffer and a GC runs: the kernel's memory stays allocated", (t) => {
  const r = runScenario("async-transfer");
  t.is(r.signal, null, r.stderr);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.result, { detached: true, resolved: true, junkWritten: false, moved: null });
});

test("callAsync, then the buffer is transferred and kept: the kernel's writes land in the new owner", (t) => {
  const r = runScenario("async-transfer-kept");
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.result, { movedAllSeven: true, length: 1 << 20 });
});

test("a callback transfers the running kernel's argument away and collects it: the kernel still writes live memory", (t) => {
  const r = runScenario("sync-callback-transfer");
  t.is(r.signal, null, r.stderr);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.result, { result: 1, detached: true, junkWritten: false });
});

test("a callback from a pool thread transfers the argument away while other tasks write it: still live memory", (t) => {
  const r = runScenario("parallel-callback-transfer");
  t.is(r.signal, null, r.stderr);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.result, { detached: true, junkWritten: false });
});

test.serial("a callback's view cannot be transferred out: structuredClone and postMessage copy it", (t) => {
  let cloned: ArrayBuffer | undefined;
  let posted: unknown;
  let lengthAfter = -1;
  registerFunc("mem.take", (v: NDArray) => {
    cloned = structuredClone(v.data.buffer, { transfer: [v.data.buffer] });
    const ch = new MessageChannel();
    ch.port1.postMessage(v.data.buffer, [v.data.buffer]);
    ch.port1.close();
    posted = true;
    lengthAfter = v.data.length;
    return 1;
  }, { override: true });
  const C = array(new Float32Array(16).fill(2));
  t.is(callThenFill("mem.take", C, 4), 1);
  t.true(posted === true);
  t.is(lengthAfter, 16); // the view stayed attached until its callback returned
  t.deepEqual([...new Float32Array(cloned!)], new Array(16).fill(2)); // a copy taken during the callback
  t.deepEqual([...C.data], new Array(16).fill(4)); // the kernel wrote its memory, not the copy
});

test.serial("a view whose buffer a web byte stream moves away (BYOB read, enqueue) fails the call loudly", async (t) => {
  // Node's web streams move a buffer with an internal detach that ignores the untransferable mark:
  // the kernel's memory would be written by the stream after the callback. The trampoline sees
  // the view's memory has another owner when the callback returns and fails the call.
  let read: Promise<unknown> | undefined;
  registerFunc("mem.byob", (v: NDArray) => {
    const stream = new ReadableStream({ type: "bytes", pull(c) { c.enqueue(new Uint8Array([1, 2, 3])); } });
    read = stream.getReader({ mode: "byob" }).read(new Uint8Array(v.data.buffer));
    return 1;
  }, { override: true });
  registerFunc("mem.enqueue", (v: NDArray) => {
    new ReadableStream({ type: "bytes", start(c) { c.enqueue(v.data); } });
    return 1;
  }, { override: true });
  for (const name of ["mem.byob", "mem.enqueue"]) {
    const C = array(new Float32Array(16).fill(2));
    t.throws(() => callThenFill(name, C, 4), {
      message: `packed function '${name}' let the memory of its view argument 0 escape: an API moved the view's ArrayBuffer to a new owner (as web byte streams do in enqueue and BYOB reads), which would outlive the kernel's memory; pass a copy instead (view.toTypedArray().slice())`,
    });
    t.deepEqual([...C.data], new Array(16).fill(2)); // the kernel stopped at the failed callback
  }
  await read;
});

test.serial("callAsync refuses a callback's view (and arrays over its data): the memory dies with the callback", async (t) => {
  const pending: Promise<unknown>[] = [];
  registerFunc("mem.async", (v: NDArray) => {
    pending.push(slowFill.callAsync(v, 0, 1));
    pending.push(slowFill.callAsync(array(v.data as Float32Array), 0, 1));
    return 1;
  }, { override: true });
  const C = array(new Float32Array(16));
  callThenFill("mem.async", C, 4);
  for (const p of pending) {
    await t.throwsAsync(p, {
      message: "kernel 'slow_fill': argument 0 shows memory a kernel handed to a callback, valid only until the callback returns, so callAsync cannot use it: copy it first (nd.array(view.toTypedArray().slice(), view.shape)) or call the kernel synchronously",
    });
  }
  t.deepEqual([...C.data], new Array(16).fill(4));
});

test("NDArray fields are read-only at run time: assignments throw, nothing changes", (t) => {
  const b = empty([64], "float32");
  const data = b.data;
  for (const [field, value] of [["data", new Uint8Array(64)], ["shape", [256]], ["strides", [0]], ["byteOffset", 4], ["dtype", "uint8"], ["size", 1], ["ndim", 0], ["dtypeInfo", {}], ["elemOffset", 3]] as const) {
    t.throws(() => { (b as unknown as Record<string, unknown>)[field] = value; }, { instanceOf: TypeError }, field);
  }
  t.is(b.data, data);
  t.deepEqual([b.shape, b.strides, b.byteOffset, b.dtype], [[64], [1], 0, "float32"]);
  t.throws(() => { (b.shape as number[])[0] = 256; }, { instanceOf: TypeError });
  t.throws(() => { (b.strides as number[]).push(1); }, { instanceOf: TypeError });
});

test("a redefined field, a subclass getter or a Proxy cannot change what the kernel is given", (t) => {
  const fill = loadFixture("basic.c").getFunction("fill");
  const b = empty([64], "float32");
  const small = new Uint8Array(64);
  Object.defineProperty(b, "data", { value: small });
  t.is(b.data as unknown, small); // the own property shadows the getter for JS readers...
  fill(b, 9);
  t.deepEqual([...small], new Array(64).fill(0)); // ...but the kernel gets the checked layout
  t.deepEqual([...(empty([64]).copyFrom(new Array(64).fill(9))).data], [...b.toTypedArray()]);

  class Evil extends NDArray {
    override get data() { return small as unknown as Float32Array; }
  }
  const e = new Evil(new Float32Array(64), [64]);
  fill(e, 3);
  t.deepEqual([...small], new Array(64).fill(0));

  const p = new Proxy(empty([64]), {});
  t.throws(() => fill(p, 1), {
    message: "fill: argument 0: expected an NDArray made by tejit (nd.array, nd.empty, NDArray.view), got an object that only inherits from NDArray (a Proxy or Object.create)",
  });
});

test("the native side checks bytes of the dtype, not elements of the TypedArray", (t) => {
  const addon = getAddon();
  const kernel: KernelHandle = addon.getFunction(addon.loadLibrary(mod.libraryPath), "slow_fill"); // the same dlopen handle
  const values = encodeArgs("slow_fill", [empty([64]), 0, 1], undefined, callMeta);
  values[0] = new Uint8Array(64); // what the descriptor says is float32 [64]: 256 bytes
  t.throws(() => addon.call(kernel, ...values), {
    message: "kernel 'slow_fill': argument 0: the NDArray needs bytes 0..256 of its data, which has 64 bytes",
  });
});

test("a detached (transferred) buffer is a clear Error naming the argument", async (t) => {
  const B = array(new Float32Array(64));
  structuredClone(B.data.buffer, { transfer: [B.data.buffer] });
  const message = "slow_fill: argument 0 ('B'): the NDArray's data is detached (its ArrayBuffer was transferred away, e.g. by structuredClone or postMessage): float32 shape [64] needs 256 bytes, the data has 0";
  t.throws(() => slowFill(B, 0, 1), { message });
  await t.throwsAsync(slowFill.callAsync(B, 0, 1), { message });
});

test("an NDArray over a resizable ArrayBuffer is refused (a shrink would take memory from a kernel)", (t) => {
  const buf = new ArrayBuffer(256, { maxByteLength: 1024 });
  t.throws(() => array(new Float32Array(buf)), {
    message: "NDArray: the data's ArrayBuffer is resizable (maxByteLength 1024); shrinking it would take memory a kernel may be using: use a fixed-length ArrayBuffer",
  });
});

test("SharedArrayBuffer-backed arrays work, synchronously and with callAsync", async (t) => {
  const B = array(new Float32Array(new SharedArrayBuffer(64 * 4)));
  slowFill(B, 0, 2);
  t.deepEqual([...B.data], new Array(64).fill(2));
  await slowFill.callAsync(B, 1, 6);
  t.deepEqual([...B.data], new Array(64).fill(6));
});
