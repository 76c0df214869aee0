import type { PlannedResource } from "../offline/plan-stack";
import { containsUnknown, processIgnoreChanges, protectBlocksDelete, protectBlocksDependentReplace, protectBlocksReplace, replacementInputs, same, shouldTriggerReplace, topLevelInput } from "./engine-rules";
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
  /** Changed inputs, secrets shown as "[secret]": after ignoreChanges for an update; for
   *  a replace every input the replacement takes that differs from the old resource,
   *  ignored ones included (engine-rules.ts replacementInputs). */
  readonly changes: readonly InputChange[];
  /** Why a replace happens: the inputs the provider replaces for, or "replacementTrigger". */
  readonly replaceBecause: readonly string[];
  /** Set when the engine or the provider would refuse the step. */
  readonly blocked?: string;
  readonly deleteBeforeReplace: boolean;
}

const PROTECTED = "Pulumi `protect` is set";

/** Whether a protected resource blocks a step (engine-rules.ts: protection on replace,
 *  on a delete-before-replace chain's dependents, and on delete). Hetzner itself refuses
 *  to delete a server whose delete protection is on (the provider's resourceServerDelete
 *  does not lift it), so the server's recorded `deleteProtection` blocks both as well. */
function blockedBy(action: ResourceAction, before: PlannedResource, after: PlannedResource | undefined,
  deletedFirst: boolean): string | undefined {
  if (action === "replace") {
    const refused = deletedFirst ? protectBlocksDependentReplace(before.protect) : protectBlocksReplace(after?.protect ?? false, before.protect);
    if (refused) return PROTECTED;
  }
  if (action === "delete" && protectBlocksDelete(before.protect)) return PROTECTED;
  if ((action === "replace" || action === "delete") && before.inputs.deleteProtection === true) {
    return "Hetzner delete protection is on";
  }
  return undefined;
}

/** The inputs that differ between the old resource and the given new inputs; an input
 *  that reads an output of a renewed dependency counts as changed when it is unknown. */
function inputChanges(old: Record<string, unknown>, next: Record<string, unknown>, dependencyIsNew: boolean,
  ignored: (input: string) => boolean): InputChange[] {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  return keys.filter((input) => !same(old[input], next[input]) || (!ignored(input) && dependencyIsNew && containsUnknown(next[input])))
    .map((input) => ({ input, before: old[input], after: next[input] }));
}

/** Where a resource's renewed dependencies come from. */
export interface Dependencies {
  /** A resource it reads is created or replaced: its outputs (ids, addresses) will be
   *  new, so every input unknown at plan time counts as changed, as in a real preview. */
  readonly renewed: boolean;
  /** A resource it reads is replaced delete-before-replace (or is itself such a chain's
   *  dependent): if this one is replaced, the engine deletes it first, in that chain. */
  readonly deletedFirst: boolean;
}

/** One resource's step, as the engine would decide it from the recorded state (base)
 *  and the program's new registration (head). A change to an input the table does not
 *  know counts as a replace: never guess the mild outcome. */
export function resourceStep(before: PlannedResource | undefined, after: PlannedResource | undefined,
  dependencies: Dependencies = { renewed: false, deletedFirst: false }): ResourceStep {
  const subject = (after ?? before)!;
  const base = { type: subject.type, name: subject.name, urn: subject.urn, deleteBeforeReplace: subject.deleteBeforeReplace };
  if (!before) return { ...base, action: "create", changes: [], replaceBecause: [] };
  if (!after) {
    const blocked = blockedBy("delete", before, undefined, false);
    return { ...base, action: "delete", changes: [], replaceBecause: [], ...(blocked ? { blocked } : {}) };
  }
  const ignored = (input: string) => after.ignoreChanges.some((p) => topLevelInput(p) === input);
  const diffed = inputChanges(before.inputs, processIgnoreChanges(after.inputs, before.inputs, after.ignoreChanges), dependencies.renewed, ignored);
  const replaceBecause = diffed.filter((c) => inputClass(subject.type, c.input) !== "update").map((c) => c.input);
  if (shouldTriggerReplace(after.replacementTrigger, before.replacementTrigger)) replaceBecause.push("replacementTrigger");
  const action: ResourceAction = replaceBecause.length > 0 ? "replace" : diffed.length > 0 ? "update" : "unchanged";
  const changes = action === "replace" ? inputChanges(before.inputs, replacementInputs(after.inputs), dependencies.renewed, () => false) : diffed;
  const blocked = blockedBy(action, before, after, dependencies.deletedFirst);
  return { ...base, action, changes, replaceBecause, ...(blocked ? { blocked } : {}) };
}
