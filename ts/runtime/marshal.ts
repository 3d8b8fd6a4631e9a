// Marshalling of JS arguments for a kernel call: each argument's descriptor goes into the shared
// Float64Array the addon reads (kind; for an NDArray its DLPack dtype, byte offset, shape and
// strides, strides omitted when compact so the kernel sees NULL), and the values that carry data
// (the NDArray's TypedArray, bigints, strings) are returned to be passed to the addon. Nothing is
// copied. Tensors are read from the NDArray's private, frozen layout (layoutOf), never from its
// public properties, and their data must still hold every element the layout reaches (a detached
// buffer is refused here, naming the argument; native/call.cc checks the bytes again). Names that
// reach C (strings) must not contain NUL. An optional parameter description checks kinds, dtypes
// and ranks and decides whether a number goes as int (type code 0) or float (code 2); without it
// integers go as int. Tensors a noalias kernel writes must not share memory with its other
// tensors (checkNoOverlap, overlap.ts). A kernel called many times uses argEncoder: the checks
// against its parameter list are planned once, and any argument off the plan's fast path goes
// through encodeArgs, which gives the error.
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { NDArray, type NDLayout, isTypedArray, layoutOf } from "./ndarray.js";
import { checkNoOverlap, noaliasPairs } from "./overlap.js";

/** A kernel parameter, as described to createModuleFromSource (and embedded in the library). */
export type ParamInfo =
  | {
    kind: "tensor"; name?: string; dtype?: string; ndim?: number;
    /**
     * Set when the kernel assumes this tensor shares no memory with the other `noalias` tensors
     * (its pointer is `restrict`): "written" when the kernel writes it, "read" when it only reads
     * it. A call passing two overlapping tensors, one of them written, is refused (overlap.ts).
     */
    noalias?: "read" | "written";
  }
  | { kind: "scalar"; name?: string; dtype: string };

/** What a module knows about one of its functions. */
export interface FunctionInfo {
  /** One description a parameter, in order. */
  params: ParamInfo[];
}

// Descriptor kinds, as native/call.cc reads them.
const TENSOR = 1, INT = 2, FLOAT = 3, BIGINT = 4, STRING = 5, NULL = 6;

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

function paramLabel(fname: string, i: number, p?: ParamInfo): string {
  return `${fname}: argument ${i}${p?.name ? ` ('${p.name}')` : ""}`;
}

/**
 * Writes the descriptor of the tensor laid out as `l` at `meta[pos]` (kind, DLPack dtype, byte
 * offset, rank, whether strides follow, the shape, the strides when not compact), as
 * native/call.cc reads it; returns the position after it. The caller checked the room.
 */
function writeTensor(meta: Float64Array, pos: number, l: NDLayout): number {
  const nd = l.shape.length;
  const strided = !l.contiguous;
  meta[pos] = TENSOR;
  meta[pos + 1] = l.info.code;
  meta[pos + 2] = l.info.bits;
  meta[pos + 3] = 1;
  meta[pos + 4] = l.byteOffset;
  meta[pos + 5] = nd;
  meta[pos + 6] = strided ? 1 : 0;
  pos += 7;
  for (let d = 0; d < nd; d++) meta[pos + d] = l.shape[d];
  pos += nd;
  if (strided) {
    for (let d = 0; d < nd; d++) meta[pos + d] = l.strides[d];
    pos += nd;
  }
  return pos;
}

/**
 * Fills `meta` for `args` and returns the values to pass to the addon after the kernel handle:
 * in `out` (its first args.length entries; a caller reusing one array per kernel saves an
 * allocation a call), else in a new array.
 */
