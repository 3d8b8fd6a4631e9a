// Layer normalization over the rows of X written with the TE API, in the softmax's structure:
// the row's sum and sum of squared deviations rfactored into `lanes`-wide partial results and
// computed at the row, Y = (X - mean) · rsqrt(var + eps) · gamma + beta vectorized, rows
// parallel. ops.layerNorm replaces it at merge.
import { te } from "../../../ts/index.js";

/** The schedule and its arguments [X, gamma, beta, Y] for an r x c layer norm over rows. */
export function layerNormRows(r: number, c: number, lanes: number, eps: number): { s: te.Schedule; args: te.Tensor[] } {
  const X = te.placeholder([r, c], "float32", "X");
  const G = te.placeholder([c], "float32", "gamma");
  const B = te.placeholder([c], "float32", "beta");
  const k1 = te.reduceAxis([0, c], "k1");
  const S1 = te.compute([r], (i) => te.sum(X.at(i, k1), k1), "S1");
  const k2 = te.reduceAxis([0, c], "k2");
  const inv = 1 / c;
  const S2 = te.compute([r], (i) => {
    const d = X.at(i, k2).sub(S1.at(i).mul(inv));
    return te.sum(d.mul(d), k2);
  }, "S2");
  const Y = te.compute([r, c], (i, j) => X.at(i, j).sub(S1.at(i).mul(inv))
    .mul(te.rsqrt(S2.at(i).mul(inv).add(eps))).mul(G.at(j)).add(B.at(j)), "Y");
  const s = te.createSchedule(Y.op);
  const row = Y.op.axis[0];
  const [, yj] = s.stage(Y).split(Y.op.axis[1], { factor: lanes });
  s.stage(Y).vectorize(yj);
  for (const [T, k] of [[S1, k1], [S2, k2]] as const) {
    const [, ki] = s.stage(T).split(k, { factor: lanes });
    const TF = s.rfactor(T, ki);
    s.stage(TF).computeAt(s.stage(Y), row);
    s.stage(TF).reorder(TF.op.axis[1], (TF.op as unknown as { reduceAxis: typeof TF.op.axis }).reduceAxis[0], TF.op.axis[0]);
    s.stage(TF).vectorize(TF.op.axis[0]);
    s.stage(T).computeAt(s.stage(Y), row);
  }
  s.stage(Y).parallel(row);
  return { s, args: [X, G, B, Y] };
}
