// Attach paths: for each stage, the loops that enclose it, innermost first — its attach loop
// and the loops outside it in the stage it is attached to, then that stage's own path. A root
// stage of a scan's body is inside all of the scan's loops (the time loop).

import { ScheduleError } from "../errors.js";
import type { IterVar } from "../ir/iter_var.js";
import type { Operation } from "../te/operation.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

export type AttachPath = Map<Operation, IterVar[]>;

export function createAttachPath(sch: Schedule): AttachPath {
  const ret: AttachPath = new Map();
  for (const stage of sch.stages) {
    const visited = new Set<Stage>();
    const path: IterVar[] = [];
    let s: Stage | undefined = stage;
    while (s) {
      if (visited.has(s)) throw new ScheduleError(`stage '${stage.name}': computeAt forms a cycle through '${s.name}'`);
      visited.add(s);
      const inScan = s.attachType === "root" && s.scanStage !== undefined;
      if (s.attachType !== "scope" && !inScan) break;
      const ivar = s.attachIvar;
      const target: Stage = inScan ? s.scanStage! : s.attachStage!;
      let started = inScan;
      for (let i = target.leafIterVars.length - 1; i >= 0; i--) {
        const iv = target.leafIterVars[i];
        if (!started && iv === ivar) started = true;
        if (started) path.push(iv);
      }
      if (!started) throw new ScheduleError(`stage '${s.name}': attach axis '${ivar!.name}' is not a loop of '${target.name}'`);
      s = target;
    }
    if (!ret.has(stage.op)) ret.set(stage.op, path);
  }
  return ret;
}