export function encodeArgs(fname: string, args: readonly unknown[], params: readonly ParamInfo[] | undefined, meta: Float64Array, out?: unknown[]): unknown[] {
  if (params && args.length !== params.length) {
    throw new ArgumentError(`${fname}: expected ${params.length} arguments (${params.map((p, i) => p.name ?? `${p.kind} ${i}`).join(", ")}), got ${args.length}`);
  }
  const values = out ?? new Array<unknown>(args.length);
  const cap = meta.length;
  meta[0] = args.length;
  let pos = 1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const p = params?.[i];
    values[i] = undefined;
    if (a instanceof NDArray) {
      const l = layoutOf(a);
      if (!l) throw new ArgumentError(`${paramLabel(fname, i, p)}: expected an NDArray made by tejit (nd.array, nd.empty, NDArray.view), got an object that only inherits from NDArray (a Proxy or Object.create)`);
      const info = l.info;
      if (p && p.kind !== "tensor") throw new ArgumentError(`${paramLabel(fname, i, p)}: expected a ${p.dtype} scalar, got an NDArray`);
      if (p?.dtype !== undefined && p.dtype !== info.name) throw new DTypeError(`${paramLabel(fname, i, p)}: expected an NDArray of dtype ${p.dtype}, got ${info.name}`);
      const shape = l.shape;
      const nd = shape.length;
      if (p?.ndim !== undefined && p.ndim !== nd) throw new ShapeError(`${paramLabel(fname, i, p)}: expected an NDArray of ${p.ndim} dimensions, got shape [${shape.join(", ")}]`);
      if (a.released) a.assertLive(paramLabel(fname, i, p));
      const data = l.data;
      if (data.length < l.minLength) {
        throw new ArgumentError(`${paramLabel(fname, i, p)}: the NDArray's data is ${data.length === 0 ? "detached (its ArrayBuffer was transferred away, e.g. by structuredClone or postMessage)" : `shorter than its layout`}: ${info.name} shape [${shape.join(", ")}] needs ${l.minLength * info.bytes} bytes, the data has ${data.byteLength}`);
      }
      if (pos + 7 + 2 * nd > cap) throw new ArgumentError(`${fname}: too many arguments or dimensions for one call`);
      pos = writeTensor(meta, pos, l);
      values[i] = data;
      continue;
    }
    if (pos + 2 > cap) throw new ArgumentError(`${fname}: too many arguments for one call`);
    if (p?.kind === "tensor" && a !== null) {
      throw new ArgumentError(`${paramLabel(fname, i, p)}: expected an NDArray${p.dtype ? ` of dtype ${p.dtype}` : ""}, got ${describe(a)}${isTypedArray(a) ? " (wrap TypedArrays with nd.array(data, shape))" : ""}`);
    }
    if (p?.kind === "scalar" && typeof a !== "number" && typeof a !== "boolean" && typeof a !== "bigint") {
      throw new ArgumentError(`${paramLabel(fname, i, p)}: expected a ${p.dtype} scalar (a number or a bigint), got ${describe(a)}`);
    }
    const asFloat = p?.kind === "scalar" && p.dtype.startsWith("float");
    if (typeof a === "number" || typeof a === "boolean") {
      const v = Number(a);
      if (asFloat || (!p && !Number.isInteger(v))) {
        meta[pos++] = FLOAT;
        meta[pos++] = v;
      } else {
        if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 63) {
          throw new ArgumentError(`${paramLabel(fname, i, p)}: expected an integer${p ? ` for ${p.kind === "scalar" ? p.dtype : "it"}` : ""}, got ${v}`);
        }
        meta[pos++] = INT;
        meta[pos++] = v;
      }
    } else if (typeof a === "bigint") {
      if (asFloat) {
        meta[pos++] = FLOAT;
        meta[pos++] = Number(a);
      } else {
        if (a < -(2n ** 63n) || a >= 2n ** 63n) throw new ArgumentError(`${paramLabel(fname, i, p)}: bigint ${a} is outside the int64 range`);
        meta[pos++] = BIGINT;
        values[i] = a;
      }
    } else if (typeof a === "string") {
      if (a.includes("\0")) throw new ArgumentError(`${paramLabel(fname, i, p)}: the string ${JSON.stringify(a)} contains a NUL character, which C would take as its end`);
      meta[pos++] = STRING;
      values[i] = a;
    } else if (a === null) {
      meta[pos++] = NULL;
    } else {
      throw new ArgumentError(`${paramLabel(fname, i, p)}: expected an NDArray, number, bigint or string, got ${describe(a)}${isTypedArray(a) ? " (wrap TypedArrays with nd.array(data, shape))" : ""}`);
    }
  }
  if (params) checkNoOverlap(fname, args, params);
  return values;
}

