// The error classes (ts/errors.ts): each is exported from the package root, extends TejitError
// and Error, carries its stable code and its own name; InternalError asks for a report and keeps
// the failing IR (whole in `ir`, shortened in the message).
import test from "ava";
import * as tejit from "../../ts/index.js";
import * as errors from "../../ts/errors.js";
import { te, tir } from "../../ts/index.js";

const CODES: Record<string, string> = {
  TejitError: "ERR_TEJIT",
  ArgumentError: "ERR_ARGUMENT",
  ShapeError: "ERR_SHAPE",
  DTypeError: "ERR_DTYPE",
  ScheduleError: "ERR_SCHEDULE",
  IRError: "ERR_IR",
  UnsupportedError: "ERR_UNSUPPORTED",
  CompileError: "ERR_COMPILE",
  KernelError: "ERR_KERNEL",
  ConfigError: "ERR_CONFIG",
  TuneError: "ERR_TUNE",
  InternalError: "ERR_INTERNAL",
};

test("every TejitError subclass in ts/errors.ts is exported from the package root", (t) => {
  const classes = Object.entries(errors).filter(([, v]) => typeof v === "function" && (v === errors.TejitError || v.prototype instanceof errors.TejitError));
  t.deepEqual(classes.map(([k]) => k).sort(), Object.keys(CODES).sort());
  for (const [name, cls] of classes) t.is((tejit as Record<string, unknown>)[name], cls, `${name} is exported from ts/index.ts`);
});

test("each class has its code and name, and is an Error and a TejitError", (t) => {
  for (const [name, code] of Object.entries(CODES)) {
    if (name === "TejitError" || name === "InternalError") continue;
    const Cls = (errors as unknown as Record<string, new (m: string, o?: { cause?: unknown }) => errors.TejitError>)[name];
    const cause = new Error("the cause");
    const e = new Cls("what went wrong", { cause });
    t.true(e instanceof Error, name);
    t.true(e instanceof errors.TejitError, name);
    t.is(e.code, code, name);
    t.is(e.name, name);
    t.is(e.message, "what went wrong");
    t.is(e.cause, cause);
    t.is(String(e), `${name}: what went wrong`);
    t.false(Object.keys(e).includes("name"), "name is not an enumerable own property");
  }
  const base = new errors.TejitError("plain");
  t.is(base.code, "ERR_TEJIT");
  t.is(base.name, "TejitError");
  t.is(new errors.TejitError("coded", "ERR_SHAPE").code, "ERR_SHAPE");
});

test("InternalError asks for a report and carries the failing IR", (t) => {
  const n = te.var("n");
  const A = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (i) => A.at(i).mul(2), "B");
  const f = tejit.lower(te.createSchedule(B.op), [A, B]).functions.get("main")!;
  const text = String(f);
  const e = new errors.InternalError("storage plan lost buffer 'B'", { ir: f });
  t.true(e instanceof errors.TejitError);
  t.is(e.code, "ERR_INTERNAL");
  t.is(e.ir, text);
  t.is(e.message, `internal error: storage plan lost buffer 'B'\nThis is a bug in tejit: please report it with this message and the program that produced it.\nIR:\n${text}`);
  t.is(new errors.InternalError("no IR").message, "internal error: no IR\nThis is a bug in tejit: please report it with this message and the program that produced it.");
  t.is(new errors.InternalError("no IR").ir, undefined);
});

test("InternalError shortens a long IR in its message and keeps all of it in ir", (t) => {
  const long = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
  const e = new errors.InternalError("bad", { ir: long });
  t.is(e.ir, long);
  const shown = e.message.split("IR:\n")[1];
  t.is(shown, `${Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n")}\n… (60 more lines; the whole IR is in the error's \`ir\` property)`);
  const wide = "x".repeat(10000);
  const w = new errors.InternalError("bad", { ir: wide });
  t.is(w.message.split("IR:\n")[1], `${"x".repeat(4000)}\n… (shortened; the whole IR is in the error's \`ir\` property)`);
  const expr = tir.const(3, "int32");
  t.is(new errors.InternalError("bad", { ir: expr }).ir, "3");
});
