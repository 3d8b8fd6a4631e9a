// The packed-function registry, without the native addon.
import test from "ava";
import { getGlobalFunc, listGlobalFuncNames, registerFunc, removeGlobalFunc, onRegistryChange } from "../../ts/runtime/registry.js";

test("register, look up, list, override and remove", (t) => {
  const events: string[] = [];
  const off = onRegistryChange((name, ev) => events.push(`${ev}:${name}`));
  registerFunc("reg.a", (x: number) => x + 1);
  registerFunc("reg.b", () => 2);
  t.is((getGlobalFunc("reg.a") as (x: number) => number)(1), 2);
  t.deepEqual(listGlobalFuncNames().filter((n) => n.startsWith("reg.")), ["reg.a", "reg.b"]);
  t.throws(() => registerFunc("reg.a", () => 0), { message: /'reg.a' is already registered; pass \{override: true\}/ });
  registerFunc("reg.a", (x: number) => x * 10, { override: true });
  t.is((getGlobalFunc("reg.a") as (x: number) => number)(3), 30);
  t.true(removeGlobalFunc("reg.b"));
  t.false(removeGlobalFunc("reg.b"));
  t.is(getGlobalFunc("reg.b", { allowMissing: true }), undefined);
  t.throws(() => getGlobalFunc("reg.b"), { message: /no function named 'reg.b' is registered/ });
  t.throws(() => registerFunc("reg.c", 5 as never), { message: /registerFunc\('reg.c'\): expected a function, got number/ });
  t.throws(() => registerFunc("", () => 0), { message: /non-empty string/ });
  off();
  registerFunc("reg.d", () => 0);
  t.deepEqual(events, ["register:reg.a", "register:reg.b", "register:reg.a", "remove:reg.b"]);
});