/** Fills `meta` and returns the values to pass to the addon (argEncoder's result). */
export type ArgEncoder = (args: readonly unknown[], meta: Float64Array, out: unknown[]) => unknown[];

/**
 * The encoder of the calls of `fname` with `params`: encodeArgs, with the checks against the
 * parameter list planned once (dtype names, ranks, the noalias pairs, int or float for each
 * scalar), so that a call with real, live NDArrays of the right dtypes and ranks in distinct
 * buffers and numbers for the scalars only reads each array's layout once. Anything else (a
 * wrong argument, a released view, a bigint, two arguments in one buffer or in memory another
 * buffer may show) takes encodeArgs, which checks it fully.
 */
export function argEncoder(fname: string, params: readonly ParamInfo[] | undefined): ArgEncoder {
  if (params === undefined || params.length === 0) {
    return (args, meta, out) => encodeArgs(fname, args, params, meta, out);
  }
  // A parameter's plan: a tensor, a float scalar (a number goes as float) or another scalar (an int).
  const PLAN_TENSOR = 0, PLAN_FLOAT = 1, PLAN_INT = 2;
  const plans = params.map((p) => (p.kind === "tensor" ? PLAN_TENSOR : p.dtype.startsWith("float") ? PLAN_FLOAT : PLAN_INT));
  // Imported functions read through locals: a loader that turns modules into CommonJS (tsx)
  // makes each use of an import a getter call.
  const layout = layoutOf;
  const n = params.length;
  const dtypes = params.map((p) => (p.kind === "tensor" ? p.dtype : undefined));
  const ranks = params.map((p) => (p.kind === "tensor" ? p.ndim : undefined));
  const pairs = noaliasPairs(params).flat();
  const paired = params.map((_, i) => pairs.includes(i));
  // The buffers of the paired tensors of the call in progress (emptied after it, to keep no
  // buffer alive; a loop, not fill(): Array.prototype.fill is a slow builtin call).
  const buffers: (ArrayBufferLike | undefined)[] = params.map(() => undefined);
  const forget = (): void => {
    for (let i = 0; i < n; i++) buffers[i] = undefined;
  };
  const general = (args: readonly unknown[], meta: Float64Array, out: unknown[]): unknown[] => {
    forget();
    return encodeArgs(fname, args, params, meta, out);
  };
  return (args, meta, out) => {
    if (args.length !== n) return general(args, meta, out);
    const cap = meta.length;
    let pos = 1;
    for (let i = 0; i < n; i++) {
      const a = args[i];
      const plan = plans[i];
      if (plan !== PLAN_TENSOR) {
        // A number or a boolean; anything else (a bigint, a wrong value) takes encodeArgs.
        if ((typeof a !== "number" && typeof a !== "boolean") || pos + 2 > cap) return general(args, meta, out);
        const v = Number(a);
        if (plan === PLAN_FLOAT) meta[pos] = FLOAT;
        else if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) meta[pos] = INT;
        else return general(args, meta, out);
        meta[pos + 1] = v;
        pos += 2;
        out[i] = undefined;
        continue;
      }
      const l = layout(a);
      if (l === undefined) return general(args, meta, out);
      const info = l.info;
      const shape = l.shape;
      const nd = shape.length;
      const data = l.data;
      if ((dtypes[i] !== undefined && dtypes[i] !== info.name) || (ranks[i] !== undefined && ranks[i] !== nd) ||
          (a as NDArray).released || data.length < l.minLength || pos + 7 + 2 * nd > cap) {
        return general(args, meta, out);
      }
      pos = writeTensor(meta, pos, l);
      out[i] = data;
      if (paired[i]) {
        // In memory another buffer object may show: the full check compares addresses.
        if (l.sharedMemory) return general(args, meta, out);
        buffers[i] = l.buffer;
      }
    }
    // Two noalias tensors in one buffer: the full check compares their byte ranges.
    for (let k = 0; k < pairs.length; k += 2) {
      if (buffers[pairs[k]] === buffers[pairs[k + 1]]) return general(args, meta, out);
    }
    forget();
    meta[0] = n;
    return out;
  };
}
