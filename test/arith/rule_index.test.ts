// The rewrite simplifier's rule index (arith/rule_index.ts) only leaves out rules that cannot
// match: over every rule table and a corpus of nodes of every kind the tables rewrite (scalar,
// vector and boolean operands of many kinds, nested), every rule whose pattern matches a node is
// in the node's filtered list, and the list keeps the table's order. So the simplifier, which
// applies the first rule that matches and whose condition holds, rewrites as it did unfiltered.
import test from "ava";
import {
  Add, And, Broadcast, Div, EQ, FloatImm, FloorDiv, FloorMod, GE, GT, IntImm, LE, LT, Max, Min, Mod, Mul, NE, Not, Or,
  type PrimExpr, Ramp, Select, Sub, Var,
} from "../../ts/ir/expr.js";
import { matchPattern } from "../../ts/arith/pattern.js";
import { rulesFor } from "../../ts/arith/rule_index.js";
import type { Rule } from "../../ts/arith/rewrite_rule.js";
import * as addSubMul from "../../ts/arith/rewrite_add_sub_mul.js";
import * as compare from "../../ts/arith/rewrite_compare.js";
import * as divMod from "../../ts/arith/rewrite_div_mod.js";
import * as logical from "../../ts/arith/rewrite_logical.js";
import * as minMax from "../../ts/arith/rewrite_min_max.js";

const tables: [string, readonly Rule[]][] = [];
for (const m of [addSubMul, compare, divMod, logical, minMax]) {
  for (const [name, v] of Object.entries(m)) if (Array.isArray(v) && v.length > 0 && "pat" in v[0]) tables.push([name, v as Rule[]]);
}

const BIN = [Add, Sub, Mul, Div, Mod, FloorDiv, FloorMod, Min, Max];
const CMP = [EQ, NE, LT, LE, GT, GE];

/** Operands by dtype: leaves, then one level of every binary kind over them. */
function operands(): Map<string, PrimExpr[]> {
  const x = new Var("x", "int32"), y = new Var("y", "int32");
  const i = (v: number) => new IntImm("int32", v);
  const leaves: PrimExpr[] = [x, y, i(0), i(1), i(3), i(-2), new FloatImm("float32", 0), new FloatImm("float32", 1.5), new Var("f", "float32")];
  const vec = (lanes: number) => [new Ramp(x, i(1), lanes), new Ramp(i(0), i(2), lanes), new Broadcast(x, lanes), new Broadcast(i(0), lanes), new Broadcast(i(4), lanes)];
  const fvec = [new Broadcast(new FloatImm("float32", 0), 4), new Broadcast(new Var("g", "float32"), 4)];
  const all = [...leaves, ...vec(4), ...vec(8), ...fvec];
  const nested: PrimExpr[] = [];
  for (const C of BIN) for (const a of all) for (const b of all) if (a.dtype === b.dtype && (a.kind !== b.kind || a === x)) nested.push(new C(a, b));
  const bools: PrimExpr[] = [new IntImm("bool", 1), new IntImm("bool", 0), new Var("p", "bool")];
  for (const C of CMP) { bools.push(new C(x, i(3)), new C(new Add(x, i(1)), y), new C(new Sub(x, y), i(0))); }
  bools.push(new Not(new LT(x, y)), new And(new LT(x, y), new LT(y, i(9))), new Or(new EQ(x, i(0)), new GE(x, y)));
  const sel = [new Select(new LT(x, y), x, y), new Select(new Var("p", "bool"), i(1), i(0))];
  const out = new Map<string, PrimExpr[]>();
  for (const e of [...all, ...nested, ...bools, ...sel]) {
    const k = String(e.dtype);
    out.set(k, [...(out.get(k) ?? []), e]);
  }
  return out;
}

test("every rule that matches a node is in its filtered list, in the table's order", (t) => {
  const byType = operands();
  const roots: PrimExpr[] = [];
  for (const list of byType.values()) {
    const some = list.filter((_, k) => k % 7 === 0 || list.length < 60);
    for (const a of some) for (const b of some) {
      for (const C of BIN) roots.push(new C(a, b));
      for (const C of CMP) roots.push(new C(a, b));
      if (String(a.dtype).startsWith("bool")) roots.push(new And(a, b), new Or(a, b));
    }
    for (const a of list) if (String(a.dtype).startsWith("bool")) roots.push(new Not(a));
  }
  let matched = 0;
  for (const [name, rules] of tables) {
    for (const e of roots) {
      const kept = rulesFor(rules, e);
      let last = -1;
      for (const r of kept) {
        const at = rules.indexOf(r);
        if (at <= last) { t.fail(`${name}: the filtered list is out of order`); return; }
        last = at;
      }
      for (const r of rules) {
        if (!matchPattern(r.pat, e, {})) continue;
        matched++;
        if (!kept.includes(r)) { t.fail(`${name}: a rule matching a ${e.kind} of ${e.dtype} was left out`); return; }
      }
    }
  }
  t.true(tables.length >= 25, `${tables.length} tables`);
  t.true(roots.length > 5000, `${roots.length} nodes`);
  t.true(matched > 1000, `${matched} matches checked`);
  t.log(`${tables.length} tables, ${roots.length} nodes, ${matched} matches`);
});
