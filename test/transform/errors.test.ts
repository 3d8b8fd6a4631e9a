// The passes' errors by class and code: a schedule the passes cannot carry out (a vector wider
// than the lane limit) is a ScheduleError, a bad pass configuration or pass list an ArgumentError.
import test from "ava";
import { te, tir, lower, ScheduleError, ArgumentError, TejitError } from "../../ts/index.js";
import { MAX_VECTOR_LANES } from "../../ts/transform/vectorize_loop.js";

const { transform } = tir;

test("vectorizing more lanes than allowed is a ScheduleError naming the loop and the limit", (t) => {
  const n = MAX_VECTOR_LANES * 2;
  const A = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (i) => A.at(i).mul(2), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).vectorize(B.op.axis[0]);
  const e = t.throws(() => lower(s, [A, B]), { instanceOf: ScheduleError });
  t.is(e?.code, "ERR_SCHEDULE");
  t.true(e instanceof TejitError);
  t.regex(e!.message, new RegExp(`^vectorize: loop 'i' has extent ${n}, more than the ${MAX_VECTOR_LANES} vector lanes allowed`));
});

test("a bad PassContext config or pass list is an ArgumentError", (t) => {
  const c = t.throws(() => new transform.PassContext({ config: { autoUnrollMaxStep: -1 } }), { instanceOf: ArgumentError });
  t.is(c?.code, "ERR_ARGUMENT");
  t.is(c?.message, "PassContext config 'autoUnrollMaxStep' must be a non-negative integer, got number -1");
  t.throws(() => transform.Sequential([transform.Simplify(), (() => 1) as never]), { instanceOf: ArgumentError, message: /^Sequential 'Sequential': element 1 is not a pass/ });
});
