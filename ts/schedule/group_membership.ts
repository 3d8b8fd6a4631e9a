// Group membership tests shared by Stage.computeAt and StageGroup (no runtime imports, so
// stage.ts and group.ts can both use them without an import cycle).

import type { StageGroup } from "./group.js";
import type { Stage } from "./stage.js";
import { ScheduleError } from "../errors.js";

/** Whether `g` is `ancestor` or nested in it. */
export function isInGroup(g: StageGroup | undefined, ancestor: StageGroup): boolean {
  for (let x = g; x; x = x.group) if (x === ancestor) return true;
  return false;
}

/** Refuses a computeAt from inside `group` to a stage outside it (TVM's group constraint). */
export function checkSameGroup(group: StageGroup | undefined, target: Stage, what: string): void {
  if (group && !isInGroup(target.group, group)) {
    throw new ScheduleError(`${what}: cannot compute at '${target.name}', which is outside its ${group} (a stage of a group can only be computed at a stage of the same group; place the group with group.computeAt)`);
  }
}
