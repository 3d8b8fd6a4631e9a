// Softmax by rows written with the TE API (bench/softmax.ts's schedule): max and sum rfactored
// into `lanes`-wide partial results, E = exp(X - max) vectorized into a row buffer on the stack
// (maxStackBytes), Y = E · (1 / sum), rows parallel. `fast` uses te.fastExp. ops.softmax
// replaces it at merge.
import { te } from "../../../ts/index.js";

/** The schedule and its arguments [X, Y] for an r x c softmax over rows. */
export function softmaxRows(r: number, c: number, lanes: number, fast: boolean): { s: te.Schedule; args: te.Tensor[]; maxStackBytes: number } {
  const X = te.placeholder([r, c], "float32", "X");
  const k1 = te.reduceAxis([0, c], "k1");
  const M = te.compute([r], (i) => te.max(X.at(i, k1), k1), "M");
  const E = te.compute([r, c], (i, j) => {
    const d = X.at(i, j).sub(M.at(i));
    return fast ? te.fastExp(d) : te.exp(d);
  }, "E");
  const k2 = te.reduceAxis([0, c], "k2");
  const S = te.compute([r], (i) => te.sum(E.at(i, k2), k2), "S");
  // Times the reciprocal of the sum, as hand C does (gcc hoists the division out of the row).
  const Y = te.compute([r, c], (i, j) => E.at(i, j).mul(te.const(1, "float32").div(S.at(i))), "Y");
  const s = te.createSchedule(Y.op);
  const row = Y.op.axis[0];
  const [, yj] = s.stage(Y).split(Y.op.axis[1], { factor: lanes });
  s.stage(Y).vectorize(yj);
  for (const [T, k] of [[M, k1], [S, k2]] as const) {
    const [, ki] = s.stage(T).split(k, { factor: lanes });
    const TF = s.rfactor(T, ki);
    s.stage(TF).computeAt(s.stage(Y), row);
    s.stage(TF).reorder(TF.op.axis[1], (TF.op as unknown as { reduceAxis: typeof TF.op.axis }).reduceAxis[0], TF.op.axis[0]);
    s.stage(TF).vectorize(TF.op.axis[0]);
    s.stage(T).computeAt(s.stage(Y), row);
  }
  s.stage(E).computeAt(s.stage(Y), row);
  const [, ej] = s.stage(E).split(E.op.axis[1], { factor: lanes });
  s.stage(E).vectorize(ej);
  s.stage(Y).parallel(row);
  return { s, args: [X, Y], maxStackBytes: Math.max(8192, 2 * c * 4) };
}
