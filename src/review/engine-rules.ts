// The Pulumi engine's rules that decide a resource's step, read in pulumi/pulumi
// pkg/resource/deploy/step_generator.go and step.go (v3.248.0, the engine this project
// pins; unchanged in v3.259). `fleet diff` (engine-step.ts) predicts steps with them and
// the engine model of the tests (test/engine/model.ts) deploys with them: one model of
// the engine, so the prediction and the tested lifecycle cannot drift apart.

/** How an offline plan shows a value the engine only learns while deploying. */
export const UNKNOWN_TEXT = "(known after deploy)";

/** Whether a value holds a value not known until deployment. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN_TEXT) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** step_generator.go processIgnoreChanges: the old value of every ignored input is copied
 *  into the new inputs before the provider's Diff, whenever an old state exists. This
 *  decides only WHETHER a resource changes: a replacement takes the program's inputs
 *  (see replacementInputs). Paths are applied at their top-level input (the program
 *  ignores whole inputs only: `userData`, `location`), which can only hide more, never
 *  show a change the engine would not make. */
export function processIgnoreChanges(inputs: Record<string, unknown>, oldInputs: Record<string, unknown>,
  ignoreChanges: readonly string[]): Record<string, unknown> {
  const result = { ...inputs };
  for (const path of ignoreChanges) {
    const key = topLevelInput(path);
    if (key in oldInputs) result[key] = oldInputs[key];
    else delete result[key];
  }
  return result;
}

/** step_generator.go continueStepsFromDiff (v3.248.0 L1882-1906): once a resource is to
 *  be replaced, the engine calls the provider's Check again with `News: goal.Properties`
 *  — the program's inputs as registered, before processIgnoreChanges — "because the old
 *  values are no longer valid"; a `--replace` target gets the same in generateSteps
 *  (L1212, isTargetedReplace). So ignoreChanges is NOT carried into a replacement: a
 *  rebuilt server takes today's location and user data. */
export function replacementInputs(programInputs: Record<string, unknown>): Record<string, unknown> {
  return { ...programInputs };
}

/** The input an ignoreChanges path starts at (`labels.env` → `labels`). */
export function topLevelInput(path: string): string {
  return path.split(/[.[]/)[0]!;
}

/** step_generator.go shouldTriggerReplace (called by generateStepsFromDiff before the
 *  provider's Diff): a value unknown on either side always replaces; no trigger on
 *  either side (null) never does; otherwise a changed value replaces. Secrets compare by
 *  their values (unwrapSecretsAndOutputs); the offline plan shows them as "[secret]". */
export function shouldTriggerReplace(next: unknown, old: unknown): boolean {
  if (containsUnknown(next) || containsUnknown(old)) return true;
  if (next === undefined || next === null || old === undefined || old === null) return false;
  return !same(next, old);
}

/** step_generator.go continueStepsFromDiff: a replacement is refused when `new.Protect &&
 *  old.Protect` ("unable to replace resource … as it is currently marked for
 *  protection"); unprotecting and replacing may happen in one update, so a resource
 *  unprotected in the program or in the state (`pulumi state unprotect`) is replaced. */
export function protectBlocksReplace(newProtect: boolean, oldProtect: boolean): boolean {
  return newProtect && oldProtect;
}

/** step.go DeleteStep.Apply (`!s.replacing && s.old.Protect`): a resource the state says
 *  is protected is never deleted ("cannot be deleted"), whatever the program now declares;
 *  the delete half of a replacement is checked by protectBlocksReplace instead. */
export function protectBlocksDelete(oldProtect: boolean): boolean {
  return oldProtect;
}

/** step_generator.go continueStepsFromDiff (v3.248.0 L1990): a dependent that a
 *  delete-before-replace deletes first (calculateDependentReplacements walks the OLD
 *  state's dependency graph) is checked on its OLD protection alone — it is deleted
 *  before the program registers it again, and the re-created one gets no check. So a
 *  dependent protected in the state blocks the chain even when the program now
 *  unprotects it, and one unprotected in the state never blocks. */
export function protectBlocksDependentReplace(oldProtect: boolean): boolean {
  return oldProtect;
}

/** Deep equality of plain JSON values, as the engine's PropertyValue.DeepEquals. */
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
