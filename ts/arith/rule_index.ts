// The rules of a rewrite table that can match an expression, found from its node kind and its
// operands' kinds: most rules of a table fail on the first or second node they look at (an Add
// rule for `ramp(...) + broadcast(...)` tried on `x + 1`), and matching every one of them, for
// every node the simplifier visits, was the simplifier's largest cost. A rule is left out only
// when its pattern's root or operand patterns need a kind the expression does not have, which
// matchPattern would refuse too, so applying the filtered list in order gives the same rewrite.
// The filtered lists are computed once per table and kind triple.

import { PrimExpr } from "../ir/expr.js";
import { operandPatterns, patternKinds } from "./pattern.js";
import type { Rule } from "./rewrite_rule.js";

/** What a rule's pattern needs of an expression: its kinds, and its operands' (undefined: any). */
interface RuleNeeds {
  rule: Rule;
  root: readonly string[] | undefined;
  a: readonly string[] | undefined;
  b: readonly string[] | undefined;
}

/** A table's rules with their needs, and the filtered lists by kind, then operand kinds. */
interface TableIndex {
  length: number;
  needs: RuleNeeds[];
  lists: Map<string, Map<string, Map<string, readonly Rule[]>>>;
}

const byTable = new WeakMap<readonly Rule[], TableIndex>();

function indexOf(rules: readonly Rule[]): TableIndex {
  let table = byTable.get(rules);
  if (table === undefined || table.length !== rules.length) {
    const needs = rules.map((rule) => {
      const pats = operandPatterns(rule.pat);
      return { rule, root: patternKinds(rule.pat), a: pats && patternKinds(pats[0]), b: pats && patternKinds(pats[1]) };
    });
    table = { length: rules.length, needs, lists: new Map() };
    byTable.set(rules, table);
  }
  return table;
}

const accepts = (kinds: readonly string[] | undefined, kind: string): boolean => kinds === undefined || kinds.includes(kind);

/** The rules of `rules`, in order, that can match `e` (see the file header). */
export function rulesFor(rules: readonly Rule[], e: PrimExpr): readonly Rule[] {
  if (rules.length === 0) return rules;
  const table = indexOf(rules);
  // The operands of a binary, comparison or logical node ("" for a node without two).
  const n = e as PrimExpr & { a?: PrimExpr; b?: PrimExpr };
  const binary = n.a instanceof PrimExpr && n.b instanceof PrimExpr;
  const aKind = binary ? n.a!.kind : "";
  const bKind = binary ? n.b!.kind : "";
  let byA = table.lists.get(e.kind);
  if (byA === undefined) table.lists.set(e.kind, (byA = new Map()));
  let byB = byA.get(aKind);
  if (byB === undefined) byA.set(aKind, (byB = new Map()));
  let list = byB.get(bKind);
  if (list === undefined) {
    list = table.needs
      .filter((r) => accepts(r.root, e.kind) && (!binary || (accepts(r.a, aKind) && accepts(r.b, bKind))))
      .map((r) => r.rule);
    byB.set(bKind, list);
  }
  return list;
}
