import { mockId } from "../offline/mock-id";
import type { PlannedResource } from "../offline/plan-stack";
import { UNKNOWN_TEXT } from "./engine-rules";
import { resourceStep, type ResourceStep } from "./engine-step";

/** The steps for one set of resources (a node's, or the stack's own), base → head, in
 *  dependency order, so that a replaced resource makes the ids and addresses its
 *  dependents read unknown — as the engine's preview shows them. */
export function compareResources(base: readonly PlannedResource[], head: readonly PlannedResource[],
  outsideNew: ReadonlySet<string> = new Set()): ResourceStep[] {
  const key = (r: PlannedResource) => `${r.type}::${r.name}`;
  const before = new Map(base.map((r) => [key(r), r]));
  const after = new Map(head.map((r) => [key(r), r]));
  const byName = new Map([...base, ...head].map((r) => [r.name, r]));
  const steps = new Map<string, ResourceStep>();
  const renewed = new Set(outsideNew);
  // Replaced delete-before-replace, or deleted first as a dependent of such a chain
  // (step_generator.go calculateDependentReplacements grows its replace set the same way).
  const deletedFirst = new Set<string>();

  const visit = (k: string, path: ReadonlySet<string>): void => {
    if (steps.has(k) || path.has(k)) return;
    const subject = (after.get(k) ?? before.get(k))!;
    for (const dep of subject.dependsOn) {
      const r = byName.get(dep);
      if (r) visit(key(r), new Set([...path, k]));
    }
    const head = after.get(k);
    const newIds = new Map([...renewed].map((name) => {
      const r = byName.get(name);
      return [r ? mockId(r.type, r.name) : NaN, name] as const;
    }));
    const dependencies = { renewed: subject.dependsOn.some((d) => renewed.has(d)), deletedFirst: subject.dependsOn.some((d) => deletedFirst.has(d)) };
    const step = resourceStep(before.get(k), head && { ...head, inputs: forgetIds(head.inputs, newIds) as Record<string, unknown> }, dependencies);
    steps.set(k, step);
    if (step.action === "create" || step.action === "replace") renewed.add(step.name);
    if (step.action === "replace" && (step.deleteBeforeReplace || dependencies.deletedFirst)) deletedFirst.add(step.name);
  };
  for (const k of [...new Set([...before.keys(), ...after.keys()])]) visit(k, new Set());
  return [...steps.values()].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
}

/** The id and the outputs (src/offline/fake-outputs.ts tokens carry the id) of a resource that will
 *  be created or replaced are not known before the deployment: the engine shows them,
 *  and any text built from them, as unknown. */
function forgetIds(value: unknown, newIds: ReadonlyMap<number, string>): unknown {
  if (typeof value === "number" && newIds.has(value)) return UNKNOWN_TEXT;
  if (typeof value === "string" && [...(value.match(/\d{10}/g) ?? [])].some((d) => newIds.has(Number(d)))) return UNKNOWN_TEXT;
  if (Array.isArray(value)) return value.map((v) => forgetIds(v, newIds));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forgetIds(v, newIds)]));
  }
  return value;
}
