import type { PlannedResource } from "../offline/plan-stack";
import { containsUnknown, processIgnoreChanges, protectBlocksDelete, protectBlocksReplace, same, shouldTriggerReplace, topLevelInput } from "./engine-rules";
import { inputClass } from "./replace-table";

/** What the engine would do to one resource. */
export type ResourceAction = "create" | "update" | "replace" | "delete" | "unchanged";

export interface InputChange {
  readonly input: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ResourceStep {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly action: ResourceAction;
  /** Changed inputs (after ignoreChanges), secrets shown as "[secret]". */
  readonly changes: readonly InputChange[];
  /** Why a replace happens: the inputs the provider replaces for, or "replacementTrigger". */
  readonly replaceBecause: readonly string[];
  /** Set when the engine or the provider would refuse the step. */
  readonly blocked?: string;
  readonly deleteBeforeReplace: boolean;
}

const PROTECTED = "Pulumi `protect` is set";

/** Whether a protected resource blocks a step (engine-rules.ts: protection on replace and
 *  on delete). Hetzner itself refuses to delete a server whose delete protection is on
 *  (the provider's resourceServerDelete does not lift it), so the server's recorded
 *  `deleteProtection` blocks both as well. */
function blockedBy(action: ResourceAction, before: PlannedResource, after?: PlannedResource): string | undefined {
  if (action === "replace" && protectBlocksReplace(after?.protect ?? false, before.protect)) return PROTECTED;
  if (action === "delete" && protectBlocksDelete(before.protect)) return PROTECTED;
  if ((action === "replace" || action === "delete") && before.inputs.deleteProtection === true) {
    return "Hetzner delete protection is on";
  }
  return undefined;
}

/** One resource's step, as the engine would decide it from the recorded state (base)
 *  and the program's new registration (head). `replacedDeps` holds the resources this
 *  one reads that are created or replaced: their outputs (ids, addresses) will be new,
 *  so every input that is unknown at plan time counts as changed, as it does in a real
 *  preview. A change to an input the table does not know counts as a replace: never
 *  guess the mild outcome. */
export function resourceStep(before: PlannedResource | undefined, after: PlannedResource | undefined,
  dependencyIsNew: boolean): ResourceStep {
  const subject = (after ?? before)!;
  const base = { type: subject.type, name: subject.name, urn: subject.urn, deleteBeforeReplace: subject.deleteBeforeReplace };
  if (!before) return { ...base, action: "create", changes: [], replaceBecause: [] };
  if (!after) {
    const blocked = blockedBy("delete", before);
    return { ...base, action: "delete", changes: [], replaceBecause: [], ...(blocked ? { blocked } : {}) };
  }
  const newInputs = processIgnoreChanges(after.inputs, before.inputs, after.ignoreChanges);
  const keys = [...new Set([...Object.keys(before.inputs), ...Object.keys(newInputs)])].sort();
  const changes: InputChange[] = [];
  for (const input of keys) {
    const ignored = after.ignoreChanges.some((p) => topLevelInput(p) === input);
    const differs = !same(before.inputs[input], newInputs[input]);
    const learnsNewOutput = !ignored && dependencyIsNew && containsUnknown(newInputs[input]);
    if (differs || learnsNewOutput) changes.push({ input, before: before.inputs[input], after: newInputs[input] });
  }
  const replaceBecause = changes.filter((c) => inputClass(subject.type, c.input) !== "update").map((c) => c.input);
  if (shouldTriggerReplace(after.replacementTrigger, before.replacementTrigger)) replaceBecause.push("replacementTrigger");
  const action: ResourceAction = replaceBecause.length > 0 ? "replace" : changes.length > 0 ? "update" : "unchanged";
  const blocked = blockedBy(action, before, after);
  return { ...base, action, changes, replaceBecause, ...(blocked ? { blocked } : {}) };
}
