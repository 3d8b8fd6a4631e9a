import test from "ava";
import { version } from "../ts/index.js";

test("package entry loads", (t) => {
  t.is(version, "0.1.0");
});
