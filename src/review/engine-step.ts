import type { PlannedResource } from "../offline/plan-stack";
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

/** How an offline plan shows a value the engine only learns while deploying. */
export const UNKNOWN_TEXT = "(known after deploy)";

/** Inputs as the engine diffs them: pulumi pkg/resource/deploy/step_generator.go
 *  processIgnoreChanges copies the old value of every ignored path into the new inputs
 *  before the provider's Diff, so an ignored input can never cause an update or a
 *  replace. Paths are applied at their top-level input (the program ignores whole
 *  inputs only: `userData`, `sshKeys`), which can only hide more, never show a change
 *  the engine would not make. */
export function applyIgnoreChanges(oldInputs: Record<string, unknown>, newInputs: Record<string, unknown>,
  ignoreChanges: readonly string[]): Record<string, unknown> {
  const result = { ...newInputs };
  for (const path of ignoreChanges) {
    const key = path.split(/[.[]/)[0]!;
    if (key in oldInputs) result[key] = oldInputs[key];
    else delete result[key];
  }
  return result;
}

const PROTECTED = "Pulumi `protect` is set";

/** Whether a protected resource blocks a step. step_generator.go generateSteps refuses a
 *  replace when `new.Protect && old.Protect` ("unable to replace resource … as it is
 *  currently marked for protection"); DeleteStep.Apply (step.go) refuses to delete when
 *  the state says protected. Hetzner itself refuses to delete a server whose
 *  delete protection is on (the provider's resourceServerDelete does not lift it), so
 *  the server's recorded `deleteProtection` blocks both as well. */
function blockedBy(action: ResourceAction, before: PlannedResource, after?: PlannedResource): string | undefined {
  if (action === "replace" && before.protect && after?.protect) return PROTECTED;
  if (action === "delete" && before.protect) return PROTECTED;
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
  const newInputs = applyIgnoreChanges(before.inputs, after.inputs, after.ignoreChanges);
  const keys = [...new Set([...Object.keys(before.inputs), ...Object.keys(newInputs)])].sort();
  const changes: InputChange[] = [];
  for (const input of keys) {
    const ignored = after.ignoreChanges.some((p) => p.split(/[.[]/)[0] === input);
    const differs = !same(before.inputs[input], newInputs[input]);
    const learnsNewOutput = !ignored && dependencyIsNew && containsUnknown(newInputs[input]);
    if (differs || learnsNewOutput) changes.push({ input, before: before.inputs[input], after: newInputs[input] });
  }
  const replaceBecause = changes.filter((c) => inputClass(subject.type, c.input) !== "update").map((c) => c.input);
  if (!same(before.replacementTrigger, after.replacementTrigger)) replaceBecause.push("replacementTrigger");
  const action: ResourceAction = replaceBecause.length > 0 ? "replace" : changes.length > 0 ? "update" : "unchanged";
  const blocked = blockedBy(action, before, after);
  return { ...base, action, changes, replaceBecause, ...(blocked ? { blocked } : {}) };
}

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN_TEXT) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Deep equality of plain JSON values. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
