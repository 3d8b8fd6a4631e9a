// Binding a PrimFunc's parameters to JS arguments, with the checks TVM's packed API makes: a
// handle parameter with a buffer takes an NDArray whose dtype, rank and every dimension match the
// buffer's (a variable in the shape is bound on first sight and checked afterwards; expressions
// are checked once all variables are bound); strides must be compact unless the buffer declares
// strides, which are then bound or checked the same way. The buffer's data variable then points
// at the array so that buffer element [0, …] is the array's element [0, …] (a symbolic
// elem_offset is bound to the array's element offset in its data, as TVM binds byte_offset).
// Scalar parameters take numbers (bigints for 64-bit integers) and are range-checked.

import { ArgumentError, DTypeError, IRError, ShapeError } from "../errors.js";
import type { Buffer } from "../ir/buffer.js";
import { DataType } from "../ir/dtype.js";
import { IntImm, type PrimExpr, Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { printExpr } from "../ir/printer.js";
import { type AnyNDArray, NDArray } from "../runtime/ndarray.js";
import type { Context, Slots } from "./context.js";
import { memOfArray, ndDtypeName } from "./memory.js";
import { type Scalar, converter, isBig, numberWrapper } from "./values.js";

/** An argument of an interpreted function. */
export type Arg = AnyNDArray | number | bigint;

export type Binder = (s: Slots, args: readonly Arg[]) => void;

function describe(x: unknown): string {
  if (x === null) return "null";
  if (x instanceof NDArray) return `an NDArray of ${x.dtype} with shape [${x.shape.join(", ")}]`;
  if (typeof x === "object") return `a ${(x as object).constructor?.name ?? "object"}`;
  return `${typeof x} ${String(x)}`;
}

/** One entry of a shape or strides list: a constant, a variable (bind or check), or an expression (check later). */
type Dim =
  | { kind: "const"; value: number }
  | { kind: "var"; v: Var; slot: number; conv: (x: Scalar) => Scalar }
  | { kind: "expr"; e: PrimExpr; f: (s: Slots) => Scalar };

interface BufferPlan {
  kind: "buffer";
  param: Var;
  paramSlot: number;
  buffer: Buffer;
  dataSlot: number;
  label: string;
  dtype: string | Error;
  shape: Dim[];
  strides: Dim[];
  elemOffset: Dim;
}

interface HandlePlan {
  kind: "handle";
  param: Var;
  slot: number;
  label: string;
}

interface ScalarPlan {
  kind: "scalar";
  param: Var;
  slot: number;
  label: string;
}

type Plan = BufferPlan | HandlePlan | ScalarPlan;

export function compileBinder(ctx: Context, fn: PrimFunc): Binder {
  const slotOf = new Map<Var, number>();
  const declare = (v: Var): number => {
    let slot = slotOf.get(v);
    if (slot === undefined) {
      slot = ctx.declare(v);
      slotOf.set(v, slot);
    }
    return slot;
  };
  const plans: Plan[] = fn.params.map((p, i) => {
    const buf = fn.bufferMap.get(p);
    const label = `${ctx.fname}: argument ${i} ('${buf ? buf.name : p.name}')`;
    if (!buf) {
      const slot = declare(p);
      return p.dtype.isHandle() ? { kind: "handle", param: p, slot, label } : { kind: "scalar", param: p, slot, label };
    }
    const paramSlot = declare(p);
    const dataSlot = declare(buf.data);
    const dim = (e: PrimExpr): Dim => {
      if (e instanceof IntImm) return { kind: "const", value: e.value };
      if (e instanceof Var) {
        return { kind: "var", v: e, slot: declare(e), conv: converter(e.dtype) };
      }
      return { kind: "expr", e, f: () => 0 };
    };
    let dtype: string | Error;
    try {
      dtype = ndDtypeName(buf.dtype, `${label}: buffer '${buf.name}'`);
    } catch (err) {
      dtype = err as Error;
    }
    return {
      kind: "buffer", param: p, paramSlot, buffer: buf, dataSlot, label, dtype,
      shape: buf.shape.map(dim), strides: buf.strides.map(dim), elemOffset: dim(buf.elemOffset),
    };
  });
  // Expressions are compiled once every parameter's variables are declared.
  for (const plan of plans) {
    if (plan.kind !== "buffer") continue;
    for (const [field, dims] of [["shape", plan.shape], ["strides", plan.strides], ["elem_offset", [plan.elemOffset]]] as const) {
      dims.forEach((d, k) => {
        if (d.kind !== "expr") return;
        try {
          d.f = ctx.expr(d.e) as (s: Slots) => Scalar;
        } catch (err) {
          throw new IRError(`${plan.label}: ${field}${field === "elem_offset" ? "" : `[${k}]`} of buffer '${plan.buffer.name}' is ${printExpr(d.e)}, which uses a variable no argument binds (${(err as Error).message})`);
        }
      });
    }
  }
  const names = plans.map((p) => (p.kind === "buffer" ? p.buffer.name : p.param.name));
  // The frame is fresh for every call, so every slot starts unbound.
  return (s, args) => {
    if (args.length !== plans.length) {
      throw new ArgumentError(`${ctx.fname}: expected ${plans.length} argument${plans.length === 1 ? "" : "s"} (${names.join(", ")}), got ${args.length}`);
    }
    const later: (() => void)[] = [];
    plans.forEach((plan, i) => {
      const a = args[i];
      if (plan.kind === "scalar") bindScalar(s, plan, a);
      else if (plan.kind === "handle") bindHandle(s, plan, a);
      else later.push(bindBuffer(s, plan, a));
    });
    for (const f of later) f();
  };
}

function shapeText(plan: BufferPlan): string {
  return `[${plan.buffer.shape.map((e) => printExpr(e)).join(", ")}]`;
}

/** Binds or checks one shape/stride entry against the array's `actual`; expressions are deferred. */
function bindDim(s: Slots, plan: BufferPlan, d: Dim, actual: number, what: string, deferred: (() => void)[]): void {
  switch (d.kind) {
    case "const":
      if (d.value !== actual) throw new ShapeError(`${plan.label}: ${what} is ${actual}, but buffer '${plan.buffer.name}' expects ${d.value} (shape ${shapeText(plan)})`);
      return;
    case "var": {
      const cur = s[d.slot];
      if (cur === undefined) {
        s[d.slot] = d.conv(actual);
      } else if (Number(cur) !== actual) {
        throw new ShapeError(`${plan.label}: ${what} is ${actual}, but buffer '${plan.buffer.name}' expects ${d.v.name} = ${String(cur)}, bound by an earlier argument (shape ${shapeText(plan)})`);
      }
      return;
    }
    case "expr":
      deferred.push(() => {
        const v = Number(d.f(s));
        if (v !== actual) throw new ShapeError(`${plan.label}: ${what} is ${actual}, but buffer '${plan.buffer.name}' expects ${printExpr(d.e)} = ${v} (shape ${shapeText(plan)})`);
      });
  }
}

/** Checks an NDArray argument and binds its shape variables; returns what runs once all are bound. */
function bindBuffer(s: Slots, plan: BufferPlan, a: Arg): () => void {
  const buf = plan.buffer;
  if (!(a instanceof NDArray)) {
    throw new ArgumentError(`${plan.label}: expected an NDArray of ${buf.dtype} with shape ${shapeText(plan)}, got ${describe(a)}`);
  }
  a.assertLive(plan.label);
  if (plan.dtype instanceof Error) throw plan.dtype;
  if (a.dtype !== plan.dtype) {
    throw new DTypeError(`${plan.label}: expected dtype ${plan.dtype}, got ${describe(a)}`);
  }
  if (a.ndim !== plan.shape.length) {
    throw new ShapeError(`${plan.label}: expected ${plan.shape.length} dimension${plan.shape.length === 1 ? "" : "s"} (shape ${shapeText(plan)}), got ${describe(a)}`);
  }
  const deferred: (() => void)[] = [];
  plan.shape.forEach((d, k) => bindDim(s, plan, d, a.shape[k], `shape[${k}]`, deferred));
  if (plan.strides.length > 0) {
    plan.strides.forEach((d, k) => bindDim(s, plan, d, a.strides[k], `strides[${k}]`, deferred));
  } else if (!a.isContiguous()) {
    throw new ShapeError(`${plan.label}: expected a compact (row-major) array, got strides [${a.strides.join(", ")}] for shape [${a.shape.join(", ")}]; declare buffer '${buf.name}' with strides to accept strided views`);
  }
  const eo = plan.elemOffset;
  if (eo.kind === "var" && s[eo.slot] === undefined) s[eo.slot] = eo.conv(a.elemOffset);
  return () => {
    for (const f of deferred) f();
    const off = eo.kind === "const" ? eo.value : eo.kind === "var" ? Number(s[eo.slot]) : Number(eo.f(s));
    const mem = memOfArray(buf.data.name, a, off, buf.dtype);
    s[plan.dataSlot] = mem;
    s[plan.paramSlot] = mem;
  };
}

function bindHandle(s: Slots, plan: HandlePlan, a: Arg): void {
  if (!(a instanceof NDArray)) throw new ArgumentError(`${plan.label}: expected an NDArray (a handle parameter), got ${describe(a)}`);
  a.assertLive(plan.label);
  s[plan.slot] = memOfArray(plan.param.name, a, 0, DataType.parse(a.dtype));
}

function bindScalar(s: Slots, plan: ScalarPlan, a: Arg): void {
  const t = plan.param.dtype;
  const raw: unknown = a;
  let v: Scalar;
  if (typeof raw === "boolean" && t.isBool()) {
    v = raw ? 1 : 0;
  } else if (typeof raw !== "number" && typeof raw !== "bigint") {
    throw new ArgumentError(`${plan.label}: expected a ${t} number, got ${describe(raw)}`);
  } else if (t.isFloat()) {
    v = converter(t)(raw);
  } else if (isBig(t)) {
    if (typeof raw === "number" && !Number.isSafeInteger(raw)) throw new ArgumentError(`${plan.label}: expected a ${t} (an integer; use a bigint beyond 2^53), got ${raw}`);
    const b = BigInt(raw);
    v = converter(t)(b);
    if (v !== b) throw new ArgumentError(`${plan.label}: ${raw} is out of range for ${t}`);
  } else {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new ArgumentError(`${plan.label}: expected a ${t} (an integer), got ${String(raw)}`);
    v = numberWrapper(t)(n);
    if (v !== n) throw new ArgumentError(`${plan.label}: ${String(raw)} is out of range for ${t}`);
  }
  const cur = s[plan.slot];
  if (cur !== undefined && cur !== v) {
    throw new ShapeError(`${plan.label}: is ${String(v)}, but an earlier argument's shape bound '${plan.param.name}' to ${String(cur)}`);
  }
  s[plan.slot] = v;
}
